"""The cat zone: the worker's cat detector (OpenCV's frontal cat face
cascade) runs on every new photo.  Fixtures are photos from Debian
packages (scripts/fixtures.sh): a cat, and photos without one, one of
which (dice) gives the cascade a weak false detection that the score
threshold must reject."""

import os

import pytest

from conftest import PHOTOS

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "var",
                        "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def checked(photos, helpers, actor, pid):
    def done():
        p = photos.get(actor, pid)
        return p if p["cat_score"] is not None else None
    return helpers.wait_for(done, timeout=30, what="the cat detector")


def test_the_cat_is_found(owner, anon, photos, helpers):
    p = photos.upload(owner, fixture("cat.jpg"), caption="Our cat")
    assert p["cat_score"] is None and p["cat_boxes"] is None
    got = checked(photos, helpers, owner, p["id"])
    assert got["cat_score"] >= 1.0, got
    assert "cat" in got["tags"]
    assert got["cat_boxes"], got
    for box in got["cat_boxes"]:
        assert 0 <= box["x"] < 1 and 0 <= box["y"] < 1
        assert 0 < box["w"] <= 1 and 0 < box["h"] <= 1
    photos.ready(owner, p["id"])
    listed = helpers.assert_json(anon.get(PHOTOS + "/tags/cat",
                                          params={"limit": 100}), 200)
    assert p["id"] in [x["id"] for x in listed["photos"]]
    page = anon.html.get("/photos/cats")
    helpers.assert_html(page, 200)
    assert 'href="/photos/%s"' % p["id"] in page.text


@pytest.mark.parametrize("name", ["mountain.jpg", "bicycle.jpg", "dice.jpg",
                                  "surfer.jpg"])
def test_no_cat_no_tag(name, owner, photos, helpers):
    p = photos.upload(owner, fixture(name))
    got = checked(photos, helpers, owner, p["id"])
    assert got["cat_score"] < 1.0, got
    assert "cat" not in got["tags"]
