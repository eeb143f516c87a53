"""What the blog, chat and photos suites share: actors (a user with a
token and a browser session), the mailbox of the dev SMTP sink, the Blog
helper and the fixtures built on them.  A suite's conftest.py imports
the fixtures from here (`from agora_kit.site import *`).

Fixtures:
  base_url     the server's base URL, without a trailing slash
  api          Api: JSON client with bearer tokens, never cookies
  html_client  factory: html_client() -> HtmlClient (browser-like, CSRF)
  new_user     factory: new_user() -> Actor (registered, with a token,
               its address verified through the welcome mail's link
               unless verified=False); make_user is the same,
               session-scoped
  author, other  two fresh Actors
  admin        the `admin` Actor (token and HTML session, session-wide)
  anon         the anonymous Actor
  blog         Blog: create posts and comments, decide, read the queue
  mailbox      Mailbox: wait for an email to an address in AGORA_MAIL_DIR
  site_url     AGORA_SITE_URL of the server's configuration
  helpers      namespace of the module-level helper functions
"""

import email
import email.utils
import functools
import os
import re
import secrets
import types
from email import policy
from html.parser import HTMLParser

import pytest

from agora_kit.web import (BASE_URL, html_clients, TIMEOUT, WAIT, Api, HtmlClient,
                           admin_password, assert_html, assert_json,
                           assert_problem, describe, find_csrf,
                           input_values, location, media_type, unique_name,
                           wait_for)

__all__ = [
    # what the suites' test modules import from their conftest
    "BASE_URL", "TIMEOUT", "WAIT", "describe", "wait_for", "unique_name",
    "Actor", "Blog", "Mailbox", "Tags", "mail_text", "mail_html",
    "verify_token",
    # the fixtures
    "base_url", "site_url", "_session_api", "api", "_session_html",
    "html_client", "admin", "anon", "make_user", "new_user", "author",
    "other", "member", "blog", "mailbox", "helpers",
]


class Tags(HTMLParser):
    """Every start tag of a page as (tag, {attr: value}), plus the text."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def post_links(page):
    """The /blog/{id}-{slug} links of the post titles in a list page."""
    return re.findall(r'<li class="post"><article>\s*<h2><a href="(/blog/'
                      r'[0-9]+-[a-z0-9-]*)">', page)


def post_ids_in_list(page):
    """Ids of the posts of a list page (/blog, /blog/u/...), in order."""
    return [int(re.match(r"/blog/([0-9]+)", p).group(1))
            for p in post_links(page)]


def list_item(page, post_id):
    """The <li class="post"> of post `post_id` in a list page, or None."""
    for m in re.finditer(r'<li class="post">.*?</li>', page, re.DOTALL):
        if re.search(r'href="/blog/%d-' % post_id, m.group(0)):
            return m.group(0)
    return None


def read_config_value(key):
    """A key of the server's env file (AGORA_CONFIG); the env wins."""
    if os.environ.get(key):
        return os.environ[key]
    path = os.environ.get("AGORA_CONFIG")
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, _, v = line.partition("=")
            if k.strip() == key:
                v = v.strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                    v = v[1:-1]
                return v
    return None


class Actor:
    """Someone using the blog: a user with a bearer token and, on demand,
    a browser session logged in through the form; or the anonymous
    visitor (token None, a browser with no session)."""

    def __init__(self, api, make_html, username=None, password=None,
                 token=None, uid=None, email=None, admin=False):
        self._api = api
        self._make_html = make_html
        self._html = None
        self.username = username
        self.password = password
        self.token = token
        self.id = uid
        self.email = email
        self.admin = admin

    def __repr__(self):
        return "<Actor %s>" % (self.username or "anonymous")

    @property
    def anonymous(self):
        return self.username is None

    # API, with the bearer token (if any)
    def request(self, method, path, **kw):
        return self._api.request(method, path, token=self.token, **kw)

    def get(self, path, **kw):
        return self._api.request("GET", path, token=self.token, **kw)

    def post(self, path, json=None, **kw):
        if json is not None:
            kw["json"] = json
        return self._api.request("POST", path, token=self.token, **kw)

    def patch(self, path, json=None, **kw):
        if json is not None:
            kw["json"] = json
        return self._api.request("PATCH", path, token=self.token, **kw)

    def delete(self, path, **kw):
        return self._api.request("DELETE", path, token=self.token, **kw)

    # HTML, with a session cookie (logged in on first use)
    @property
    def html(self):
        if self._html is None:
            c = self._make_html()
            if not self.anonymous:
                r = c.login(self.username, self.password)
                assert r.status_code == 303, describe(r)
                assert c.session, "no session cookie after logging in"
            self._html = c
        return self._html

    def csrf(self, page="/"):
        return self.html.csrf(page)

    def form(self, action, fields=(), page="/", csrf=True):
        """POST an HTML form (with a CSRF token from `page`)."""
        return self.html.submit(page, action, fields, csrf=csrf)


# ---------------------------------------------------------------- mail

class Mailbox:
    """The .eml files the dev SMTP sink wrote to AGORA_MAIL_DIR."""

    def __init__(self, directory):
        self.dir = directory

    def messages(self, to=None):
        out = []
        if not self.dir or not os.path.isdir(self.dir):
            return out
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".eml") or name.startswith("."):
                continue
            try:
                with open(os.path.join(self.dir, name), "rb") as f:
                    raw = f.read()
            except FileNotFoundError:      # pruned meanwhile
                continue
            if to is not None and to.lower().encode() not in raw.lower():
                continue
            msg = email.message_from_bytes(raw, policy=policy.default)
            if to is not None and to.lower() not in self.recipients(msg):
                continue
            out.append(msg)
        return out

    @staticmethod
    def recipients(msg):
        heads = msg.get_all("To", []) + msg.get_all("X-Sink-Rcpt-To", [])
        return {addr.lower() for _, addr in
                email.utils.getaddresses([str(h) for h in heads]) if addr}

    def wait(self, to, subject, timeout=WAIT):
        """The first email to `to` whose subject contains `subject`."""
        if not self.dir:
            pytest.skip("AGORA_MAIL_DIR is not set")

        def found():
            return [m for m in self.messages(to)
                    if subject in str(m.get("Subject", ""))]
        return wait_for(found, timeout=timeout,
                        what="an email to %s about %r" % (to, subject))[0]

    def subjects(self, to):
        return [str(m.get("Subject", "")) for m in self.messages(to)]


def mail_text(msg):
    part = msg.get_body(("plain",))
    return part.get_content() if part is not None else ""


def verify_token(msg):
    """The token of the /verify link in a mail (the welcome mail, a
    resent link, the confirmation of a new address)."""
    m = re.search(r"/verify\?token=([0-9a-f]{64})", mail_text(msg))
    assert m, "no /verify link in %r" % str(msg.get("Subject", ""))
    return m.group(1)


def mail_html(msg):
    part = msg.get_body(("html",))
    return part.get_content() if part is not None else ""


# ---------------------------------------------------------------- blog

class Blog:
    """Posts, comments and decisions through the API; remembers every post
    it made so the test's leftovers are deleted afterwards."""

    def __init__(self, api, admin):
        self.api = api
        self.admin = admin
        self.created = []

    def new_title(self, prefix="Post"):
        return "%s %s" % (prefix, secrets.token_hex(5))

    def create(self, actor, title=None, body="Some text for the post.",
               status=None):
        """Create a post as `actor`; returns the post JSON."""
        data = {"title": title if title is not None else self.new_title(),
                "body": body}
        if status is not None:
            data["status"] = status
        r = actor.post("/api/v1/blog/posts", json=data)
        assert r.status_code == 201, describe(r)
        post = r.json()["post"]
        self.created.append(post["id"])
        return post

    def track(self, post_id):
        self.created.append(int(post_id))

    def published(self, actor, **kw):
        """A post by `actor` that an admin approved."""
        post = self.create(actor, **kw)
        if post["status"] != "approved":
            self.approve("post", post["id"])
        return self.get(self.admin, post["id"])

    def get(self, actor, post_id):
        r = actor.get("/api/v1/blog/posts/%s" % post_id)
        assert r.status_code == 200, describe(r)
        return r.json()["post"]

    def status_code(self, actor, post_id):
        return actor.get("/api/v1/blog/posts/%s" % post_id).status_code

    def queue(self):
        """Every open item, following the queue's pages."""
        items, after = [], 0
        while True:
            r = self.admin.get("/api/v1/admin/moderation",
                               params={"after": after})
            assert r.status_code == 200, describe(r)
            body = r.json()
            items += body["items"]
            if body["next_after"] is None:
                return items
            after = body["next_after"]

    def queue_item(self, kind, item_id):
        for item in self.queue():
            if item["kind"] == kind and str(item["item_id"]) == str(item_id):
                return item
        return None

    def approve(self, kind, item_id):
        r = self.admin.post("/api/v1/admin/moderation/%s/%s/approve" %
                            (kind, item_id), json={})
        assert r.status_code == 200, describe(r)
        return r.json()

    def reject(self, kind, item_id, reason):
        r = self.admin.post("/api/v1/admin/moderation/%s/%s/reject" %
                            (kind, item_id), json={"reason": reason})
        assert r.status_code == 200, describe(r)
        return r.json()

    def comment(self, actor, post_id, body=None):
        # The moderate job flags a user's third identical text within an
        # hour: texts differ unless a test wants them the same.
        if body is None:
            body = "A kind comment, %s." % secrets.token_hex(4)
        r = actor.post("/api/v1/blog/posts/%s/comments" % post_id,
                       json={"body": body})
        assert r.status_code == 201, describe(r)
        return r.json()["comment"]

    def comments(self, actor, post_id):
        r = actor.get("/api/v1/blog/posts/%s/comments" % post_id)
        assert r.status_code == 200, describe(r)
        return r.json()["comments"]

    def wait_hidden(self, reader, post_id, comment_id):
        """Wait until the moderate job hid the comment from `reader`."""
        return wait_for(
            lambda: all(str(c["id"]) != str(comment_id)
                        for c in self.comments(reader, post_id)),
            what="comment %s to be held for review" % comment_id)

    def cleanup(self):
        for pid in self.created:
            self.admin.delete("/api/v1/blog/posts/%s" % pid)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def base_url():
    return BASE_URL


@pytest.fixture(scope="session")
def site_url():
    url = read_config_value("AGORA_SITE_URL")
    if not url:
        pytest.skip("AGORA_SITE_URL is not known (set AGORA_CONFIG)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def _session_api(base_url):
    client = Api(base_url)
    yield client
    client.close()


@pytest.fixture
def api(_session_api):
    return _session_api


@pytest.fixture(scope="session")
def _session_html(base_url):
    with html_clients(base_url) as make:
        yield make


@pytest.fixture
def html_client(_session_html):
    """Factory: html_client() -> a fresh anonymous HtmlClient."""
    return _session_html


@pytest.fixture(scope="session")
def admin(_session_api, _session_html):
    password = admin_password()
    token = _session_api.login_token("admin", password)
    r = _session_api.get("/api/v1/me", token=token)
    assert r.status_code == 200, describe(r)
    user = r.json()["user"]
    actor = Actor(_session_api, _session_html, "admin", password, token,
                  user.get("id"), user.get("email"), admin=True)
    yield actor
    _session_api.post("/api/v1/auth/logout", token=token, json={})


@pytest.fixture
def anon(_session_api, _session_html):
    return Actor(_session_api, _session_html)


@pytest.fixture(scope="session")
def make_user(_session_api, _session_html):
    """Factory: make_user(prefix="u_") -> a registered Actor with a token
    (session-scoped, for module-wide casts)."""

    def make(prefix="u_", verified=True):
        username = unique_name(prefix)
        mail = username + "@example.org"
        password = "pw-" + secrets.token_hex(8)
        r = _session_api.post("/api/v1/auth/register", json={
            "username": username, "email": mail, "password": password})
        assert r.status_code == 201, describe(r)
        user = r.json()["user"]
        token = _session_api.login_token(username, password)
        if verified:
            link = verify_token(Mailbox(os.environ.get("AGORA_MAIL_DIR"))
                                .wait(mail, "Welcome"))
            r = _session_api.request("POST", "/api/v1/me/email/verify",
                                     token=token, json={"token": link})
            assert r.status_code == 200, describe(r)
        return Actor(_session_api, _session_html, username, password, token,
                     user["id"], mail)

    return make


@pytest.fixture
def new_user(make_user):
    """Factory: new_user(prefix="u_") -> a registered Actor with a token."""
    return make_user


@pytest.fixture
def member(admin):
    """member(actor): an admin sets the actor's trust level to member
    (a new user may put at most 2 links in an item; sql/026)."""
    def go(actor):
        r = admin.post("/api/v1/admin/users/%s/trust" % actor.id,
                       json={"level": "member", "reason": "a test"})
        assert r.status_code == 200, describe(r)
        wait_for(lambda: actor.get("/api/v1/me").json()["user"].get(
            "trust") == "member", what="%r to be a member" % actor)
        return actor
    return go


@pytest.fixture
def author(new_user):
    return new_user("a_")


@pytest.fixture
def other(new_user):
    return new_user("o_")


@pytest.fixture
def blog(_session_api, admin):
    b = Blog(_session_api, admin)
    yield b
    b.cleanup()


@pytest.fixture(scope="session")
def mailbox():
    return Mailbox(os.environ.get("AGORA_MAIL_DIR"))


@pytest.fixture(scope="session")
def helpers():
    return types.SimpleNamespace(
        unique_name=unique_name,
        describe=describe,
        media_type=media_type,
        assert_html=assert_html,
        assert_json=assert_json,
        assert_problem=functools.partial(assert_problem, named=False),
        location=functools.partial(location, fragment=True),
        wait_for=wait_for,
        find_csrf=find_csrf,
        input_values=input_values,
        Tags=Tags,
        post_links=post_links,
        post_ids_in_list=post_ids_in_list,
        list_item=list_item,
        mail_text=mail_text,
        mail_html=mail_html,
    )
