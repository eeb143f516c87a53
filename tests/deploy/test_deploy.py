"""The deployment, end to end: `make install` into a directory, then that
tree run as production runs it: nginx (conf/nginx/agora.conf) with a
fresh certificate in front of two Kore instances (conf/kore.prod.conf)
and two job workers on one PostgreSQL and one Redis, used over https as
people would: register and log in (the session cookie is Secure), write
a post an admin approves, upload a photo the workers process and nginx
serves from disk, chat over wss with a client on each instance."""

import asyncio
import io
import json
import os
import re
import secrets
import ssl
import subprocess
import time

import pytest
import requests
import requests.adapters
import websockets
from PIL import Image

from agora_kit import web
from agora_kit.web import admin_password

BASE = os.environ.get("AGORA_DEPLOY_URL", "https://127.0.0.1:18443")
HTTP = os.environ.get("AGORA_DEPLOY_HTTP", "http://127.0.0.1:18080")
CA = os.environ.get("AGORA_DEPLOY_CA")
DIR = os.environ.get("AGORA_DEPLOY_DIR", "")
PREFIX = os.environ.get("AGORA_DEPLOY_PREFIX", "")
PORTS = (18890, 18891)

pytestmark = pytest.mark.skipif(not CA, reason="no deployment running")


def wait_for(cond, timeout=30, what="it"):
    return web.wait_for(cond, timeout=timeout, step=0.25, what=what)


def session():
    """A client that trusts only the deployment's certificate (not the
    system's bundle, whatever REQUESTS_CA_BUNDLE says)."""
    s = requests.Session()
    s.trust_env = False
    s.verify = CA
    return s


def token_for(username, password):
    r = session().post(BASE + "/api/v1/auth/login",
                       json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def api(token):
    s = session()
    s.headers["Authorization"] = "Bearer " + token
    return s


def kore_port_of(ws):
    """The Kore instance that took a WebSocket's handshake: nginx gave the
    request an id, Kore returned it and wrote it in its request log."""
    rid = ws.response_headers["X-Request-Id"]
    pattern = re.compile(r'"rid":\s*"%s"' % re.escape(rid))

    def find():
        for port in PORTS:
            with open(os.path.join(DIR, "kore-%d.log" % port),
                      errors="replace") as f:
                if pattern.search(f.read()):
                    return port
        return None
    return wait_for(find, timeout=10, what="request %s in a Kore log" % rid)


async def one_client_on_each_instance(url, ctx, head):
    """A WebSocket client pinned to each Kore instance: clients connect
    through nginx until every instance holds one (least_conn places the
    second on the other instance); any spare is closed."""
    loop = asyncio.get_running_loop()
    clients, spare = {}, []
    for _ in range(8):
        ws = await websockets.connect(url, ssl=ctx, extra_headers=head)
        port = await loop.run_in_executor(None, kore_port_of, ws)
        if port in clients:
            spare.append(ws)
        else:
            clients[port] = ws
        if len(clients) == len(PORTS):
            break
    for ws in spare:
        await ws.close()
    assert sorted(clients) == list(PORTS), "nginx used one instance only"
    return clients


def upload_processed(owner, size, color, caption=None):
    """Upload a JPEG of that size and colour through the API and wait
    until the workers have processed it; its JSON."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    files = {"file": ("p.jpg", buf.getvalue(), "image/jpeg")}
    if caption is not None:
        files["caption"] = (None, caption)
    r = owner.post(BASE + "/api/v1/photos", files=files)
    assert r.status_code == 201, r.text
    pid = r.json()["photo"]["id"]

    def ready():
        p = owner.get(BASE + "/api/v1/photos/%s" % pid).json()["photo"]
        return p if p["status"] == "ready" else None
    return wait_for(ready, what="the workers to process photo %s" % pid)


def curl_status(path):
    """Status and body of GET path, sent as written (no dot-segment
    clean-up on this side)."""
    out = subprocess.run(["curl", "-sS", "--path-as-is", "--cacert", CA,
                          "-o", "-", "-w", "\n%{http_code}", BASE + path],
                         capture_output=True)
    body, _, code = out.stdout.rpartition(b"\n")
    return int(code), body


def media_dir():
    with open(os.path.join(DIR, "etc/agora/agora.env")) as f:
        for line in f:
            if line.startswith("AGORA_MEDIA_DIR="):
                return line.split("=", 1)[1].strip()
    raise AssertionError("no AGORA_MEDIA_DIR in the deployment's settings")


@pytest.fixture(scope="module")
def user():
    name = "dep_" + secrets.token_hex(4)
    password = "deploy-" + secrets.token_hex(8)
    r = session().post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": name + "@example.org",
        "password": password})
    assert r.status_code == 201, r.text
    # Verified, as its welcome mail's link would (the deployment mails
    # nowhere): its photos are not held for the address.  And the site
    # lets new accounts' photos appear at once, as its admins may.
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    "UPDATE users SET email_verified_at = now() "
                    "WHERE username = '%s'" % name, "-c",
                    "INSERT INTO site_settings (name, value) VALUES "
                    "('hold_new_accounts', false) ON CONFLICT (name) "
                    "DO UPDATE SET value = false"], check=True)
    return name, password


REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_make_install_laid_out_the_production_build():
    for f in ("app.so", "bin/agora-worker", "bin/agora-ctl",
              "conf/kore.prod.conf", "conf/nginx/agora.conf",
              "conf/agora.env.example", "conf/moderation-words.txt",
              "scripts/deploy-config.sh", "scripts/migrate.sh",
              "scripts/backup.sh", "scripts/restore.sh",
              "scripts/prod-db.sh", "var/models/centernet.pb",
              "apps/core/routes.conf", "apps/blog/routes.conf",
              "apps/chat/routes.conf", "apps/photos/routes.conf",
              "apps/search/routes.conf", "apps/people/routes.conf",
              "apps/admin/routes.conf"):
        assert os.path.isfile(os.path.join(PREFIX, f)), f
    assert os.access(os.path.join(PREFIX, "bin/agora-worker"), os.X_OK)
    # No development pages, no sources, the prod flavor (no sanitizer).
    assert not os.path.exists(os.path.join(PREFIX,
                                           "apps/admin/routes-dev.conf"))
    files = [n for _, _, fs in os.walk(PREFIX) for n in fs]
    assert not [n for n in files if n.endswith((".c", ".h", ".o"))]
    syms = subprocess.run(["nm", "-D", os.path.join(PREFIX, "app.so")],
                          capture_output=True, text=True).stdout
    assert "init" in syms and "__asan" not in syms and "__ubsan" not in syms
    # Hardened: read-only relocations bound at load, fortified calls.
    for f in ("app.so", "bin/agora-worker"):
        path = os.path.join(PREFIX, f)
        dyn = subprocess.run(["readelf", "-d", "-l", path],
                             capture_output=True, text=True).stdout
        assert "GNU_RELRO" in dyn and "BIND_NOW" in dyn, f
        syms = subprocess.run(["nm", "-D", path], capture_output=True,
                              text=True).stdout
        assert "_chk" in syms, f + " is not built with _FORTIFY_SOURCE"
    assert sorted(os.listdir(os.path.join(PREFIX, "sql"))) == sorted(
        f for f in os.listdir(os.path.join(REPO, "sql"))
        if re.fullmatch(r"[0-9]{3}_.*\.sql", f))
    # The operator's settings were kept, not replaced by the example.
    with open(os.path.join(DIR, "etc/agora/agora.env")) as f:
        assert "AGORA_SITE_URL=https://127.0.0.1:18443" in f.read()


def test_install_makes_a_private_settings_file_once(tmp_path):
    env = dict(os.environ, AGORA_INSTALL_BUILT="1",
               PREFIX=str(tmp_path / "opt/agora"),
               SYSCONFDIR=str(tmp_path / "etc"),
               UNITDIR=str(tmp_path / "units"))
    run = lambda: subprocess.run([os.path.join(REPO, "scripts/install.sh")],
                                 env=env, capture_output=True, text=True)
    r = run()
    assert r.returncode == 0, r.stderr
    settings = tmp_path / "etc/agora/agora.env"
    assert settings.stat().st_mode & 0o777 == 0o600
    first = settings.read_text()
    key = re.search(r"^AGORA_SECRET_KEY=([0-9a-f]{64})$", first, re.M)
    assert key, "no secret key was generated"
    # Installed again (an upgrade): the settings stay as they are.
    settings.write_text(first + "AGORA_TRUSTED_PROXY=127.0.0.1\n")
    assert run().returncode == 0
    assert settings.read_text() == first + "AGORA_TRUSTED_PROXY=127.0.0.1\n"
    # Elsewhere, another key.
    other = tmp_path / "other"
    env.update(SYSCONFDIR=str(other))
    assert run().returncode == 0
    assert key.group(1) not in (other / "agora/agora.env").read_text()


def test_install_stages_a_package_tree_without_secrets(tmp_path):
    env = dict(os.environ, AGORA_INSTALL_BUILT="1",
               DESTDIR=str(tmp_path / "stage"), PREFIX="/opt/agora",
               SYSCONFDIR="/etc", UNITDIR="/lib/systemd/system")
    r = subprocess.run([os.path.join(REPO, "scripts/install.sh")], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    stage = tmp_path / "stage"
    assert (stage / "opt/agora/bin/agora-worker").is_file()
    unit = (stage / "lib/systemd/system/agora-worker@.service").read_text()
    # The units name where the files will be, not the stage.
    assert "ExecStart=/opt/agora/bin/agora-worker" in unit
    assert str(stage) not in unit
    assert not (stage / "etc/agora/agora.env").exists()


def test_the_installed_units_pass_systemd_analyze_verify():
    units = os.path.join(DIR, "units")
    r = subprocess.run(["systemd-analyze", "verify",
                        "agora-web@18890.service", "agora-worker@1.service",
                        "agora.target"],
                       cwd=units, capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr
    with open(os.path.join(units, "agora-web@.service")) as f:
        web = f.read()
    with open(os.path.join(units, "agora-worker@.service")) as f:
        worker = f.read()
    # The units name the installed tree and the settings file (a command
    # quoted when the tree's path has a space: systemd splits on them).
    def cmd(path):
        return '"%s"' % path if " " in path else path
    assert "ExecStartPre=%s kore %%i" % \
        cmd(PREFIX + "/scripts/deploy-config.sh") in web
    assert "ExecStart=%s\n" % cmd(PREFIX + "/bin/agora-worker") in worker
    for unit in (web, worker):
        assert "/opt/agora" not in unit.replace(PREFIX, "")
        assert "EnvironmentFile=%s/etc/agora/agora.env" % DIR in unit
        for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict",
                          "PrivateTmp=yes", "ProtectHome=yes",
                          "CapabilityBoundingSet=\n", "User=agora"):
            assert hardening in unit, hardening
    # A broken unit is noticed: the check is not vacuous.
    bad = web.replace("ExecStart=/usr/bin/kore", "ExecStart=/usr/bin/kore-x")
    with open(os.path.join(units, "broken@.service"), "w") as f:
        f.write(bad)
    try:
        r = subprocess.run(["systemd-analyze", "verify", "broken@1.service"],
                           cwd=units, capture_output=True, text=True)
        assert r.returncode != 0 and "kore-x" in r.stderr
    finally:
        os.unlink(os.path.join(units, "broken@.service"))


def test_the_settings_read_the_same_to_systemd_and_to_agora():
    """systemd's EnvironmentFile= takes quotes and backslashes as syntax
    and trims values; Agora's own reader does not: the example (and so
    every file made from it) uses neither."""
    with open(os.path.join(REPO, "conf/agora.env.example")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=([^\s\"'\\](.*[^\s\"'\\])?)?",
                                line), line
            assert not re.search(r"[\"'\\]", line), line


def test_migrations_through_the_installed_tree_are_current():
    env = dict(os.environ,
               AGORA_CONFIG=os.path.join(DIR, "etc/agora/agora.env"))
    env.pop("PGDATABASE", None)
    r = subprocess.run([os.path.join(PREFIX, "scripts/migrate.sh"), "prod"],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "migrations: 0 applied" in r.stdout


def test_backup_and_restore_with_the_installed_scripts(tmp_path):
    """The installed site backed up while it runs (`backup.sh prod`, its
    settings file), then restored (`restore.sh prod`) into an empty
    database and media directory, checked row by row and file by file."""
    settings = os.path.join(DIR, "etc/agora/agora.env")
    backup = str(tmp_path / "backup")
    r = subprocess.run([os.path.join(PREFIX, "scripts/backup.sh"), "prod",
                        backup], env=dict(os.environ, AGORA_CONFIG=settings),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(backup, "manifest.json")) as f:
        manifest = json.load(f)
    assert manifest["tables"] > 10 and manifest["schema"]
    assert manifest["database"] == os.environ["PGDATABASE"]

    db = "agora_restore_" + secrets.token_hex(3)
    subprocess.run(["psql", "-X", "-q", "-U", "postgres", "-d", "postgres",
                    "-c", "CREATE DATABASE %s OWNER agora" % db], check=True)
    env = dict(os.environ, AGORA_CONFIG="/nonexistent",
               AGORA_DATABASE_URL="host=%s dbname=%s user=agora" % (
                   os.environ["PGHOST"], db),
               AGORA_MEDIA_DIR=str(tmp_path / "media"))
    restore = [os.path.join(PREFIX, "scripts/restore.sh"), "prod", backup]
    try:
        r = subprocess.run(restore, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "match the backup" in r.stdout
        # Never over a database in use.
        r = subprocess.run(restore, env=env, capture_output=True, text=True)
        assert r.returncode != 0 and "not empty" in r.stderr
    finally:
        subprocess.run(["psql", "-X", "-q", "-U", "postgres", "-d",
                        "postgres", "-c",
                        "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db])


def test_plain_http_redirects_to_https():
    r = requests.get(HTTP + "/blog?x=1", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Server"] == "nginx"
    assert r.headers["Location"] == "https://127.0.0.1/blog?x=1" or \
        r.headers["Location"].startswith("https://127.0.0.1")


def test_tls_http2_hsts_and_gzip():
    out = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null",
                          "--http2", "--cacert", CA,
                          "-H", "Accept-Encoding: gzip",
                          BASE + "/static/pico.min.css"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    head = out.stdout.lower()
    assert head.startswith("http/2 200"), out.stdout
    assert "strict-transport-security: max-age=63072000" in head
    assert "content-encoding: gzip" in head
    assert "server: nginx\r\n" in head or "server: nginx\n" in head
    r = session().get(BASE + "/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_register_and_log_in_through_the_form_sets_a_secure_cookie(user):
    s = session()
    page = s.get(BASE + "/login")
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(BASE + "/login", data={"username": user[0],
                                      "password": user[1], "_csrf": csrf},
               allow_redirects=False)
    assert r.status_code == 303, r.text[:200]
    cookie = [c for c in r.raw.headers.getlist("Set-Cookie")
              if c.startswith("agora_session=")]
    assert cookie and "Secure" in cookie[0] and "HttpOnly" in cookie[0]
    assert user[0] in s.get(BASE + "/").text


def test_a_post_written_and_approved(user):
    writer = api(token_for(*user))
    title = "Deployed " + secrets.token_hex(3)
    r = writer.post(BASE + "/api/v1/blog/posts",
                    json={"title": title, "body": "Over **TLS**."})
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    assert post["status"] == "pending"
    admin = api(token_for("admin", admin_password()))
    r = admin.post(BASE + "/api/v1/admin/moderation/post/%s/approve" %
                   post["id"], json={})
    assert r.status_code == 200, r.text
    wait_for(lambda: title in session().get(BASE + "/blog").text,
             what="the post on /blog")
    feed = session().get(BASE + "/blog/feed.atom").text
    assert "https://127.0.0.1:18443/blog/%s" % post["id"] in feed


def test_a_photo_uploaded_and_processed_by_the_workers(user):
    owner = api(token_for(*user))
    photo = upload_processed(owner, (900, 600), (40, 120, 200),
                             "Through nginx #deploy")
    r = session().get(BASE + photo["urls"]["thumb"])
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
    assert "immutable" in r.headers["Cache-Control"]


def test_media_served_by_nginx_from_disk(user):
    owner = api(token_for(*user))
    photo = upload_processed(owner, (700, 500),
                             (secrets.randbelow(256), 30, 90))
    pid = photo["id"]
    thumb = photo["urls"]["thumb"]
    sha = re.fullmatch(r"/media/thumb/([0-9a-f]{64})\.jpg", thumb).group(1)

    s = session()
    r = s.get(BASE + thumb)
    assert r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff"
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    # The same bytes and caching as Kore's own serving.
    direct = requests.get("http://127.0.0.1:%d%s" % (PORTS[1], thumb))
    assert direct.status_code == 200 and direct.content == r.content
    assert direct.headers["Cache-Control"] == r.headers["Cache-Control"]
    # From disk by nginx, not through Kore: byte ranges (Kore has none).
    part = s.get(BASE + thumb, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == r.content[:10]
    again = s.get(BASE + thumb, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.content
    assert s.get(BASE + photo["urls"]["display"]).status_code == 200

    # Nothing else under the media directory, however the path is put.
    for probe in ("/media/orig/%s.jpg" % sha,
                  "/media/thumb/../orig/%s.jpg" % sha,
                  "/media/thumb/%%2e%%2e/orig/%s.jpg" % sha,
                  "/media/thumb/..%%2forig/%s.jpg" % sha,
                  "/media/thumb/%s.jpg/" % sha,
                  "/media/thumb/%s.jpg" % sha.upper(),
                  "/media/thumb/%s.png" % sha,
                  "/media/thumb/%s.jpg%%00" % sha,
                  "/media/../../../../etc/passwd",
                  "/media/", "/media/thumb/"):
        code, body = curl_status(probe)
        assert code in (400, 404), (probe, code)
        assert not body.startswith(b"\xff\xd8"), probe
    # A symbolic link among the copies is not followed (as Kore's
    # O_NOFOLLOW): 404, not the original it points at.
    media = media_dir()
    orig = [n for n in os.listdir(os.path.join(media, "orig"))
            if n.startswith(sha)][0]
    link = os.path.join(media, "thumb", secrets.token_hex(32) + ".jpg")
    os.symlink(os.path.join(media, "orig", orig), link)
    try:
        name = "/media/thumb/" + os.path.basename(link)
        assert curl_status(name)[0] == 404
        assert requests.get("http://127.0.0.1:%d%s" %
                            (PORTS[1], name)).status_code == 404
    finally:
        os.unlink(link)

    # Deleted: the media_purge job removes the copies; nginx says 404.
    assert owner.delete(BASE + "/api/v1/photos/%s" % pid).status_code in (
        200, 204)
    wait_for(lambda: s.get(BASE + thumb).status_code == 404,
             what="the deleted photo's copy to be gone")


def test_chat_over_wss_with_a_client_on_each_instance(user):
    token = token_for(*user)
    r = api(token).post(BASE + "/api/v1/chat/rooms",
                        json={"name": "deploy-" + secrets.token_hex(3)})
    assert r.status_code == 201, r.text
    room = r.json()["room"]["id"]
    ctx = ssl.create_default_context(cafile=CA)
    url = BASE.replace("https://", "wss://") + "/chat/ws"

    async def go():
        head = {"Authorization": "Bearer " + token}
        clients = await one_client_on_each_instance(url, ctx, head)
        for ws in clients.values():
            await ws.send(json.dumps({"type": "subscribe", "room": room}))
            while json.loads(await ws.recv())["type"] != "subscribed":
                pass
        # Sent through one instance, received on both.
        sender = clients[PORTS[0]]
        await sender.send(json.dumps({"type": "send", "room": room,
                                      "body": "hello over wss"}))
        for port, ws in clients.items():
            while True:
                f = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if f["type"] == "message":
                    assert f["message"]["body"] == "hello over wss", port
                    break
        for ws in clients.values():
            await ws.close()
    asyncio.run(asyncio.wait_for(go(), 60))


def test_both_instances_served_and_metrics_stay_private():
    assert session().get(BASE + "/metrics").status_code == 404
    # The production configuration has no development pages.
    r = session().get(BASE + "/admin/mail", allow_redirects=False)
    assert r.status_code == 404
    for port in PORTS:
        with open(os.path.join(DIR, "kore-%d.log" % port),
                  errors="replace") as f:
            assert '"msg":"request"' in f.read(), "nothing on %d" % port


def test_one_request_followed_through_both_logs():
    """nginx's JSON access log and the instance's JSON request log name
    a request by the same id, the one the response carries."""
    r = session().get(BASE + "/blog", headers={"User-Agent": "follow-me"})
    assert r.status_code == 200
    rid = r.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid), rid

    def in_nginx_log():
        with open(os.path.join(DIR, "nginx-agora.log")) as f:
            lines = [json.loads(line) for line in f]
        return [e for e in lines if e["rid"] == rid]
    entry = wait_for(in_nginx_log, timeout=10, what="the nginx log line")[0]
    assert entry["uri"] == "/blog" and entry["status"] == 200
    assert entry["agent"] == "follow-me"
    port = int(entry["upstream"].rsplit(":", 1)[1])
    assert port in PORTS
    with open(os.path.join(DIR, "kore-%d.log" % port)) as f:
        mine = [json.loads(line) for line in f
                if line.startswith("{") and rid in line]
    assert len(mine) == 1 and mine[0]["path"] == "/blog"
    assert mine[0]["status"] == 200


def test_the_access_log_keeps_reset_tokens_out():
    """A reset link's token is in its query string: nginx logs /reset
    (however it is spelled) without it, and referers without theirs."""
    token = secrets.token_hex(32)
    s = session()
    rids = []
    for path in ("/reset?token=", "//reset?token=", "/%72eset?token="):
        r = s.get(BASE + path + token)
        rids.append(r.headers.get("X-Request-Id"))
    r = s.get(BASE + "/blog", headers={
        "Referer": BASE + "/reset?token=" + token})
    rids.append(r.headers["X-Request-Id"])

    def logged():
        with open(os.path.join(DIR, "nginx-agora.log")) as f:
            lines = f.read()
        return lines if all(rid and rid in lines for rid in rids) else None
    lines = wait_for(logged, timeout=10, what="the requests in the log")
    assert token not in lines
    mine = [json.loads(line) for line in lines.splitlines()
            if json.loads(line)["rid"] in rids]
    assert len(mine) == 4, mine
    assert all("?" not in e["uri"] for e in mine), mine
    assert {"/reset", "//reset", "/blog"} <= {e["uri"] for e in mine}, mine
    assert BASE + "/reset" in [e["referer"] for e in mine]


def test_the_instances_see_the_client_address_nginx_saw():
    """From another loopback address, with a forged X-Forwarded-For: the
    instance logs (and throttles by) the address nginx saw."""
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-D", "-",
                          "--interface", "127.0.0.2", "--cacert", CA,
                          "-H", "X-Forwarded-For: 203.0.113.9",
                          BASE + "/blog"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rid = re.search(r"(?im)^x-request-id: *(\S+)", out.stdout).group(1)

    def logged():
        for port in PORTS:
            with open(os.path.join(DIR, "kore-%d.log" % port)) as f:
                for line in f:
                    if line.startswith("{") and rid in line:
                        return json.loads(line)
        return None
    entry = wait_for(logged, timeout=10, what="the request in a Kore log")
    assert entry["addr"] == "127.0.0.2", entry


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address (nginx limits by address)."""

    def __init__(self, address, **kw):
        self._address = address
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kw)


@pytest.mark.parametrize("address,path,kind", [
    ("127.0.0.3", "/login", "form"),
    ("127.0.0.4", "/register", "form"),
    ("127.0.0.5", "/forgot", "form"),
    ("127.0.0.6", "/api/v1/auth/login", "json"),
    ("127.0.0.7", "/api/v1/auth/register", "json"),
])
def test_nginx_rate_limits_the_account_forms(address, path, kind):
    """A burst of POSTs from one address: nginx answers 429 itself after
    the first 20 or so (the instances answer 403 for a missing CSRF
    token, 401 or 422, never 429, to these bodies); reading the page is
    never limited, and other addresses are not affected."""
    s = session()
    s.mount("https://", _FromAddress(address))
    codes = []
    for i in range(40):
        if kind == "form":
            r = s.post(BASE + path, data={"username": "nobody%d" % i,
                                          "password": "x", "email": "x"})
        else:
            r = s.post(BASE + path, json={"username": "nobody%d" % i,
                                          "password": "x"})
        codes.append(r.status_code)
    assert 429 not in codes[:10], codes
    assert codes.count(429) >= 15, codes
    assert set(codes) - {429} <= {401, 403, 422}, codes
    if kind == "form":
        assert s.get(BASE + path).status_code == 200
    other = session()
    other.mount("https://", _FromAddress("127.0.0.8"))
    r = other.post(BASE + path, json={}) if kind == "json" else \
        other.post(BASE + path, data={})
    assert r.status_code != 429, r.text[:200]


def test_a_worker_killed_mid_job_loses_nothing(user):
    """Photos keep being processed when one of the two workers is killed
    (SIGKILL, no goodbye) while they are being worked on: its claimed
    jobs come back after the visibility timeout and the other worker
    does them."""
    owner = api(token_for(*user))
    ids = []
    for i in range(6):
        img = Image.new("RGB", (1600, 1200), (i * 40, 90, 160))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=95)
        r = owner.post(BASE + "/api/v1/photos", files={
            "file": ("k%d.jpg" % i, buf.getvalue(), "image/jpeg")})
        assert r.status_code == 201, r.text
        ids.append(r.json()["photo"]["id"])
    with open(os.path.join(DIR, "worker-1.pid")) as f:
        pid = int(f.read())
    subprocess.run(["pkill", "-KILL", "-P", str(pid)])
    subprocess.run(["kill", "-KILL", str(pid)])

    def all_done():
        states = [owner.get(BASE + "/api/v1/photos/%s" % p).json()
                  ["photo"]["status"] for p in ids]
        return all(s == "ready" for s in states)
    wait_for(all_done, timeout=60, what="every photo after the kill")


def test_one_instance_down_the_site_answers_and_chat_resumes(user):
    """Stop one Kore instance: pages keep coming through the other, and
    chat clients that lose their connection reconnect and resume from
    their last version with nothing missing and nothing twice."""
    token = token_for(*user)
    writer = api(token)
    r = writer.post(BASE + "/api/v1/chat/rooms",
                    json={"name": "failover-" + secrets.token_hex(3)})
    room = r.json()["room"]["id"]
    ctx = ssl.create_default_context(cafile=CA)
    url = BASE.replace("https://", "wss://") + "/chat/ws"
    head = {"Authorization": "Bearer " + token}

    async def subscribe(since=None):
        ws = await websockets.connect(url, ssl=ctx, extra_headers=head)
        frame = {"type": "subscribe", "room": room}
        if since is not None:
            frame["since"] = since
        await ws.send(json.dumps(frame))
        return ws

    async def drain(ws, seen, timeout=1.0):
        try:
            while True:
                f = json.loads(await asyncio.wait_for(ws.recv(), timeout))
                if f["type"] == "message":
                    m = f["message"]
                    seen.append((m["id"], m["version"]))
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            pass

    def send(i):
        r = writer.post(BASE + "/api/v1/chat/rooms/%s/messages" % room,
                        json={"body": "m%d" % i})
        assert r.status_code == 201, r.text
        return r.json()["message"]["id"]

    async def go():
        pinned = await one_client_on_each_instance(url, ctx, head)
        for ws in pinned.values():
            await ws.send(json.dumps({"type": "subscribe", "room": room}))
        clients = [pinned[p] for p in PORTS]
        seen = [[], []]
        sent = [send(i) for i in range(3)]
        for c, s in zip(clients, seen):
            await drain(c, s)
        with open(os.path.join(DIR, "web-%d.pid" % PORTS[0])) as f:
            pid = int(f.read())
        os.kill(pid, 15)
        wait_for(lambda: not os.path.exists("/proc/%d" % pid), timeout=20,
                 what="the instance on %d to stop" % PORTS[0])
        # The site keeps answering through the other instance.
        for _ in range(10):
            assert session().get(BASE + "/blog").status_code == 200
        sent += [send(i) for i in range(3, 6)]
        # The client on the instance still up never noticed.
        await drain(clients[1], seen[1])
        assert not clients[1].closed
        # The other one lost its connection: it comes back through
        # nginx (to the instance that is left) from its last version.
        await drain(clients[0], seen[0])
        assert clients[0].closed
        last = max((v for _, v in seen[0]), default=0)
        clients[0] = await subscribe(since=last)
        await drain(clients[0], seen[0], timeout=2.0)
        for s in seen:
            got = [mid for mid, _ in s]
            assert sorted(got) == sorted(sent), (got, sent)
            assert len(got) == len(set(got))
        for c in clients:
            await c.close()
    asyncio.run(asyncio.wait_for(go(), 90))
