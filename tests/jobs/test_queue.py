"""Queue semantics: delivery, priorities, delays, retries, the dead set,
redelivery after a crash, draining on SIGTERM."""

import os
import signal
import time

import requests

from conftest import (BASE, enqueue, job_known, job_meta, record, redis,
                      redis_raw, unique, wait_for)


def test_enqueued_job_is_processed(workers):
    workers.start()
    name = unique()
    jid = enqueue("noop", "default", {"record": name})
    assert jid.startswith("r")
    wait_for(lambda: record(name), what="the job to run")
    assert record(name) == [f"{jid}:1"]
    # A finished job leaves nothing behind in Redis.
    assert not job_known(jid)
    assert job_meta(jid) is None
    assert redis_raw("EXISTS", f"agora:job:{jid}") == "0"


def test_priorities_critical_default_bulk(workers):
    name = unique()
    ids = [enqueue("noop", q, {"record": name})
           for q in ("bulk", "default", "critical", "bulk", "critical")]
    workers.start(1)
    wait_for(lambda: len(record(name)) == 5, what="all five jobs")
    order = [r.split(":")[0] for r in record(name)]
    assert order == [ids[2], ids[4], ids[1], ids[0], ids[3]]


def test_delayed_job_waits_for_its_time(workers):
    workers.start()
    name = unique()
    t0 = time.time()
    enqueue("noop", "default", {"record": name}, delay_ms=1500)
    time.sleep(0.8)
    assert record(name) == []
    wait_for(lambda: record(name), what="the delayed job")
    assert time.time() - t0 >= 1.4


def test_failing_job_backs_off_then_dies_and_admin_retries(workers,
                                                           admin_token):
    p = workers.start(1)
    jid = enqueue("noop", "default", {"fail": "disk on fire"})
    wait_for(lambda: redis("ZSCORE", "agora:dead", jid) != "(nil)",
             timeout=30, what="the job to die")

    runs = [l for l in workers.log_lines(p) if l.get("id") == jid]
    assert [r["attempt"] for r in runs] == [1, 2, 3]
    assert [r["outcome"] for r in runs] == ["retry", "retry", "dead"]
    ts = [time.mktime(time.strptime(r["ts"][:19], "%Y-%m-%dT%H:%M:%S")) +
          float("0." + r["ts"][20:23]) for r in runs]
    # 200 ms base: the second wait is about twice the first (jitter and
    # the idle poll add up to 0.5 s to each).
    assert ts[2] - ts[1] > ts[1] - ts[0] - 0.5
    assert ts[2] - ts[0] >= 0.55
    assert redis_raw("HGET", f"agora:job:{jid}", "error") == "disk on fire"

    auth = {"Authorization": f"Bearer {admin_token}"}
    jobs = requests.get(BASE + "/api/v1/admin/jobs", headers=auth).json()
    dead = [d for d in jobs["dead"] if d["id"] == jid]
    assert dead and dead[0]["error"] == "disk on fire"
    assert dead[0]["attempts"] == 3 and dead[0]["type"] == "noop"
    assert set(jobs["queues"]) == {"critical", "default", "bulk"}
    for key in ("in_flight", "scheduled", "dead_count", "counters"):
        assert key in jobs

    # Retry from the admin API: it runs again from attempt 1.
    r = requests.post(BASE + f"/api/v1/admin/jobs/{jid}/retry", headers=auth)
    assert r.status_code == 204
    wait_for(lambda: len([l for l in workers.log_lines(p)
                          if l.get("id") == jid]) == 6, timeout=30,
             what="the retried job to run its attempts again")
    again = [l for l in workers.log_lines(p) if l.get("id") == jid][3:]
    assert [r["attempt"] for r in again] == [1, 2, 3]

    r = requests.delete(BASE + f"/api/v1/admin/jobs/{jid}", headers=auth)
    assert r.status_code == 204
    assert redis("ZSCORE", "agora:dead", jid) == "(nil)"
    r = requests.delete(BASE + f"/api/v1/admin/jobs/{jid}", headers=auth)
    assert r.status_code == 404

    # Both are in the audit log, by whom and of which job.
    log = requests.get(BASE + "/api/v1/admin/audit", params={"limit": 50},
                       headers=auth).json()["entries"]
    done = {e["action"] for e in log if e["subject"] == "job " + jid}
    assert done == {"job_retry", "job_delete"}, log[:3]
    assert all(e["admin"] == "admin" for e in log
               if e["subject"] == "job " + jid), log[:3]


def test_admin_jobs_api_is_for_admins(user_token):
    r = requests.get(BASE + "/api/v1/admin/jobs",
                     headers={"Authorization": f"Bearer {user_token}"})
    assert r.status_code == 403
    assert requests.get(BASE + "/api/v1/admin/jobs").status_code == 401


def test_job_of_a_killed_worker_is_delivered_again(workers):
    p = workers.start(1)
    name = unique()
    requeued = int(redis_raw("HGET", "agora:stats", "requeued") or 0)
    jid = enqueue("noop", "default", {"sleep_ms": 2000, "record": name})
    wait_for(lambda: redis("ZSCORE", "agora:inflight", jid) != "(nil)",
             what="the job to be taken")
    holder = job_meta(jid)["worker"]
    child = int(holder.split(":")[1])
    assert child in workers.children(p)
    os.kill(child, signal.SIGKILL)

    # The supervisor starts a new process; after the visibility timeout
    # (3 s in the test settings) the job runs again, to the end, once.
    wait_for(lambda: record(name), timeout=30, what="the redelivered job")
    time.sleep(0.5)
    assert record(name) == [f"{jid}:2"]
    assert int(redis_raw("HGET", "agora:stats", "requeued") or 0) > requeued


def test_sigterm_finishes_the_job_in_hand_and_takes_no_more(workers):
    p = workers.start(1)
    name = unique()
    first = enqueue("noop", "default", {"sleep_ms": 1500, "record": name})
    wait_for(lambda: redis("ZSCORE", "agora:inflight", first) != "(nil)",
             what="the first job to be taken")
    second = enqueue("noop", "default", {"record": name})
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=15) == 0
    assert record(name) == [f"{first}:1"]
    # The second job is still waiting for the next worker.
    assert redis("ZSCORE", "agora:ready", second) != "(nil)"
    workers.start(1)
    wait_for(lambda: len(record(name)) == 2, what="the second job")
