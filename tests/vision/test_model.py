"""The object detector's model as set-up installs it (scripts/model.sh:
checked by SHA-256, converted for OpenCV) and as the worker runs it
(`agora-worker detect FILE`), on photos from Debian packages
(scripts/fixtures.sh); and what a missing or broken model or image does:
a clear error, never a crash."""

import json
import os
import shutil
import signal
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
WORKER = os.path.join(ROOT, "build", "agora-worker")
FIXTURES = os.path.join(ROOT, "var", "fixtures")
MODELS = os.path.join(ROOT, "node_modules", "@vladmandic", "human", "models")
# The worker's defaults (workers/detect.h).
CAT, TAG = 0.3, 0.4


def detect(path, model=None):
    env = dict(os.environ)
    if model is not None:
        env["AGORA_DETECT_MODEL"] = model
    r = subprocess.run([WORKER, "detect", path], capture_output=True,
                       text=True, timeout=60, env=env, cwd=ROOT)
    assert r.returncode >= 0, "killed by signal %d" % -r.returncode
    return r


def seen(name):
    r = detect(os.path.join(FIXTURES, name))
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    for d in found:
        assert 0 <= d["x"] <= 1 and 0 <= d["y"] <= 1
        assert 0 < d["w"] and d["x"] + d["w"] <= 1.0001
        assert 0 < d["h"] and d["y"] + d["h"] <= 1.0001
        assert 0 <= d["score"] <= 1
    return found


def best(found, label):
    return max([d["score"] for d in found if d["label"] == label],
               default=0)


@pytest.mark.parametrize("name", ["cat.jpg", "chelsea.png"])
def test_cats_are_seen(name):
    found = seen(name)
    assert best(found, "cat") >= CAT, found
    cat = [d for d in found if d["label"] == "cat"][0]
    # The cat fills most of both photos.
    assert cat["w"] * cat["h"] > 0.25, cat


def test_a_dog_is_a_dog():
    found = seen("puppy.jpg")
    assert best(found, "dog") >= TAG, found
    assert best(found, "cat") < CAT, found
    found = seen("dog.jpg")
    assert best(found, "bicycle") >= TAG, found
    assert best(found, "cat") < CAT, found


@pytest.mark.parametrize("name", ["mountain.jpg", "bicycle.jpg"])
def test_no_animal_no_tag(name):
    found = seen(name)
    assert [d for d in found if d["score"] >= TAG] == [], found


def test_people_are_left_out():
    """GNOME's surfer: a person on a surfboard; people are not stored."""
    found = seen("surfer.jpg")
    assert "person" not in [d["label"] for d in found], found


@pytest.mark.parametrize("kind", ["missing", "empty", "garbage",
                                  "truncated"])
def test_a_broken_model_is_a_clear_error(kind, tmp_path):
    bad = tmp_path / "model.pb"
    good = os.path.join(ROOT, "var", "models", "centernet.pb")
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "garbage":
        bad.write_bytes(os.urandom(4096))
    elif kind == "truncated":
        with open(good, "rb") as f:
            bad.write_bytes(f.read()[:1000000])
    r = detect(os.path.join(FIXTURES, "cat.jpg"), str(bad))
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "the detection model" in r.stderr, r.stderr
    assert "scripts/model.sh" in r.stderr, r.stderr


@pytest.mark.parametrize("kind", ["truncated", "not-an-image", "missing"])
def test_a_bad_image_is_a_clear_error(kind, tmp_path):
    path = tmp_path / "photo.jpg"
    if kind == "truncated":
        with open(os.path.join(FIXTURES, "cat.jpg"), "rb") as f:
            path.write_bytes(f.read()[:3000])
    elif kind == "not-an-image":
        path.write_bytes(b"GIF89a" + os.urandom(500))
    r = detect(str(path))
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "the image cannot be read" in r.stderr, r.stderr


def test_setup_refuses_a_model_that_is_not_the_pinned_one(tmp_path):
    src = tmp_path / "models"
    src.mkdir()
    for f in ("centernet.json", "centernet.bin"):
        shutil.copy(os.path.join(MODELS, f), src / f)
    data = bytearray((src / "centernet.bin").read_bytes())
    data[1000] ^= 0xFF
    (src / "centernet.bin").write_bytes(bytes(data))
    out = tmp_path / "out" / "centernet.pb"
    r = subprocess.run([os.path.join(ROOT, "scripts", "model.sh"), str(src),
                        str(out)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1
    assert "centernet.bin has SHA-256" in r.stderr, r.stderr
    assert not out.exists()


def test_setup_converts_the_pinned_model(tmp_path):
    out = tmp_path / "centernet.pb"
    r = subprocess.run([os.path.join(ROOT, "scripts", "model.sh"), MODELS,
                        str(out)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(ROOT, "var", "models", "centernet.pb"),
              "rb") as f:
        assert out.read_bytes() == f.read()
    r = detect(os.path.join(FIXTURES, "chelsea.png"), str(out))
    assert r.returncode == 0 and best(json.loads(r.stdout), "cat") >= CAT
