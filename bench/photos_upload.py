#!/usr/bin/env python3
"""Upload N real JPEGs (800x600, made before the clock starts; or the
photos of DIR, each made new by a changed pixel) with C concurrent
clients through POST /api/v1/photos, then wait until the worker has
made the copies of every one, and until the object detector has looked
at every one.  Prints uploads/s and the drain times as JSON.
    photos_upload.py URL TOKEN N C [DIR]"""

import concurrent.futures
import io
import json
import os
import random
import sys
import time

import requests
from PIL import Image


def jpeg(i):
    img = Image.new("RGB", (800, 600), (i % 256, (i * 7) % 256, 90))
    px = img.load()
    for _ in range(200):
        x, y = random.randrange(800), random.randrange(600)
        px[x, y] = (random.randrange(256),) * 3
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def photo(path, i):
    img = Image.open(path).convert("RGB")
    img.putpixel((i % img.width, 0), (i % 256, 7, 9))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def main():
    url, token, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    if len(sys.argv) > 5:
        src = sorted(os.path.join(sys.argv[5], f)
                     for f in os.listdir(sys.argv[5]))
        files = [photo(src[i % len(src)], i) for i in range(n)]
    else:
        files = [jpeg(i) for i in range(n)]
    head = {"Authorization": "Bearer " + token}
    local = {}

    def session():
        s = local.get(id(concurrent.futures.thread))
        return s or requests.Session()

    def upload(i):
        r = requests.post(url + "/api/v1/photos", headers=head, files={
            "file": ("p%d.jpg" % i, files[i], "image/jpeg"),
            "caption": (None, "bench %d #bench" % i)}, timeout=60)
        r.raise_for_status()
        return r.json()["photo"]["id"]

    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(c) as pool:
        ids = list(pool.map(upload, range(n)))
    uploaded = time.time() - start

    copies, seen = set(ids), set(ids)
    drained = detected = None
    while copies or seen:
        for pid in list(copies | seen):
            r = requests.get("%s/api/v1/photos/%d" % (url, pid),
                             headers=head, timeout=30)
            p = r.json()["photo"]
            if p["status"] != "processing":
                copies.discard(pid)
            if p["detected_at"] is not None:
                seen.discard(pid)
        if not copies and drained is None:
            drained = time.time() - start
        if not seen and detected is None:
            detected = time.time() - start
        if copies or seen:
            time.sleep(0.2)
    print(json.dumps({"uploads": n, "clients": c,
                      "uploads_per_s": round(n / uploaded, 1),
                      "drained_s": round(drained, 2),
                      "processed_per_s": round(n / drained, 1),
                      "detected_s": round(detected, 2),
                      "detected_per_s": round(n / detected, 1)}))


if __name__ == "__main__":
    main()
