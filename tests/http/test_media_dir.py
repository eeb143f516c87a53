"""The media directory at start: the site creates the whole path it is
given (a fresh clone where `make run` never ran has no var/dev/ at all,
and `bench/peers.sh` starts the site there), or, when something is in the
way, says which setting and which path and exits.

Black-box: a separate instance of the site (the test build, on a free
port, the test stack's settings but AGORA_MEDIA_DIR), started from the
checkout as scripts/test.sh starts its two, and stopped afterwards."""

import os
import re
import signal
import socket
import subprocess
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_site(tmp_path, media, conf_edit=None):
    """The test build on a free port; conf_edit(text) may change its
    kore.conf (the overload tests shrink the database pool)."""
    port = free_port()
    with open(os.path.join(ROOT, "var", "test", "kore1.conf")) as f:
        conf = f.read()
    if conf_edit is not None:
        conf = conf_edit(conf)
    conf = re.sub(r"bind\t\t127\.0\.0\.1 \d+", f"bind\t\t127.0.0.1 {port}",
                  conf)
    conf = re.sub(r"^pidfile\t\t\S+", f"pidfile\t\t{tmp_path}/kore.pid", conf,
                  flags=re.M)
    (tmp_path / "kore.conf").write_text(conf)
    asan = subprocess.run(["gcc", "-print-file-name=libasan.so"],
                          capture_output=True, text=True).stdout.strip()
    # The sanitizers as scripts/test.sh runs the site: a leak fails.
    env = {**os.environ, "AGORA_MEDIA_DIR": str(media),
           "LD_PRELOAD": asan,
           "ASAN_OPTIONS": "detect_leaks=1:fast_unwind_on_malloc=0:"
                           "malloc_context_size=16",
           # Quoted, as scripts/test.sh does: a clone's path may hold a space.
           "LSAN_OPTIONS": "suppressions='%s':print_suppressions=0"
                           % os.path.join(ROOT, "tests", "lsan.supp"),
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
    log = open(tmp_path / "kore.log", "w")
    p = subprocess.Popen(["stdbuf", "-oL", "-eL", "kore", "-fnrc",
                          str(tmp_path / "kore.conf")],
                         cwd=ROOT, env=env, stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True)
    return p, port, tmp_path / "kore.log"


def stop(p, log):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    out = log.read_text()
    assert "LeakSanitizer" not in out and "runtime error" not in out and \
        "ERROR: AddressSanitizer" not in out, out[-3000:]


def test_the_site_creates_the_whole_media_path(tmp_path):
    media = tmp_path / "fresh clone" / "var" / "dev" / "media"
    p, port, log = start_site(tmp_path, media)
    try:
        up = False
        for _ in range(120):
            if p.poll() is not None:
                break
            try:
                up = requests.get(f"http://127.0.0.1:{port}/healthz",
                                  timeout=2).status_code == 200
            except requests.ConnectionError:
                pass
            if up:
                break
            time.sleep(0.25)
        assert up, log.read_text()[-2000:]
        for part in ("orig", "thumb", "display"):
            assert (media / part).is_dir(), part
    finally:
        stop(p, log)


def test_a_file_in_the_way_is_named_and_the_site_exits(tmp_path):
    (tmp_path / "var").write_text("not a directory\n")
    media = tmp_path / "var" / "dev" / "media"
    p, port, log = start_site(tmp_path, media)
    try:
        # The parent stops at its fatal message (under the test build's
        # sanitizer it may hang there rather than exit): never serving.
        for _ in range(240):
            if p.poll() is not None or "AGORA_MEDIA_DIR" in log.read_text():
                break
            time.sleep(0.25)
        out = log.read_text()
        assert (f"AGORA_MEDIA_DIR {media}: cannot create {tmp_path}/var/dev:"
                " Not a directory") in out, out
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            served = True
        except requests.RequestException:
            served = False
        assert not served
        assert not os.path.exists(tmp_path / "var" / "dev")
    finally:
        stop(p, log)
