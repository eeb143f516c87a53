"""Thumbnails (libvips) and the automated moderation pass."""

import hashlib
import io
import os
import shutil
import struct
import zlib

from PIL import Image

from conftest import enqueue, psql, unique, wait_for

MEDIA = os.environ.get("AGORA_MEDIA_DIR", "")


def store(data, fmt, ext):
    """Put an original where uploads go and record it, as the site does."""
    sha = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(MEDIA, "orig"), exist_ok=True)
    with open(os.path.join(MEDIA, "orig", f"{sha}.{ext}"), "wb") as f:
        f.write(data)
    mid = psql("INSERT INTO media_files (sha256, format, bytes) "
               "VALUES (:'p1', :'p2', :'p3') RETURNING id",
               sha, fmt, str(len(data)))[0][0]
    return int(mid), sha


def status(mid):
    return psql("SELECT status, coalesce(width, 0), coalesce(height, 0), "
                "coalesce(reason, '') FROM media_files WHERE id = :'p1'",
                str(mid))[0]


def done(mid):
    return wait_for(lambda: status(mid)[0] != "processing" and status(mid),
                    timeout=30, what="the thumbnail job")


def photo_with_exif(w=1200, h=800):
    img = Image.new("RGB", (w, h), (30, 90, 160))
    img.paste((250, 220, 20), (0, 0, w // 3, h))   # a band on the left
    exif = Image.Exif()
    exif[0x0112] = 6                    # Orientation: rotate 90 CW
    exif[0x010F] = "TestCam"
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def no_metadata(path):
    im = Image.open(path)
    assert len(im.getexif()) == 0, dict(im.getexif())
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp"):
        assert key not in im.info, key
    with open(path, "rb") as f:
        raw = f.read()
    assert b"Exif" not in raw and b"GPS" not in raw and b"TestCam" not in raw
    return im


def test_jpeg_is_rotated_shrunk_and_stripped():
    data = photo_with_exif()
    assert b"GPS" in data or b"TestCam" in data
    mid, sha = store(data, "jpeg", "jpg")
    enqueue("thumbnail", "bulk", {"media_id": mid})
    st = done(mid)
    assert st[0] == "ready", st
    assert (st[1], st[2]) == ("800", "1200")   # upright: portrait

    display = no_metadata(os.path.join(MEDIA, "display", f"{sha}.jpg"))
    assert display.size == (800, 1200)        # not enlarged
    thumb = no_metadata(os.path.join(MEDIA, "thumb", f"{sha}.jpg"))
    assert thumb.size == (320, 320)
    # Rotated 90 degrees clockwise: the band on the left is now on top.
    top = display.getpixel((400, 20))
    bottom = display.getpixel((400, 1180))
    assert top[0] > 200 and bottom[2] > 120


def test_large_image_is_fitted_to_1280():
    img = Image.new("RGB", (3000, 1000), (10, 200, 10))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    mid, sha = store(buf.getvalue(), "png", "png")
    enqueue("thumbnail", "bulk", {"media_id": mid})
    assert done(mid)[0] == "ready"
    assert Image.open(os.path.join(MEDIA, "display",
                                   f"{sha}.jpg")).size == (1280, 427)


def test_webp_is_processed():
    img = Image.new("RGB", (640, 480), (200, 10, 10))
    buf = io.BytesIO()
    img.save(buf, "WEBP")
    mid, sha = store(buf.getvalue(), "webp", "webp")
    enqueue("thumbnail", "bulk", {"media_id": mid})
    assert done(mid)[0] == "ready"


def png_bomb(w, h):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_decompression_bomb_is_refused_from_its_header():
    mid, _ = store(png_bomb(50000, 50000), "png", "png")
    jid = enqueue("thumbnail", "bulk", {"media_id": mid})
    st = done(mid)
    assert st[0] == "failed"
    assert "too large" in st[3] and "50000x50000" in st[3]
    # Permanent: dead after one attempt, no retries.
    wait_for(lambda: psql("SELECT 1") and
             os.popen(f"redis-cli -s {os.environ['AGORA_REDIS_SOCK']} "
                      f"ZSCORE agora:dead {jid}").read().strip() != "",
             what="the job in the dead set")
    attempts = os.popen(f"redis-cli -s {os.environ['AGORA_REDIS_SOCK']} "
                        f"HGET agora:job:{jid} attempts").read().strip()
    assert attempts == "1"
    # The worker processes stay small (nothing was decoded).
    pid = int(open(os.environ["AGORA_WORKER_PIDFILE"]).read())
    for child in os.popen(f"pgrep -P {pid}").read().split():
        with open(f"/proc/{child}/status") as f:
            hwm = [l for l in f if l.startswith("VmHWM")][0]
        assert int(hwm.split()[1]) < 300 * 1024, hwm


def test_truncated_jpeg_fails_for_good_with_a_reason():
    data = photo_with_exif(900, 700)
    mid, _ = store(data[: len(data) // 2], "jpeg", "jpg")
    enqueue("thumbnail", "bulk", {"media_id": mid})
    st = done(mid)
    assert st[0] == "failed"
    assert st[3], "no reason stored for the owner"


def flagged(kind, item):
    return psql("SELECT reason, source FROM moderation_queue WHERE kind = "
                ":'p1' AND item_id = :'p2' AND decided_at IS NULL",
                kind, str(item))


def test_moderate_flags_blocked_words_and_link_spam():
    item = int(unique("0").split("_")[1], 16) % 10**9
    enqueue("moderate", "default", {"kind": "testtext", "id": item,
                                    "user_id": 1, "text": "buy VIAGRA now"})
    rows = wait_for(lambda: flagged("testtext", item), what="a flag")
    assert "viagra" in rows[0][0] and rows[0][1] == "auto"

    links = " ".join(f"https://spam{i}.example/x" for i in range(5))
    enqueue("moderate", "default", {"kind": "testtext", "id": item + 1,
                                    "user_id": 1, "text": links})
    rows = wait_for(lambda: flagged("testtext", item + 1), what="a flag")
    assert "links" in rows[0][0]


def test_moderate_passes_clean_text_and_flags_repeats():
    item = int(unique("0").split("_")[1], 16) % 10**9
    text = f"A perfectly normal comment {unique()}"
    enqueue("moderate", "default", {"kind": "testtext", "id": item,
                                    "user_id": 7, "text": text})
    enqueue("moderate", "default", {"kind": "testtext", "id": item + 1,
                                    "user_id": 7, "text": text})
    marker = enqueue("moderate", "default", {"kind": "testtext",
                                             "id": item + 2, "user_id": 7,
                                             "text": text})
    rows = wait_for(lambda: flagged("testtext", item + 2), what="a flag")
    assert "same text" in rows[0][0]
    assert flagged("testtext", item) == []
    assert marker


def test_job_log_lines_are_structured():
    path = os.environ.get("AGORA_WORKER_LOG")
    name = unique()
    jid = enqueue("noop", "default", {"record": name})
    import json
    def line():
        with open(path) as f:
            for l in f:
                if l.startswith("{") and f'"{jid}"' in l:
                    return json.loads(l)
        return None
    rec = wait_for(line, what="the job's log line")
    for key in ("type", "id", "attempt", "ms", "outcome", "ts"):
        assert key in rec
    assert rec["type"] == "noop" and rec["outcome"] == "ok"
