"""What the worker's object detector sees in photos, against the running
stack: the cat zone, detected tags apart from the owner's, boxes within
the picture, and owners' corrections that win over the model, also after
an admin runs detection again on every photo.  Photos are from Debian
packages (scripts/fixtures.sh)."""

import os
import re

import pytest

from conftest import PHOTOS, wait_for

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "var",
                        "fixtures")
DETECTION = "/api/v1/admin/photos/detection"


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def upload(photos, actor, name, caption=None):
    ctype = "image/png" if name.endswith(".png") else "image/jpeg"
    return photos.upload(actor, fixture(name), caption=caption, name=name,
                         ctype=ctype)


def detected(photos, actor, pid, after=None):
    """The photo once the detector has looked (again, if `after`)."""
    def done():
        p = photos.get(actor, pid)
        if p["detected_at"] is None or (after and p["detected_at"] <= after):
            return None
        return p
    return wait_for(done, timeout=150, what="the detector")


def sources(p, source):
    return sorted(t["tag"] for t in p["tag_sources"] if t["source"] == source)


def in_zone(actor, pid):
    r = actor.get(PHOTOS + "/tags/cat", params={"limit": 100})
    assert r.status_code == 200
    return pid in [x["id"] for x in r.json()["photos"]]


def assert_boxes(boxes):
    for b in boxes:
        assert 0 <= b["x"] <= 1 and 0 <= b["y"] <= 1, b
        assert 0 < b["w"] and b["x"] + b["w"] <= 1.0001, b
        assert 0 < b["h"] and b["y"] + b["h"] <= 1.0001, b


def correct(actor, pid, tag, action):
    return actor.post("%s/%s/corrections" % (PHOTOS, pid),
                      json={"tag": tag, "action": action})


@pytest.mark.parametrize("name", ["chelsea.png", "cat.jpg"])
def test_a_tabby_lands_in_the_cat_zone(name, owner, anon, photos):
    p = upload(photos, owner, name, caption="Our cat")
    assert p["detected_at"] is None and p["cat_boxes"] is None
    got = detected(photos, owner, p["id"])
    assert got["cat_score"] >= 0.3, got
    assert "cat" in got["tags"]
    assert sources(got, "detected") == ["cat"], got
    assert len(got["cat_boxes"]) == 1
    assert_boxes(got["cat_boxes"])
    assert_boxes(got["detections"])
    assert got["detections"][0]["label"] == "cat"
    photos.ready(owner, p["id"])
    assert in_zone(anon, p["id"])

    page = anon.html.get("/photos/cats")
    assert page.status_code == 200
    assert 'href="/photos/%s?in=' % p["id"] in page.text
    page = anon.html.get("/photos/%s" % p["id"])
    assert "Seen in this photo" in page.text
    assert 'href="/photos/tag/cat" class="hashtag">#cat</a>' in page.text
    box = re.search(r'class="photo-box" data-x="([0-9.]+)" data-y="([0-9.]+)"'
                    r' data-w="([0-9.]+)" data-h="([0-9.]+)"><span>cat \d+%',
                    page.text)
    assert box, page.text
    assert all(0 <= float(v) <= 1 for v in box.groups())
    assert re.search(r'<script src="/static/photos\.[0-9a-f]{8}\.js" defer>',
                     page.text)
    # The visitor cannot correct anything.
    assert "Not right: remove" not in page.text
    assert anon.html.get("/static/photos.js").status_code == 200


def test_a_dog_is_tagged_dog_and_not_cat(owner, anon, photos):
    p = upload(photos, owner, "puppy.jpg")
    got = detected(photos, owner, p["id"])
    assert sources(got, "detected") == ["dog"], got
    assert "cat" not in got["tags"]
    assert got["cat_boxes"] == []
    photos.ready(owner, p["id"])
    assert not in_zone(anon, p["id"])
    r = anon.get(PHOTOS + "/tags/dog", params={"limit": 100})
    listed = [x for x in r.json()["photos"] if x["id"] == p["id"]]
    assert listed and {"tag": "dog", "source": "detected"} in \
        listed[0]["tag_sources"]
    page = anon.html.get("/photos/tag/dog")
    assert 'href="/photos/%s?in=' % p["id"] in page.text


@pytest.mark.parametrize("name", ["mountain.jpg", "bicycle.jpg"])
def test_no_animal_no_detected_tag(name, owner, photos):
    p = upload(photos, owner, name, caption="#view")
    got = detected(photos, owner, p["id"])
    assert sources(got, "detected") == [], got
    assert sources(got, "owner") == ["view"]
    assert got["cat_boxes"] == []


def test_the_owners_tags_stay_the_owners(owner, photos):
    p = upload(photos, owner, "chelsea.png", caption="#cat #tabby")
    got = detected(photos, owner, p["id"])
    assert sources(got, "owner") == ["cat", "tabby"]
    assert sources(got, "detected") == []
    r = correct(owner, p["id"], "cat", "remove")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "cat" in photos.get(owner, p["id"])["tags"]


def test_who_may_correct(owner, other, anon, admin, photos):
    p = upload(photos, owner, "dog.jpg")     # a bicycle and a car
    detected(photos, owner, p["id"])
    assert correct(anon, p["id"], "bicycle", "remove").status_code == 401
    assert correct(other, p["id"], "bicycle", "remove").status_code == 403
    assert correct(owner, p["id"], "bicycle", "eat").status_code == 400
    assert correct(owner, p["id"], "horse", "add").status_code == 400
    assert correct(owner, p["id"], "DOG; --", "remove").status_code == 400
    assert correct(owner, p["id"], "x" * 51, "remove").status_code == 400
    assert correct(owner, p["id"], "zebra", "remove").status_code == 422
    assert correct(owner, 999999999, "car", "remove").status_code == 404
    r = owner.post("%s/%s/corrections" % (PHOTOS, p["id"]), data="{",
                   headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert "bicycle" in photos.get(owner, p["id"])["tags"]
    # An admin may correct any photo.
    r = correct(admin, p["id"], "bicycle", "remove")
    assert r.status_code == 200, r.text
    assert "bicycle" not in r.json()["photo"]["tags"]
    assert "car" in r.json()["photo"]["tags"]


def test_corrections_win_and_survive_a_rerun(owner, admin, anon, photos):
    cat = upload(photos, owner, "cat.jpg")
    view = upload(photos, owner, "mountain.jpg")
    first = detected(photos, owner, cat["id"])
    detected(photos, owner, view["id"])
    photos.ready(owner, cat["id"])
    photos.ready(owner, view["id"])
    assert in_zone(anon, cat["id"])

    # The owner says the detector is wrong, through the API ...
    r = correct(owner, cat["id"], "cat", "remove")
    assert r.status_code == 200, r.text
    assert "cat" not in r.json()["photo"]["tags"]
    assert not in_zone(anon, cat["id"])
    # ... and that there is a cat in the other, through the page.
    page = owner.html.get("/photos/%s" % view["id"])
    assert "There is a cat here" in page.text
    r = owner.form("/photos/%s/cat" % view["id"],
                   page="/photos/%s" % view["id"])
    assert r.status_code == 303, r.text
    got = photos.get(owner, view["id"])
    assert sources(got, "corrected") == ["cat"]
    assert in_zone(anon, view["id"])
    page = owner.html.get("/photos/%s" % view["id"])
    assert "added by the owner" in page.text

    # Admins see the corrections with what the model said.
    r = admin.get(DETECTION)
    assert r.status_code == 200, r.text
    mine = [c for c in r.json()["corrections"]
            if c["photo_id"] in (cat["id"], view["id"])]
    assert {(c["photo_id"], c["tag"], c["action"]) for c in mine} == {
        (cat["id"], "cat", "remove"), (view["id"], "cat", "add")}
    said = {c["photo_id"]: c["model_score"] for c in mine}
    assert abs(said[cat["id"]] - first["cat_score"]) < 0.01
    assert said[view["id"]] is None
    assert all(c["by"] == owner.username for c in mine)
    assert owner.get(DETECTION).status_code == 403
    assert anon.get(DETECTION).status_code == 401

    # Detection again on every photo: the corrections still win.
    before = {pid: photos.get(owner, pid)["detected_at"]
              for pid in (cat["id"], view["id"])}
    r = admin.post(DETECTION + "/rerun")
    assert r.status_code == 202, r.text
    run = r.json()["run"]
    assert run["photos"] >= 2 and not run["finished"]
    assert admin.post(DETECTION + "/rerun").status_code == 409
    again = detected(photos, owner, cat["id"], after=before[cat["id"]])
    assert "cat" not in again["tags"]
    assert again["cat_score"] >= 0.3      # the model still says so
    again = detected(photos, owner, view["id"], after=before[view["id"]])
    assert sources(again, "corrected") == ["cat"]
    assert not in_zone(anon, cat["id"]) and in_zone(anon, view["id"])

    page = admin.html.get("/admin/photos/detection")
    assert page.status_code == 200
    assert "Corrections" in page.text and "<progress" in page.text
    assert 'href="/photos/%s"' % cat["id"] in page.text
    assert owner.html.get("/admin/photos/detection").status_code == 403


def test_the_owner_removes_a_tag_from_the_page(owner, other, photos):
    p = upload(photos, owner, "dog.jpg")
    detected(photos, owner, p["id"])
    page = other.html.get("/photos/%s" % p["id"])
    assert "Not right: remove" not in page.text
    r = other.form("/photos/%s/tags/car/remove" % p["id"],
                   page="/photos/%s" % p["id"])
    assert r.status_code == 403
    page = owner.html.get("/photos/%s" % p["id"])
    assert 'action="/photos/%s/tags/car/remove"' % p["id"] in page.text
    r = owner.form("/photos/%s/tags/car/remove" % p["id"],
                   page="/photos/%s" % p["id"])
    assert r.status_code == 303
    assert "car" not in photos.get(owner, p["id"])["tags"]
    # Without the CSRF token nothing changes.
    r = owner.form("/photos/%s/tags/bicycle/remove" % p["id"],
                   page="/photos/%s" % p["id"], csrf=False)
    assert r.status_code == 403
    assert "bicycle" in photos.get(owner, p["id"])["tags"]
