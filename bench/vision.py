"""bench/vision.sh's measurements: every photo through the worker's
detector (`agora-worker detect`, one process per photo for its time and
peak RSS) and through the Haar cascade it replaced, against what is in
each photo (looked at by hand; COCO's class names)."""

import json
import os
import subprocess
import sys
import time

import cv2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "build", "agora-worker")
CASCADE = "/usr/share/opencv4/haarcascades/" \
    "haarcascade_frontalcatface_extended.xml"
CAT, TAG = 0.3, 0.4      # workers/detect.h

GNOME = "usr/share/pixmaps/faces"
SKIMAGE = "usr/lib/python3/dist-packages/skimage/data"
DARKNET = "usr/share/darknet/data"
GDK = "usr/libexec/installed-tests/gdk-pixbuf/test-images/reftests"

# What is in each photo that COCO names (people are not tagged, so not
# listed).  Photos not listed here hold none of COCO's classes.
TRUTH = {
    f"{GDK}/cat.jpg": {"cat"},
    f"{SKIMAGE}/chelsea.png": {"cat"},
    f"{GNOME}/cat.jpg": {"cat"},
    f"{GNOME}/cat-eye.jpg": {"cat"},
    f"{GNOME}/puppy.jpg": {"dog"},
    f"{GNOME}/penguin.jpg": {"bird"},
    f"{GNOME}/hummingbird.jpg": {"bird"},
    f"{GNOME}/surfer.jpg": {"surfboard"},
    f"{GNOME}/plane.jpg": {"airplane"},
    f"{GNOME}/coffee.jpg": {"cup"},
    f"{GNOME}/coffee2.jpg": {"cup"},
    f"{GNOME}/book.jpg": {"book"},
    f"{GNOME}/tennis-ball.png": {"sports_ball"},
    f"{GNOME}/baseball.png": {"sports_ball"},
    f"{GNOME}/soccerball.png": {"sports_ball"},
    f"{SKIMAGE}/coffee.png": {"cup"},
    f"{SKIMAGE}/horse.png": {"horse"},
    f"{SKIMAGE}/motorcycle_left.png": {"motorcycle"},
    f"{SKIMAGE}/motorcycle_right.png": {"motorcycle"},
    f"{DARKNET}/dog.jpg": {"dog", "bicycle", "truck"},
    f"{DARKNET}/eagle.jpg": {"bird"},
    f"{DARKNET}/giraffe.jpg": {"giraffe", "zebra"},
    f"{DARKNET}/horses.jpg": {"horse"},
    f"{DARKNET}/kite.jpg": {"kite"},
    f"{DARKNET}/person.jpg": {"dog", "horse"},
}
PACKAGE = {GNOME: "gnome-control-center-data", SKIMAGE: "python3-skimage",
           DARKNET: "darknet", GDK: "gdk-pixbuf-tests"}
# Photographs only: scikit-image's test patterns, text and microscopy
# are left out.
SKIMAGE_PHOTOS = ("astronaut.png", "camera.png", "chelsea.png", "coffee.png",
                  "motorcycle_left.png", "motorcycle_right.png",
                  "rocket.jpg", "hubble_deep_field.jpg", "horse.png",
                  "moon.png", "retina.jpg", "coins.png", "grass.png",
                  "gravel.png", "brick.png")


def photos(base):
    out = [f"{GDK}/cat.jpg"]
    out += sorted(f"{GNOME}/{n}" for n in os.listdir(os.path.join(base, GNOME))
                  if n.endswith((".jpg", ".png")))
    out += [f"{SKIMAGE}/{n}" for n in SKIMAGE_PHOTOS]
    out += sorted(f"{DARKNET}/{n}" for n in
                  os.listdir(os.path.join(base, DARKNET))
                  if n.endswith(".jpg"))
    return out


def detect(path):
    """(detections, ms of the run) from a fresh worker process; the
    worker times the run alone, not its start or the network's load."""
    # Two runs: the second is timed (the first sets OpenCV up).
    p = subprocess.Popen([WORKER, "detect", path, "2"],
                         stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=ROOT)
    out, err = p.communicate(timeout=120)
    if p.returncode != 0:
        raise SystemExit("detect %s: %s" % (path, err))
    ms = float(err.strip().splitlines()[-1].split()[0])
    return json.loads(out), ms


def haar(cascade, path):
    """The old cat_detect: gray at 640 px, equalised, best weight."""
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None:
        img = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_UNCHANGED)[:, :, :3],
                           cv2.COLOR_BGR2GRAY)
    s = 640 / max(img.shape)
    if s < 1:
        img = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    img = cv2.equalizeHist(img)
    _, _, weights = cascade.detectMultiScale3(
        img, 1.1, 3, 0, (24, 24), outputRejectLevels=True)
    return max([float(w) for w in weights], default=0.0)


def rss_of_one_run(path):
    r = subprocess.run(["/usr/bin/time", "-f", "%M", WORKER, "detect", path],
                       capture_output=True, text=True, cwd=ROOT)
    return int(r.stderr.strip().splitlines()[-1])


def main(base):
    cascade = cv2.CascadeClassifier(CASCADE)
    rows, times, tp, fp, fn = [], [], {}, {}, {}
    cat = {"haar": [0, 0, 0], "net": [0, 0, 0]}    # tp, fp, fn
    cats, best_other = [], 0.0
    for rel in photos(base):
        path = os.path.join(base, rel)
        found, ms = detect(path)
        times.append(ms)
        truth = TRUTH.get(rel, set())
        tags = {d["label"] for d in found
                if d["score"] >= (CAT if d["label"] == "cat" else TAG)}
        cat_score = max([d["score"] for d in found if d["label"] == "cat"],
                        default=0.0)
        h = haar(cascade, path)
        for name, hit in (("haar", h >= 1.0), ("net", "cat" in tags)):
            want = "cat" in truth
            cat[name][0 if hit and want else 1 if hit else 2] += \
                1 if hit or want else 0
        if "cat" in truth:
            cats.append(cat_score)
        else:
            best_other = max(best_other, cat_score)
        for label in tags | truth:
            d = tp if label in tags and label in truth else \
                fp if label in tags else fn
            d[label] = d.get(label, 0) + 1
        pkg = [v for k, v in PACKAGE.items() if rel.startswith(k)][0]
        verdict = "ok" if tags == truth else "missed " + ", ".join(
            sorted(truth - tags)) if tags < truth else "wrong: " + ", ".join(
            sorted(tags - truth)) + ("; missed " + ", ".join(
                sorted(truth - tags)) if truth - tags else "")
        rows.append((os.path.basename(rel), pkg, ", ".join(sorted(truth))
                     or "-", "%.2f" % h, "%.2f" % cat_score,
                     ", ".join(sorted(tags)) or "-", verdict))

    print("| photo | package | in it | Haar cat | net cat | detected tags |"
          " verdict |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    n = len(rows)
    for name, (t, f, m) in (("Haar cascade (before)", cat["haar"]),
                            ("CenterNet (now)", cat["net"])):
        print("cat, %s: %d found of %d, %d false of %d without a cat: "
              "precision %.2f, recall %.2f" % (
                  name, t, t + m, f, n - t - m, t / (t + f) if t + f else 0,
                  t / (t + m) if t + m else 0))
    print("cat scores: cats %s; the highest of a photo without a cat %.3f" %
          (", ".join("%.3f" % c for c in sorted(cats)), best_other))
    print()
    print("| class | found | missed | false | precision | recall |")
    print("|---|---|---|---|---|---|")
    for label in sorted(set(tp) | set(fp) | set(fn)):
        t, f, m = tp.get(label, 0), fp.get(label, 0), fn.get(label, 0)
        print("| %s | %d | %d | %d | %s | %s |" % (
            label, t, m, f, "%.2f" % (t / (t + f)) if t + f else "-",
            "%.2f" % (t / (t + m)) if t + m else "-"))
    times.sort()
    print()
    print("%d photos; detection per photo (one thread, model loaded): "
          "median %.0f ms, p90 %.0f ms, max %.0f ms" % (
              n, times[n // 2], times[int(n * 0.9)], times[-1]))
    rss = rss_of_one_run(os.path.join(base, f"{SKIMAGE}/chelsea.png"))
    t0 = time.monotonic()
    subprocess.run([WORKER, "detect", os.path.join(base, GDK, "cat.jpg")],
                   capture_output=True, cwd=ROOT, check=True)
    print("one process, start to finish (libvips, load, one photo): "
          "%.0f ms, peak RSS %.0f MB" % ((time.monotonic() - t0) * 1000,
                                         rss / 1024))


if __name__ == "__main__":
    main(sys.argv[1])
