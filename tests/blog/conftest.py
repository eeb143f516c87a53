"""Shared fixtures for the black-box tests of the blog.

The tests talk to a running server (AGORA_TEST_URL) and to what it leaves
behind (the dev SMTP sink's .eml files in AGORA_MAIL_DIR); nothing is
mocked.  Every test makes its own users and posts with random names, so
the suite runs in any order and again and again against one database.
Posts a test creates through the `blog` fixture are deleted when the test
ends, so the admin moderation queue does not fill up with leftovers.

Fixtures:
  base_url     the server's base URL, without a trailing slash
  api          Api: JSON client with bearer tokens, never cookies
  html_client  factory: html_client() -> HtmlClient (browser-like, CSRF)
  new_user     factory: new_user() -> Actor (registered, with a token);
               make_user is the same, session-scoped
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
import html
import os
import re
import secrets
import time
import types
import urllib.parse
from email import policy
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests

BASE_URL = os.environ.get("AGORA_TEST_URL",
                          "http://127.0.0.1:18888").rstrip("/")
TIMEOUT = 30
WAIT = 20.0

SESSION_COOKIE = "agora_session"
HEX64 = re.compile(r"^[0-9a-f]{64}$")

# requests.Session keeps no cookies of its own: the HTML client manages
# them explicitly, and the API client must never carry any.
_NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])


# ---------------------------------------------------------------- helpers

def unique_name(prefix="u_"):
    """A fresh username (or title part): prefix + 8 random hex digits."""
    return prefix + secrets.token_hex(4)


def describe(r):
    """One line about a response, for assertion messages."""
    body = r.text if r.content is not None else ""
    return "%s %s -> %d [%s] %r" % (
        r.request.method, r.request.url, r.status_code,
        r.headers.get("Content-Type", ""), body[:600])


def media_type(r):
    return r.headers.get("Content-Type", "").split(";")[0].strip().lower()


def assert_html(r, status):
    """The response has the status and is a text/html; charset=utf-8 page."""
    assert r.status_code == status, describe(r)
    ct = r.headers.get("Content-Type", "").lower().replace(" ", "")
    assert ct == "text/html;charset=utf-8", describe(r)
    return r.text


def assert_json(r, status):
    """The response has the status and a JSON body; returns the body."""
    assert r.status_code == status, describe(r)
    assert media_type(r) == "application/json", describe(r)
    try:
        return r.json()
    except ValueError:
        pytest.fail("body is not JSON: " + describe(r))


def assert_problem(r, status, fields=()):
    """The response is an application/problem+json body for `status`.

    `fields` must all be keys of the `errors` object.  Returns the body.
    """
    assert r.status_code == status, describe(r)
    assert media_type(r) == "application/problem+json", describe(r)
    try:
        body = r.json()
    except ValueError:
        pytest.fail("problem body is not JSON: " + describe(r))
    assert isinstance(body, dict), describe(r)
    for key in ("type", "title", "status", "detail"):
        assert key in body, "problem without %r: %s" % (key, describe(r))
    assert body["status"] == status and not isinstance(body["status"], bool), \
        describe(r)
    if fields:
        errors = body.get("errors")
        assert isinstance(errors, dict), describe(r)
        for name in fields:
            assert name in errors, "no errors.%s: %s" % (name, describe(r))
            assert isinstance(errors[name], str) and errors[name], describe(r)
    return body


def location(r):
    """The redirect target of `r` as a local path (with query/fragment)."""
    loc = r.headers.get("Location")
    assert loc is not None, "no Location header: " + describe(r)
    target = urllib.parse.urlsplit(urllib.parse.urljoin(BASE_URL + "/", loc))
    base = urllib.parse.urlsplit(BASE_URL)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        return loc
    out = target.path
    if target.query:
        out += "?" + target.query
    if target.fragment:
        out += "#" + target.fragment
    return out


def wait_for(cond, timeout=WAIT, step=0.1, what="the condition"):
    """Poll cond() until it returns something true; return that value."""
    end = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() >= end:
            pytest.fail("gave up waiting %.0f s for %s" % (timeout, what))
        time.sleep(step)


def set_cookies(r, name):
    """The Set-Cookie headers of `r` for cookie `name`, parsed."""
    found = []
    for raw in r.raw.headers.getlist("Set-Cookie"):
        parts = [p.strip() for p in raw.split(";")]
        cname, _, cvalue = parts[0].partition("=")
        if cname.strip() != name:
            continue
        attrs = {}
        for p in parts[1:]:
            if not p:
                continue
            k, eq, v = p.partition("=")
            attrs[k.strip().lower()] = v.strip() if eq else True
        found.append({"value": cvalue.strip(), "attrs": attrs, "raw": raw})
    return found


_INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)


def _attr(tag, name):
    m = re.search(r"""\b%s\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""" %
                  re.escape(name), tag, re.IGNORECASE)
    if m is None:
        return None
    return html.unescape(next(g for g in m.groups() if g is not None))


def input_values(page, name):
    """Values of every <input name="name"> of an HTML page."""
    return [_attr(tag, "value") for tag in _INPUT_TAG.findall(page)
            if _attr(tag, "name") == name]


def find_csrf(page):
    """The _csrf value of the first form of the page."""
    m = re.search(r'name="_csrf"\s+value="([^"]*)"', page)
    if m is not None:
        return html.unescape(m.group(1))
    values = [v for v in input_values(page, "_csrf") if v]
    assert values, "no _csrf input in the page: %r" % page[:600]
    return values[0]


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


# ---------------------------------------------------------------- clients

class Api:
    """JSON API client: bearer tokens, never cookies, never redirects."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.cookies.set_policy(_NO_COOKIES)

    def close(self):
        self.http.close()

    def request(self, method, path, token=None, headers=None, **kw):
        h = {}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self.http.request(method, self.base_url + path, headers=h, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login_token(self, username, password):
        r = self.post("/api/v1/auth/login", json={
            "username": username, "password": password})
        assert r.status_code == 200, describe(r)
        token = r.json()["token"]
        assert HEX64.match(token), describe(r)
        return token


class HtmlClient:
    """A browser-like client for the HTML pages.

    Cookies are kept in `self.cookies` from the Set-Cookie headers, sent
    back on every request, and deleted by an empty value or Max-Age <= 0.
    Redirects are never followed.
    """

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.cookies.set_policy(_NO_COOKIES)
        self.cookies = {}

    def close(self):
        self.http.close()

    @property
    def session(self):
        return self.cookies.get(SESSION_COOKIE)

    def request(self, method, path, headers=None, **kw):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        h.update(headers or {})
        kw.setdefault("timeout", TIMEOUT)
        kw["allow_redirects"] = False
        r = self.http.request(method, self.base_url + path, headers=h, **kw)
        self._keep_cookies(r)
        return r

    def _keep_cookies(self, r):
        for raw in r.raw.headers.getlist("Set-Cookie"):
            name = raw.split(";", 1)[0].partition("=")[0].strip()
            for c in set_cookies(r, name):
                max_age = c["attrs"].get("max-age")
                gone = c["value"] == "" or (
                    isinstance(max_age, str) and
                    re.fullmatch(r"-?\d+", max_age) and int(max_age) <= 0)
                if gone:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = c["value"]

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, data=None, **kw):
        return self.request("POST", path, data=data, **kw)

    def csrf(self, page="/"):
        """GET `page` and return the _csrf of its first form."""
        r = self.get(page)
        assert r.status_code == 200, describe(r)
        return find_csrf(r.text)

    def submit(self, page, action, fields, csrf=True):
        """POST the form `fields` to `action`.

        csrf=True takes _csrf from a fresh GET of `page`; a string is sent
        as given; None sends no _csrf at all.  `fields` may be a dict or a
        list of pairs (repeated names).
        """
        pairs = list(fields.items()) if isinstance(fields, dict) else \
            list(fields)
        if csrf is True:
            pairs.append(("_csrf", self.csrf(page)))
        elif csrf is not None:
            pairs.append(("_csrf", csrf))
        return self.post(action, data=pairs)

    def login(self, username, password):
        return self.submit("/login", "/login", {
            "username": username, "password": password})

    def api(self, method, path, json=None, csrf=None, **kw):
        """A cookie-authenticated API call; `csrf` goes in X-CSRF-Token."""
        headers = dict(kw.pop("headers", {}) or {})
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        if json is not None:
            kw["json"] = json
        return self.request(method, path, headers=headers, **kw)


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
    made = []

    def make():
        c = HtmlClient(base_url)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def html_client(_session_html):
    """Factory: html_client() -> a fresh anonymous HtmlClient."""
    return _session_html


def _admin_password():
    path = os.environ.get("AGORA_ADMIN_PASSWORD_FILE")
    if not path:
        pytest.fail("AGORA_ADMIN_PASSWORD_FILE is not set")
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\r\n")


@pytest.fixture(scope="session")
def admin(_session_api, _session_html):
    password = _admin_password()
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

    def make(prefix="u_"):
        username = unique_name(prefix)
        mail = username + "@example.org"
        password = "pw-" + secrets.token_hex(8)
        r = _session_api.post("/api/v1/auth/register", json={
            "username": username, "email": mail, "password": password})
        assert r.status_code == 201, describe(r)
        user = r.json()["user"]
        token = _session_api.login_token(username, password)
        return Actor(_session_api, _session_html, username, password, token,
                     user["id"], mail)

    return make


@pytest.fixture
def new_user(make_user):
    """Factory: new_user(prefix="u_") -> a registered Actor with a token."""
    return make_user


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
        assert_problem=assert_problem,
        location=location,
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
