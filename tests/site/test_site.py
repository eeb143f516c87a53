"""Tried as a new user would: a favicon, the current section marked in
the navigation, one time format, a home page that shows what is
happening ("Welcome" the first time, "Welcome back" later, with what is
new), assets compressed and cached under hashed names, empty states with
a next step, refusals that say why, and the photo page's forms."""

import gzip
import io
import os
import re
import subprocess

from urllib.parse import urlparse

import pytest
from PIL import Image

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
TIME = re.compile(r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)">'
                  r'(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov'
                  r'|Dec) (\d{4}), (\d\d):(\d\d) UTC</time>')
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def jpeg():
    img = Image.new("RGB", (64, 48), tuple(os.urandom(3)))
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


def visible_text(html):
    """The page's text outside tags and attributes."""
    return re.sub(r"<[^>]*>", " ", html)


def assert_times(html):
    """Every time is a <time> in the one format; none is raw ISO text."""
    times = TIME.findall(html)
    assert times, "no <time> on the page"
    for iso, d, mon, y, hh, mm in times:
        assert iso == "%s-%02d-%02dT%s:%s:%sZ" % (
            y, MONTHS.index(mon) + 1, int(d), hh, mm, iso[17:19])
    assert not ISO.search(visible_text(html)), \
        ISO.search(visible_text(html)).group(0)


def test_there_is_a_favicon(anon):
    for path, ctype in (("/favicon.ico", "image/x-icon"),
                        ("/favicon.svg", "image/svg+xml")):
        r = anon.html.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == ctype
        assert len(r.content) > 100
    assert Image.open(io.BytesIO(anon.html.get("/favicon.ico").content)) \
        .format == "ICO"
    page = anon.html.get("/blog")
    assert '<link rel="icon" href="/favicon.svg"' in page.text


def site_nav_marked(html):
    """The links the site's navigation marks as the current section (a
    page's own tabs, such as the photo feeds', may mark theirs too)."""
    nav = re.search(r'<nav class="site-nav">(.*?)</nav>', html, re.S)
    assert nav, "no site navigation"
    return re.findall(r'<a href="([^"]+)"[^>]* aria-current="page"',
                      nav.group(1))


@pytest.mark.parametrize("path,section", [
    ("/blog", "/blog"), ("/blog/new", "/blog"), ("/photos", "/photos"),
    ("/photos/cats", "/photos"), ("/chat", "/chat"), ("/", "/")])
def test_the_current_section_is_marked(path, section, author):
    page = author.html.get(path)
    assert page.status_code == 200, path
    marked = site_nav_marked(page.text)
    assert marked == [section], (path, marked)


def test_admin_is_marked_for_admins(admin):
    page = admin.html.get("/admin/jobs")
    assert site_nav_marked(page.text) == ["/admin"]


def test_one_time_format_in_blog_photos_and_admin(author, admin, blog,
                                                  photos_api):
    post = blog.published(author)
    c = blog.comment(author, post["id"], body="A comment with a time")
    assert c
    assert_times(author.html.get("/blog").text)
    assert_times(author.html.get(urlparse(post["url"]).path).text)
    pid = photos_api(author)
    assert_times(author.html.get("/photos/%s" % pid).text)
    assert_times(admin.html.get("/admin/users?q=" + author.username).text)
    page = author.html.get("/blog")
    assert '<script src="/static/time.' in page.text


def test_no_raw_iso_time_in_any_page(author, admin, blog, photos_api,
                                     helpers):
    """Every page that shows a time shows it in the one format: the ISO
    form only in datetime attributes, never as text."""
    post = blog.published(author, body="First.\n\nLine.")
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"body": "Second.\n\nLine."})
    assert r.status_code == 200, r.text
    revs = author.get("/api/v1/blog/posts/%s/revisions"
                      % post["id"]).json()["revisions"]
    blog.comment(author, post["id"], body="A comment with a time")
    pid = photos_api(author)
    ready(helpers, author, pid)
    room = author.post("/api/v1/chat/rooms",
                       json={"name": "iso-" + author.username[-8:]})
    assert room.status_code == 201, room.text
    pages = {
        author: ["/", "/blog", "/blog/u/%s" % author.username,
                 urlparse(post["url"]).path,
                 "/blog/%s/edit" % post["id"],
                 "/blog/%s/history" % post["id"],
                 "/blog/%s/revisions/%s" % (post["id"], revs[0]["id"]),
                 "/blog/%s/diff?from=%s&to=%s" % (post["id"], revs[1]["id"],
                                                 revs[0]["id"]),
                 "/photos", "/photos/%s" % pid,
                 "/photos/u/%s" % author.username, "/chat",
                 "/search?q=comment"],
        admin: ["/admin", "/admin/users", "/admin/jobs",
                "/admin/moderation", "/admin/photos/detection"],
    }
    timed = 0
    for actor, paths in pages.items():
        for path in paths:
            r = actor.html.get(path)
            assert r.status_code == 200, path
            raw = ISO.search(visible_text(r.text))
            assert not raw, (path, raw and raw.group(0))
            timed += bool(TIME.search(r.text))
    assert timed >= 10


@pytest.fixture
def photos_api(admin):
    made = []

    def upload(actor, caption="A photo"):
        r = actor.post("/api/v1/photos", files={
            "file": ("p.jpg", jpeg(), "image/jpeg"),
            "caption": (None, caption)})
        assert r.status_code == 201, r.text
        made.append(r.json()["photo"]["id"])
        return made[-1]
    yield upload
    for pid in made:
        admin.delete("/api/v1/photos/%s" % pid)


def come_back_later(actor):
    """As if the actor's last home view was an hour ago: the next one
    starts a new visit."""
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
         "name=" + actor.username],
        input="UPDATE users SET home_seen_at = home_seen_at -"
        " interval '1 hour' WHERE username = :'name'",
        text=True, check=True, timeout=30)


def test_a_new_account_is_welcomed_then_welcomed_back(new_user, blog, author,
                                                      photos_api, helpers):
    fresh = new_user("nw_")
    first = fresh.html.get("/")
    assert first.status_code == 200
    assert "Welcome, %s" % fresh.username in first.text
    assert "Welcome back" not in first.text

    # Something happens meanwhile.
    post = blog.published(author, title="Home news %s" % author.username)
    pid = photos_api(author, caption="Home photo")
    helpers.wait_for(lambda: author.get("/api/v1/photos/%s" % pid)
                     .json()["photo"]["status"] == "ready",
                     what="the photo")

    come_back_later(fresh)
    again = fresh.html.get("/")
    assert "Welcome back, %s" % fresh.username in again.text
    assert "new since your last visit" in again.text
    assert re.search(r'class="fresh">\d+ new posts?<', again.text)
    assert re.search(r'class="fresh">\d+ new photos?<', again.text)
    assert 'href="/blog/%s-' % post["id"] in again.text
    assert post["title"] in again.text
    assert 'href="/photos/%s"' % pid in again.text
    assert_times(again.text)


def test_the_home_page_shows_what_is_happening(anon, author, blog, helpers):
    post = blog.published(author, title="On the home page %s"
                          % author.username)
    room = author.post("/api/v1/chat/rooms",
                       json={"name": "home-" + author.username[-8:]})
    assert room.status_code == 201, room.text
    rid = room.json()["room"]["id"]
    r = author.post("/api/v1/chat/rooms/%s/messages" % rid,
                    json={"body": "hello from the home page test"})
    assert r.status_code == 201, r.text

    def shown():
        page = anon.html.get("/")       # cached for a second
        return page if post["title"] in page.text else None
    page = helpers.wait_for(shown, what="the home page")
    assert "Create an account" in page.text
    for section in ("/blog", "/chat", "/photos"):
        assert '<h2><a href="%s">' % section in page.text
    # The busiest public rooms of the day, busiest first (other suites'
    # rooms may outrank this one).
    counts = [int(n) for n in re.findall(
        r'<a href="/chat\?room=\d+">#[^<]+</a> <small>(\d+) messages? '
        r'today', page.text)]
    assert 1 <= len(counts) <= 5 and counts == sorted(counts, reverse=True)
    assert counts[-1] >= 1


def test_assets_are_compressed_and_cached_under_hashed_names(anon):
    page = anon.html.get("/blog").text
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    hashed = [l for l in links if re.search(r"\.[0-9a-f]{8}\.(css|js)$", l)]
    assert len(hashed) >= 3 and hashed == links, links
    for path in hashed:
        r = anon.html.get(path, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200, path
        assert "immutable" in r.headers["cache-control"]
        assert "max-age=31536000" in r.headers["cache-control"]
        assert r.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in r.headers["vary"].lower()
        # The plain name is the same content, revalidated.
        plain = re.sub(r"\.[0-9a-f]{8}(\.\w+)$", r"\1", path)
        p = anon.html.get(plain, headers={"accept-encoding": "identity"})
        assert p.status_code == 200 and "content-encoding" not in p.headers
        assert p.headers["cache-control"] == "no-cache"
        assert p.content == r.content       # requests decodes gzip
        again = anon.html.get(plain, headers={
            "if-none-match": p.headers["etag"],
            "accept-encoding": "identity"})
        assert again.status_code == 304
    pico = [l for l in hashed if "pico" in l][0]
    raw = anon.html.get(pico, headers={"accept-encoding": "gzip"},
                        stream=True).raw.read()
    assert len(raw) < 20000 and len(gzip.decompress(raw)) > 70000


@pytest.mark.parametrize("path", ["/static/nothing.css",
                                  "/static/agora.00000000.css",
                                  "/static/..%2fkore.conf",
                                  "/static/agora.css.bak"])
def test_unknown_assets_are_404(path, anon):
    assert anon.html.get(path).status_code == 404


def test_empty_lists_say_what_to_do(new_user):
    fresh = new_user("em_")
    page = fresh.html.get("/blog/u/%s" % fresh.username)
    assert 'No posts yet. <a href="/blog/new">Write the first one</a>' \
        in page.text
    page = fresh.html.get("/photos/u/%s" % fresh.username)
    assert 'No photos here yet. <a href="/photos/new">Upload the first ' \
        'one</a>' in page.text


def test_a_taken_room_name_says_so(author, other):
    name = "taken-" + author.username[-8:]
    assert author.post("/api/v1/chat/rooms",
                       json={"name": name}).status_code == 201
    r = other.post("/api/v1/chat/rooms", json={"name": name.upper()})
    assert r.status_code == 409
    assert r.json()["errors"]["name"] == \
        "That room name is taken: choose another."


def ready(helpers, actor, pid):
    helpers.wait_for(lambda: actor.get("/api/v1/photos/%s" % pid)
                     .json()["photo"]["status"] == "ready", what="the photo")


def test_a_visitor_on_a_photo_is_asked_to_log_in(author, anon, photos_api,
                                                 helpers):
    pid = photos_api(author)
    ready(helpers, author, pid)
    page = anon.html.get("/photos/%s" % pid)
    assert "<textarea" not in page.text
    assert '<a href="/login?next=/photos/%s">Log in</a> to comment' % pid \
        in page.text


@pytest.mark.parametrize("kind", ["not-an-image", "empty"])
def test_a_refused_upload_keeps_the_caption(kind, author):
    token = author.html.csrf("/photos/new")
    data = b"this is not a picture" if kind == "not-an-image" else b""
    r = author.html.post("/photos/new", data={
        "_csrf": token, "caption": "Dusk <b>over</b> the bay #sky"},
        files={"file": ("p.jpg", data, "image/jpeg")})
    assert r.status_code == 422, r.text
    assert '<form method="post" action="/photos/new"' in r.text
    assert "Dusk &lt;b&gt;over&lt;/b&gt; the bay #sky</textarea>" in r.text
    # The reason sits beside the file field, which is marked.
    why = re.search(r'<small class="field-error" id="file-error">([^<]+)'
                    r'</small>', r.text).group(1)
    assert 'aria-invalid="true"' in r.text
    if kind == "not-an-image":
        assert why.startswith("Not a JPEG, PNG or WebP image"), why
    else:
        # An empty file part may not reach the site as a file at all.
        assert why in ("The file is empty.", "Choose an image file."), why


def test_tiles_show_the_author_and_the_caption(author, anon, photos_api,
                                               helpers):
    long = "Golden hour on the ridge " + "é" * 80
    pid = photos_api(author, caption=long + "\nand a second line")
    ready(helpers, author, pid)
    page = anon.html.get("/photos/u/%s" % author.username)
    tile = re.search(r'<li id="p%s"><a href="/photos/%s\?in=user&amp;u=%s" '
                     r'class="tile-link">.*?</li>'
                     % (pid, pid, author.username), page.text, re.S).group(0)
    assert re.search(r'<p class="tile-meta"><span class="avatar av-[0-7]" '
                     r'aria-hidden="true">.</span><a href="/u/%s">%s</a>'
                     % (author.username, author.username), tile), tile
    caption = re.search(r'<p class="tile-caption">(.*?)</p>', tile).group(1)
    assert caption.startswith("Golden hour on the ridge é")
    assert caption.endswith("…") and "second" not in caption
    assert len(caption[:-1].encode()) <= 80
    caption[:-1].encode().decode("utf-8")     # whole characters


def test_authors_have_the_same_avatar_everywhere(author, other, anon, blog,
                                                 photos_api, helpers):
    post = blog.published(author, title="Avatars %s" % author.username)
    blog.comment(other, post["id"], body="An avatar beside me")
    pid = photos_api(author)
    ready(helpers, author, pid)
    pages = [anon.html.get("/blog/u/%s" % author.username).text,
             anon.html.get(urlparse(post["url"]).path).text,
             anon.html.get("/photos/%s" % pid).text,
             anon.html.get("/photos/u/%s" % author.username).text]
    mark = re.compile(r'<span class="avatar (av-[0-7])" aria-hidden="true">'
                      r'%s</span>(?:<strong>|<a href="[^"]+">)%s<'
                      % (author.username[0].upper(), author.username))
    colours = {m for page in pages for m in mark.findall(page)}
    assert len(colours) == 1, colours
    for page in pages:
        assert mark.search(page), page[:200]
    # The commenter too, in the comments.
    assert re.search(r'<span class="avatar av-[0-7]" aria-hidden="true">%s'
                     r'</span><a href="/u/%s"><strong>%s</strong>' % (
                         other.username[0].upper(), other.username,
                         other.username), pages[1])


def test_the_stylesheet_is_whole(anon):
    """Every rule of the site's own stylesheet is closed: one missing
    brace silently drops every rule after it."""
    css = re.sub(r"/\*.*?\*/", "", anon.html.get("/static/agora.css").text,
                 flags=re.S)
    depth = 0
    for n, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert 0 <= depth <= 2, (n, line)     # 2: a rule in @media
    assert depth == 0
    for rule in (".avatar", ".av-7", ".home-part", ".photo-box", ".seen-tags",
                 ".nav-search"):
        assert re.search(r"(^|\n)%s[ ,{]" % re.escape(rule), css), rule
