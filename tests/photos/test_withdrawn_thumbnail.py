"""A thumbnail that finishes after its photo was deleted leaves no served
copies: the purge that followed the deletion ran while the copies were
still being made, so the thumbnail job itself must not keep them."""

import hashlib
import io
import os
import subprocess

from PIL import Image

from conftest import PHOTOS, wait_for


def redis(*args):
    return subprocess.run(["redis-cli", "-s", os.environ["AGORA_REDIS_SOCK"],
                           "--raw", *args], capture_output=True, text=True,
                          check=True).stdout.rstrip("\n")


def thumbnail_in_flight(media_id):
    for jid in filter(None, redis("ZRANGE", "agora:inflight", "0",
                                  "-1").split("\n")):
        payload = redis("HGET", "agora:jobs", jid)
        if '"type":"thumbnail"' in payload and \
                ('"media_id":%d' % media_id) in payload:
            return jid
    return None


def test_photo_deleted_while_its_thumbnail_is_made(owner, photos, media_dir,
                                                   helpers):
    # 49 megapixels of PNG: more than a second to decode, so the delete
    # and its purge land while the job works.
    img = Image.linear_gradient("L").resize((7000, 7000)).convert("RGB")
    img.putpixel((1, 1), tuple(os.urandom(3)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    photo = photos.upload(owner, data=data, name="big.png",
                          ctype="image/png")
    media_id = int(subprocess.run(
        ["psql", "-X", "-At", "-c", "SELECT media_id FROM photos WHERE "
         "id = %d" % int(photo["id"])], capture_output=True, text=True,
        check=True).stdout.strip())
    jid = wait_for(lambda: thumbnail_in_flight(media_id), step=0.02,
                   what="the thumbnail job to start")
    r = owner.delete("%s/%s" % (PHOTOS, photo["id"]))
    assert r.status_code == 204, r.text

    wait_for(lambda: redis("HEXISTS", "agora:jobs", jid) == "0",
             timeout=60, what="the thumbnail job to finish")
    for d in ("thumb", "display"):
        path = os.path.join(media_dir, d, sha + ".jpg")
        assert not os.path.exists(path), path
