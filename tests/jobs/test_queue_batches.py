"""The queue's batch paths: a fetch takes many jobs in one script call,
their acknowledgements go in one call, and enqueues of many jobs (the
outbox relay, a backfill, the bulk enqueue script) are pipelined.  The
same guarantees as one job at a time: a batch whose process dies comes
back whole, nothing is lost or left behind, and a job costs Redis a few
commands, not one per field (INFO commandstats, machine-independent)."""

import os
import signal
import time

from conftest import (enqueue_many, job_known, job_meta, lua, psql, record,
                      redis_raw, unique, wait_for)


def commands():
    """Every command Redis ran so far, scripts' inner ones included."""
    total = 0
    for line in redis_raw("INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_") and \
                not line.startswith("cmdstat_info:"):
            total += int(line.split("calls=")[1].split(",")[0])
    return total


def ok_count():
    return int(redis_raw("HGET", "agora:stats", "noop:ok") or 0)


def test_a_batch_held_by_a_dead_process_comes_back_whole(workers):
    name = unique()
    ids = [f"{name}-{i}" for i in range(50)]
    assert enqueue_many([(j, "noop", "default", {"record": name})
                         for j in ids]) == 50
    requeued = int(redis_raw("HGET", "agora:stats", "requeued") or 0)
    # A process takes all fifty in one call, then dies without a word.
    now = int(time.time() * 1000)
    out = redis_raw("EVAL", lua("QUEUE_LUA_FETCH"), "0", str(now), "1000",
                    "50", "gone:999999").split("\n")
    assert sorted(out[0::3]) == sorted(ids)
    assert all(job_meta(j)["worker"] == "gone:999999" for j in ids)

    workers.start(2)
    wait_for(lambda: len(record(name)) >= 50, timeout=60,
             what="the batch delivered again")
    time.sleep(0.5)
    # Each ran once more, as its second attempt; none is left anywhere.
    assert sorted(record(name)) == sorted(f"{j}:2" for j in ids)
    assert int(redis_raw("HGET", "agora:stats", "requeued")) >= \
        requeued + 50
    for j in ids:
        assert not job_known(j) and job_meta(j) is None, j
        assert redis_raw("ZSCORE", "agora:inflight", j) == ""


def test_killed_in_the_middle_of_batches_loses_nothing(workers):
    p = workers.start(1)
    name = unique()
    ids = [f"{name}-{i}" for i in range(3000)]
    for k in range(0, len(ids), 1000):
        enqueue_many([(j, "noop", "default", {"record": name})
                      for j in ids[k:k + 1000]])
    wait_for(lambda: len(record(name)) >= 300, what="batches under way")
    child = workers.children(p)[0]
    os.kill(child, signal.SIGKILL)

    wait_for(lambda: set(r.split(":")[0] for r in record(name)) >= set(ids),
             timeout=120, what="every job after the kill")
    time.sleep(1)
    done = [r.split(":")[0] for r in record(name)]
    # Only jobs finished but not yet acknowledged when the process died
    # run twice: at most one fetch's worth (64).
    assert set(done) == set(ids)
    assert len(done) - len(ids) <= 64, len(done) - len(ids)
    assert not any(job_known(j) for j in ids)


def test_acks_of_a_batch_and_what_a_job_costs_redis(workers):
    workers.start(2)
    time.sleep(0.5)
    name = unique()
    n = 4000
    base, c0 = ok_count(), commands()
    for k in range(0, n, 1000):
        enqueue_many([(f"{name}-{i}", "noop", "default", {})
                      for i in range(k, k + 1000)])
    polls = 0
    t0 = time.time()
    while ok_count() - base < n and time.time() - t0 < 60:
        polls += 1
        time.sleep(0.05)
    c1 = commands()
    assert ok_count() - base == n
    # Fetches of up to 64 and their acks cost a handful of commands a
    # batch; one job at a time it was 14 a job.
    per_job = (c1 - c0 - polls - 1) / n
    assert per_job < 1.0, per_job
    assert not any(job_known(f"{name}-{i}") for i in range(0, n, 97))


def test_a_backfill_of_ten_thousand_outbox_rows_arrives_complete(workers):
    name = unique()
    rows = psql("INSERT INTO job_outbox (type, queue, args, created_at) "
                "SELECT 'noop', 'bulk', jsonb_build_object('record', :'p1'), "
                "now() - interval '2 seconds' FROM generate_series(1, 10000) "
                "RETURNING id", name)
    want = {f"o{r[0]}" for r in rows if r[0].isdigit()}
    assert len(want) == 10000
    workers.start(2)
    wait_for(lambda: len(record(name)) >= 10000, timeout=180, step=0.5,
             what="ten thousand relayed jobs")
    time.sleep(1)
    done = [r.split(":")[0] for r in record(name)]
    assert sorted(done) == sorted(want)
    # Each row is deleted once its job is done.
    wait_for(lambda: psql("SELECT count(*) FROM job_outbox "
                          "WHERE args->>'record' = :'p1'", name) == [["0"]],
             what="the outbox rows to go")
