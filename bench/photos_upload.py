#!/usr/bin/env python3
"""Upload N real JPEGs (800x600, made before the clock starts) with C
concurrent clients through POST /api/v1/photos, then wait until the
worker has processed every one.  Prints uploads/s and the drain time as
JSON.   photos_upload.py URL TOKEN N C"""

import concurrent.futures
import io
import json
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


def main():
    url, token, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
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

    pending = set(ids)
    while pending:
        for pid in list(pending):
            r = requests.get("%s/api/v1/photos/%d" % (url, pid),
                             headers=head, timeout=30)
            if r.json()["photo"]["status"] != "processing":
                pending.discard(pid)
        if pending:
            time.sleep(0.2)
    drained = time.time() - start
    print(json.dumps({"uploads": n, "clients": c,
                      "uploads_per_s": round(n / uploaded, 1),
                      "drained_s": round(drained, 2),
                      "processed_per_s": round(n / drained, 1)}))


if __name__ == "__main__":
    main()
