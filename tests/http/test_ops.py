"""Operations endpoints: /healthz (alive), /readyz (PostgreSQL, Redis and
migrations), /metrics (Prometheus text, from this machine or for admins)."""

import glob
import os
import re
import subprocess
import time

import pytest

LINE = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? '
                  r'[-+0-9.eInf]+$')


def newest_migration():
    here = os.path.join(os.path.dirname(__file__), "..", "..", "sql")
    return sorted(os.path.basename(f)[:-4]
                  for f in glob.glob(os.path.join(here, "[0-9]*.sql")))[-1]


def metrics(api, **kw):
    r = api.get("/metrics", **kw)
    assert r.status_code == 200, r.text[:200]
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    values = {}
    for line in r.text.splitlines():
        if line.startswith("#") or not line:
            continue
        assert LINE.match(line), line
        name, value = line.rsplit(" ", 1)
        values[name] = float(value)
    return r.text, values


def test_healthz(api):
    r = api.get("/healthz")
    assert r.status_code == 200 and r.text == "ok\n"


def test_readyz_reports_each_dependency(api):
    r = api.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "redis": "ok",
                              "migrations": "ok"}
    # The build expects exactly the newest migration in sql/.
    assert body["schema"] == newest_migration()


def test_readyz_is_503_without_redis(api):
    sock = os.environ["AGORA_REDIS_SOCK"]
    subprocess.run(["redis-cli", "-s", sock, "shutdown", "nosave"],
                   capture_output=True)
    try:
        deadline = time.time() + 10
        while True:
            r = api.get("/readyz")
            if r.status_code == 503:
                break
            assert time.time() < deadline, r.text
            time.sleep(0.2)
        body = r.json()
        assert body["status"] == "not ready"
        assert body["checks"]["redis"] == "unreachable"
        assert body["checks"]["database"] == "ok"
        assert api.get("/healthz").status_code == 200
    finally:
        subprocess.run(os.environ["AGORA_REDIS_RESTART"], shell=True,
                       check=True, capture_output=True)
    deadline = time.time() + 15
    while api.get("/readyz").status_code != 200:
        assert time.time() < deadline, "not ready again after redis"
        time.sleep(0.3)


def test_metrics_count_requests_by_app(api):
    _, before = metrics(api)
    key = 'agora_http_requests_total{app="blog",code="2xx"}'
    for _ in range(5):
        assert api.get("/blog").status_code == 200
    api.get("/blog/999999999")        # a 404
    deadline = time.time() + 5
    while True:
        text, after = metrics(api)
        if after.get(key, 0) - before.get(key, 0) >= 5:
            break
        assert time.time() < deadline, "blog requests not counted"
        time.sleep(0.3)
    assert after['agora_http_requests_total{app="blog",code="4xx"}'] >= 1
    # Histogram buckets never decrease, and +Inf is the count.
    buckets = [after[k] for k in after
               if k.startswith('agora_http_request_duration_seconds_bucket'
                               '{app="blog"')]
    assert buckets == sorted(buckets) and len(buckets) == 13
    assert buckets[-1] == after[
        'agora_http_request_duration_seconds_count{app="blog"}']
    for name in ("agora_http_requests_in_flight", "agora_websockets_open",
                 "agora_kore_workers", "agora_kore_resident_memory_bytes",
                 "agora_pgsql_queue_waits_total", "agora_jobs_in_flight",
                 "agora_jobs_dead"):
        assert name in after, name
    assert after["agora_kore_workers"] >= 1
    assert after["agora_kore_resident_memory_bytes"] > 1e6
    assert 'agora_jobs_queued{queue="critical"}' in after
    assert "# TYPE agora_http_request_duration_seconds histogram" in text


def test_metrics_through_a_proxy_need_an_admin(api, admin_token):
    fwd = {"X-Forwarded-For": "203.0.113.9"}
    assert api.get("/metrics", headers=fwd).status_code == 404
    r = api.get("/metrics", headers=fwd, token=admin_token)
    assert r.status_code == 200
    assert "agora_http_requests_total" in r.text
