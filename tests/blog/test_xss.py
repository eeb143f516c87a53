"""An XSS corpus in post titles, post bodies and comments: on every page
that shows them (the post, /blog, /blog/u/..., the Atom feed, the admin
moderation page) and in the API's rendered `html`, the markup is shown
as text, never run.

Two kinds of checks on each page:
  * structural: the page parsed as HTML has no script (but the site's own
    /static/ scripts), iframe, svg, object or embed element, no on*
    attribute and no javascript:, vbscript: or data: URL in a link;
  * textual: the dangerous markup appears only escaped (`&lt;script&gt;`
    present, `<script>alert` absent, no `href="javascript:` in any case).
"""

import re
import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)",
    "<iframe src=//evil.example></iframe>",
    "[x](vbscript:msgbox(1))",
    "'><body onload=alert(1)>",
    "<javascript:alert(1)>",
    "[x](javascript&colon;alert(1))",
    "[x](java\\nscript:alert(1))",
    "<scr<script>ipt>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
]

# Reference-style links keep their URL on another line.
BODY_ONLY = [
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: VBSCRIPT:msgbox(1)",
    "<div>\n<script>\nalert(1)\n</script>\n</div>",
    "<!-- --><script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a> and "
    "<a href=javascript:alert(1)>y</a>",
]

SCRIPT_OK = re.compile(r'<script src="/static/[a-z0-9._-]+"( defer)?>'
                       r'</script>')
# The site's own <details>: the account menu in the navigation, and a
# comment's Reply and Edit forms.
MENU_OK = re.compile(r'<details class="(dropdown user-menu|reply-form|'
                     r'edit-form|confirm inline|source)">')
# A post page's own <meta> and canonical link: escaped text in a quoted
# attribute, which cannot end it (the parsed checks above still see
# every attribute), but whose words ("onerror=") look like markup to the
# raw patterns below.
META_OK = re.compile(r'<(meta (name|property)="[a-z:_]+" content|'
                     r'link rel="canonical" href)="[^"<>]*">')
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data",
             "poster", "background", "srcset", "cite")
BAD_TAGS = ("iframe", "svg", "object", "embed", "frame", "frameset", "math",
            "base", "applet", "style")


def esc(s):
    """How the site escapes text into HTML."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def squash(url):
    return re.sub(r"[\x00-\x20]+", "", url).lower()


def assert_inert(page, where, helpers):
    """No markup of the page can run script (see the module docstring)."""
    tags = helpers.Tags(page)
    for tag, attrs in tags.tags:
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), \
                "%s: script element %r" % (where, attrs)
        assert tag not in BAD_TAGS, "%s: <%s %r>" % (where, tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), \
                "%s: event handler <%s %s=%r>" % (where, tag, name, value)
            if name in URL_ATTRS:
                v = squash(value)
                for scheme in ("javascript:", "vbscript:", "data:"):
                    assert not v.startswith(scheme), \
                        "%s: <%s %s=%r>" % (where, tag, name, value)
        if tag == "meta":
            assert attrs.get("http-equiv", "").lower() != "refresh", where
    raw = META_OK.sub("", MENU_OK.sub("", SCRIPT_OK.sub("", page)))
    for pat in (r"<script", r"<iframe", r"<svg", r"<object", r"<embed",
                r"<math", r"<details",
                r'(href|src)\s*=\s*"\s*(javascript|vbscript|data):',
                r"""<[a-z][^<>]*\s(href|src)\s*=\s*["']?\s*"""
                r"(javascript|vbscript|data):",
                r"<[a-z][^<>]*\son[a-z]+\s*="):
        m = re.search(pat, raw, re.IGNORECASE)
        assert m is None, "%s: %r in %r" % (
            where, m.group(0), raw[max(0, m.start() - 80):m.end() + 80])


def assert_shown_as_text(page, text, where):
    """`text` (with markup) is in the page escaped, and never verbatim."""
    assert esc(text) in page, "%s: %r not shown escaped" % (where, text)
    if "<" in text:
        assert text not in page, "%s: %r verbatim" % (where, text)


def feed_entry(feed_bytes, title):
    root = ET.fromstring(feed_bytes)
    for e in root.findall(ATOM + "entry"):
        if e.findtext(ATOM + "title") == title:
            return e
    return None


def check_feed(feed, title, where, helpers):
    raw = feed.text
    for pat in (r"<script", r"<iframe", r"<svg", r"<img",
                r"<[a-z][^<>]*\son[a-z]+\s*="):
        assert re.search(pat, raw, re.IGNORECASE) is None, (where, pat)
    entry = feed_entry(feed.content, title)
    assert entry is not None, "%s: no entry titled %r" % (where, title)
    content = entry.find(ATOM + "content")
    assert content.get("type") == "html"
    assert_inert(content.text or "", where + " content", helpers)
    return entry


def wait_for_index(anon, post_id, helpers):
    def page():
        r = anon.html.get("/blog")
        return r.text if post_id in helpers.post_ids_in_list(r.text) else None
    return helpers.wait_for(page, what="post %s on /blog" % post_id)


def wait_for_feed(anon, title, helpers):
    def feed():
        r = anon.html.get("/blog/feed.atom")
        return r if feed_entry(r.content, title) is not None else None
    return helpers.wait_for(feed, what="the post in the feed")


@pytest.mark.parametrize("payload", CORPUS)
def test_title_body_and_comment_are_inert_everywhere(
        payload, author, other, anon, admin, blog, mailbox, helpers):
    title = "X " + payload
    body = "Intro\n\n" + payload + "\n\nOutro [ok](https://example.org/ok)"
    post = blog.create(author, title=title, body=body)
    pid = post["id"]

    # While pending: the admin moderation page previews it.
    mod = admin.html.get("/admin/moderation")
    helpers.assert_html(mod, 200)
    assert_inert(mod.text, "moderation page", helpers)
    assert "<h3>%s</h3>" % esc(title) in mod.text
    assert_shown_as_text(mod.text, body, "moderation preview")
    assert_inert(post["html"], "API html (create)", helpers)

    blog.approve("post", pid)
    comment = blog.comment(other, pid, "Re: " + payload)

    # The post page, for a reader and for an editor.
    for reader in (anon, admin):
        page = reader.html.get(post["url"])
        helpers.assert_html(page, 200)
        assert_inert(page.text, "post page", helpers)
        assert "<h1>%s" % esc(title) in page.text
        assert_shown_as_text(page.text, "Re: " + payload, "comment")
    assert "https://example.org/ok" in page.text   # good links still work

    # The lists.
    index = wait_for_index(anon, pid, helpers)
    assert_inert(index, "/blog", helpers)
    item = helpers.list_item(index, pid)
    assert ">%s</a>" % esc(title) in item
    # The excerpt is the text without its markup, escaped: no tag in it.
    excerpt = re.search(r'<p class="excerpt">(.*?)</p>', item,
                        re.S).group(1)
    assert excerpt.startswith("Intro") and "<" not in excerpt, excerpt
    user = anon.html.get("/blog/u/%s" % author.username).text
    assert_inert(user, "/blog/u", helpers)
    assert ">%s</a>" % esc(title) in helpers.list_item(user, pid)
    own = author.html.get("/blog/u/%s" % author.username).text
    assert_inert(own, "/blog/u (own)", helpers)

    # The feed: the title is the same text, the content inert HTML.
    feed = wait_for_feed(anon, title, helpers)
    check_feed(feed, title, "feed", helpers)

    # The API's rendered HTML; the raw fields are data, returned as sent.
    got = blog.get(anon, pid)
    assert got["title"] == title and got["body"] == body
    assert_inert(got["html"], "API html", helpers)
    assert [c["body"] for c in blog.comments(anon, pid)] == ["Re: " + payload]

    # The email to the post's author escapes the comment in its HTML part.
    msg = mailbox.wait(author.email, "commented on")
    assert_inert(helpers.mail_html(msg), "comment email", helpers)
    assert comment["body"] == "Re: " + payload


@pytest.mark.parametrize("payload", BODY_ONLY)
def test_body_markup_is_inert(payload, author, anon, blog, helpers):
    post = blog.published(author, body=payload)
    assert_inert(post["html"], "API html", helpers)
    page = anon.html.get(post["url"])
    helpers.assert_html(page, 200)
    assert_inert(page.text, "post page", helpers)


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>",
                                     "<img src=x onerror=alert(1)>"])
def test_html_in_markdown_is_shown_as_text(payload, author, blog):
    post = blog.published(author, body=payload)
    assert esc(payload) in post["html"]
    assert payload not in post["html"]


@pytest.mark.parametrize("url,kept", [
    ("https://example.org/a", True),
    ("http://example.org/a", True),
    ("HTTPS://example.org/a", True),
    ("/blog", True),
    ("relative/path", True),
    ("#anchor", True),
    ("?q=1", True),
    ("//example.org/a", True),
    ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False),
    ("vbscript:msgbox(1)", False),
    ("data:text/html;base64,PHNjcmlwdD4=", False),
    ("data:image/png;base64,iVBORw0KGgo=", False),
    ("file:///etc/passwd", False),
    ("mailto:someone@example.org", False),
    ("jav&#x61;script:alert(1)", False),
    ("javascript&colon;alert(1)", False),
])
@pytest.mark.parametrize("kind", ["link", "image"])
def test_only_http_and_relative_urls_survive(url, kept, kind, author, blog):
    md = ("[x](%s)" if kind == "link" else "![x](%s)") % url
    post = blog.published(author, body=md)
    attr = "href" if kind == "link" else "src"
    m = re.search(r'%s="([^"]*)"' % attr, post["html"])
    assert m is not None, post["html"]
    if kept:
        assert m.group(1) != "", post["html"]
    else:
        assert squash(m.group(1)) in ("", "#"), post["html"]


def test_flagged_comment_with_markup_is_inert_on_the_moderation_page(
        author, other, anon, admin, blog, helpers):
    post = blog.published(author)
    payload = "viagra <script>alert(1)</script><img src=x onerror=alert(1)>"
    c = blog.comment(other, post["id"], payload)
    blog.wait_hidden(anon, post["id"], c["id"])
    mod = admin.html.get("/admin/moderation")
    helpers.assert_html(mod, 200)
    assert_inert(mod.text, "moderation page", helpers)
    for reader in (other, admin):
        page = reader.html.get(post["url"]).text
        assert_inert(page, "post page with a held comment", helpers)
        assert_shown_as_text(page, payload, "held comment")


def test_reject_reason_is_escaped(author, blog, helpers):
    post = blog.create(author)
    reason = "<script>alert('reason')</script> \"quoted\""
    blog.reject("post", post["id"], reason)
    page = author.html.get(post["url"])
    helpers.assert_html(page, 200)
    assert_inert(page.text, "rejected post page", helpers)
    assert esc(reason) in page.text


def test_edit_form_escapes_title_and_body(author, blog, helpers):
    title = "\"><script>alert(1)</script>"
    body = "</textarea><script>alert(1)</script>"
    post = blog.create(author, title=title, body=body)
    page = author.html.get("/blog/%s/edit" % post["id"])
    helpers.assert_html(page, 200)
    assert_inert(page.text, "edit form", helpers)
    assert helpers.input_values(page.text, "title") == [title]
    assert esc(body) in page.text
    # The 422 re-render of the new-post form escapes what was sent, too.
    r = author.form("/blog/new", {"title": "", "body": body},
                    page="/blog/new")
    helpers.assert_html(r, 422)
    assert_inert(r.text, "new-post form with errors", helpers)
    assert esc(body) in r.text
