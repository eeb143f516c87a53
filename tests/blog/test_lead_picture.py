"""A post's lead picture: the first of the site's own images in it is
shown with its alt text in the lists, the API, the JSON Feed and the
post's Open Graph card; other images and none change nothing."""

import html
import re

from test_images import png, upload


def ready_image(author, helpers):
    body = helpers.assert_json(upload(author, png(90, 60)), 201)
    media = body["media"]

    def done():
        m = helpers.assert_json(
            author.get("/api/v1/media/%s" % media["id"]), 200)["media"]
        return m if m["status"] != "processing" else None
    assert helpers.wait_for(done, what="the thumbnail job")["status"] == \
        "ready"
    sha = re.search(r"/media/display/([0-9a-f]{64})\.jpg",
                    body["markdown"]).group(1)
    return sha


def item_of(page, title):
    """The <li class="post..."> of the list whose title is `title`."""
    for li in re.findall(r'<li class="post[^"]*"><article>.*?</article>',
                         page, re.S):
        if ">%s</a>" % html.escape(title, quote=False) in li:
            return li
    return None


def test_the_first_own_image_leads(author, anon, blog, helpers):
    sha = ready_image(author, helpers)
    alt = 'The "north" ridge <at dawn>'
    title = helpers.unique_name("Lead ")
    post = blog.published(author, title=title, body=(
        "A walk.\n\n![elsewhere](https://example.org/x.jpg)\n\n"
        "![%s](/media/display/%s.jpg)\n\nMore words." % (alt, sha)))

    li = helpers.wait_for(lambda: item_of(anon.html.get("/blog").text,
                                          title), what="the post listed")
    assert '<li class="post has-lead">' in li
    assert ('<img class="lead" src="/media/thumb/%s.jpg" alt="%s"' %
            (sha, html.escape(alt))) in li
    assert "<at dawn>" not in li
    thumb = anon.html.get("/media/thumb/%s.jpg" % sha)
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"

    got = helpers.assert_json(
        anon.get("/api/v1/blog/posts/%s" % post["id"]), 200)
    got = got.get("post", got)
    assert got["lead_image"] == {
        "url": "/media/display/%s.jpg" % sha,
        "thumb_url": "/media/thumb/%s.jpg" % sha, "alt": alt}

    page = anon.html.get(got["url"]).text
    assert re.search(r'<meta property="og:image" content="[^"]*/media/'
                     r'display/%s\.jpg">' % sha, page)
    assert '<meta property="og:image:alt" content="%s">' % \
        html.escape(alt) in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page

    r = anon.get("/blog/feed.json")
    assert r.status_code == 200, helpers.describe(r)
    feed = r.json()
    item = [i for i in feed["items"] if i["title"] == title][0]
    assert item["image"].endswith("/media/display/%s.jpg" % sha)


def test_no_own_image_no_lead(author, anon, blog, helpers):
    title = helpers.unique_name("Plain ")
    post = blog.published(author, title=title, body=(
        "Words only, and ![far](https://example.org/y.jpg) away."))
    li = helpers.wait_for(lambda: item_of(anon.html.get("/blog").text,
                                          title), what="the post listed")
    assert 'class="lead"' not in li
    got = helpers.assert_json(
        anon.get("/api/v1/blog/posts/%s" % post["id"]), 200)
    got = got.get("post", got)
    assert got["lead_image"] is None
    page = anon.html.get(got["url"]).text
    assert "og:image" not in page
    assert '<meta name="twitter:card" content="summary">' in page
