"""The photo_detect job against the real worker, PostgreSQL and Redis:
photos turned by their EXIF orientation are seen upright, and a missing
or broken model fails the detection jobs with the reason while the
worker and every other job go on (and the next job loads a mended
model)."""

import hashlib
import io
import os
import shutil

import requests
from PIL import Image

from conftest import BASE, ROOT, enqueue, psql, redis, redis_raw, unique, \
    wait_for

MEDIA = os.environ.get("AGORA_MEDIA_DIR", "")
FIXTURES = os.path.join(ROOT, "var", "fixtures")
MODEL = os.path.join(ROOT, "var", "models", "centernet.pb")


def photo_row(data, ext="jpg", fmt="jpeg"):
    """An owner, the original where uploads go, its media and photo."""
    sha = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(MEDIA, "orig"), exist_ok=True)
    with open(os.path.join(MEDIA, "orig", f"{sha}.{ext}"), "wb") as f:
        f.write(data)
    name = unique("d")
    uid = psql("INSERT INTO users (username, email, password_hash) "
               "VALUES (:'p1', :'p2', 'x') RETURNING id",
               name, f"{name}@example.org")[0][0]
    mid = psql("INSERT INTO media_files (sha256, format, bytes, user_id) "
               "VALUES (:'p1', :'p2', :'p3', :'p4') RETURNING id",
               sha, fmt, str(len(data)), uid)[0][0]
    pid = psql("INSERT INTO photos (owner_id, media_id) "
               "VALUES (:'p1', :'p2') RETURNING id", uid, mid)[0][0]
    return int(pid), int(mid)


def checked(pid):
    rows = psql("SELECT coalesce(cat_score::text, ''), "
                "coalesce((SELECT string_agg(tag || ':' || source, ',' "
                "ORDER BY tag) FROM photo_tags WHERE photo_id = p.id), '') "
                "FROM photos p WHERE id = :'p1' AND cat_checked_at "
                "IS NOT NULL", str(pid))
    return rows[0] if rows else None


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def test_a_photo_on_its_side_is_seen_upright():
    """Chelsea stored turned a quarter left, with EXIF orientation 6
    (turn right to show): the detector sees her upright."""
    img = Image.open(io.BytesIO(fixture("chelsea.png"))).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.rotate(90, expand=True).save(out, "JPEG", quality=92,
                                     exif=exif.tobytes())
    pid, _ = photo_row(out.getvalue())
    enqueue("photo_detect", "bulk", {"photo_id": pid})
    score, tags = wait_for(lambda: checked(pid), timeout=60,
                           what="the detector")
    assert float(score) >= 0.3, (score, tags)
    assert "cat:detected" in tags.split(",")
    boxes = psql("SELECT x, y, w, h FROM photo_detections "
                 "WHERE photo_id = :'p1' AND label = 'cat'", str(pid))
    assert boxes
    for x, y, w, h in boxes:
        assert 0 <= float(x) and float(x) + float(w) <= 1.0001
        assert 0 <= float(y) and float(y) + float(h) <= 1.0001


def test_a_broken_model_fails_detection_only(workers, admin_token, tmp_path):
    bad = tmp_path / "centernet.pb"
    bad.write_bytes(os.urandom(2048))
    p = workers.start(1, env={"AGORA_DETECT_MODEL": str(bad)})
    children = workers.children(p)

    pid, _ = photo_row(fixture("cat.jpg"))
    jid = enqueue("photo_detect", "bulk", {"photo_id": pid})
    wait_for(lambda: redis("ZSCORE", "agora:dead", jid) != "(nil)",
             timeout=30, what="the detection job to fail")
    error = redis_raw("HGET", f"agora:job:{jid}", "error")
    assert "the detection model" in error and str(bad) in error, error
    auth = {"Authorization": f"Bearer {admin_token}"}
    dead = requests.get(BASE + "/api/v1/admin/jobs", headers=auth).json()
    assert [d["error"] for d in dead["dead"] if d["id"] == jid] == [error]
    assert checked(pid) is None

    # The worker is alive and every other job still runs.
    assert p.poll() is None and workers.children(p) == children
    other = enqueue("noop", "default", {"record": "after-bad-model"})
    wait_for(lambda: redis_raw("LLEN", "agora:noop:after-bad-model") != "0",
             what="another job")
    assert other

    # A mended model is loaded by the next job, without a restart.
    shutil.copy(MODEL, bad)
    pid2, _ = photo_row(fixture("chelsea.png"), "png", "png")
    enqueue("photo_detect", "bulk", {"photo_id": pid2})
    score, tags = wait_for(lambda: checked(pid2), timeout=60,
                           what="the detector with the mended model")
    assert float(score) >= 0.3 and "cat:detected" in tags.split(",")
    assert workers.children(p) == children


def test_an_unreadable_photo_fails_that_photo_only(workers):
    p = workers.start(1)
    pid, _ = photo_row(fixture("cat.jpg")[:2000])
    jid = enqueue("photo_detect", "bulk", {"photo_id": pid})
    wait_for(lambda: redis("ZSCORE", "agora:dead", jid) != "(nil)",
             timeout=30, what="the detection job to fail")
    assert redis_raw("HGET", f"agora:job:{jid}", "error") == \
        "the image cannot be read"
    good, _ = photo_row(fixture("chelsea.png"), "png", "png")
    enqueue("photo_detect", "bulk", {"photo_id": good})
    wait_for(lambda: checked(good), timeout=60, what="the next photo")
    assert p.poll() is None
