"""The clients and helpers every suite shares: a JSON API client with
bearer tokens, a browser-like HTML client with cookies and CSRF, and the
response checks the tests assert with.  Nothing here is a fixture."""

import contextlib
import html
import json as jsonlib
import os
import re
import secrets
import socket
import time
import urllib.parse
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests

BASE_URL = os.environ.get("AGORA_TEST_URL",
                          "http://127.0.0.1:18888").rstrip("/")
TIMEOUT = 30
WAIT = 20.0

SESSION_COOKIE = "agora_session"
CSRF_COOKIE = "agora_csrf"
HEX64 = re.compile(r"^[0-9a-f]{64}$")

# requests.Session keeps no cookies of its own: the HTML client manages
# them explicitly, and the API client must never carry any.
_NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])


def unique_name(prefix="u_"):
    """A fresh username: prefix + 8 random hex digits."""
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


def assert_problem(r, status, fields=(), named=True):
    """The response is an application/problem+json body for `status`.

    `fields` must all be keys of the `errors` object; `named` wants type
    and title to be non-empty strings.  Returns the body.
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
    if named:
        assert isinstance(body["type"], str) and body["type"], describe(r)
        assert isinstance(body["title"], str) and body["title"], describe(r)
    assert body["status"] == status and not isinstance(body["status"], bool), \
        describe(r)
    if fields:
        errors = body.get("errors")
        assert isinstance(errors, dict), describe(r)
        for name in fields:
            assert name in errors, "no errors.%s: %s" % (name, describe(r))
            assert isinstance(errors[name], str) and errors[name], describe(r)
    return body


def same_id(a, b):
    """Ids may be JSON numbers or strings of digits; compare their value."""
    return str(a) == str(b)


def assert_id(value):
    ok = (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, str) and value.isdigit())
    assert ok, "not an id: %r" % (value,)


def location(r, fragment=False):
    """The redirect target of `r` as a local path (with query, and with
    the fragment when `fragment`).

    An absolute Location must point at the server itself; anything that
    leaves the site is returned unchanged so assertions can show it.
    """
    loc = r.headers.get("Location")
    assert loc is not None, "no Location header: " + describe(r)
    target = urllib.parse.urlsplit(urllib.parse.urljoin(BASE_URL + "/", loc))
    base = urllib.parse.urlsplit(BASE_URL)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        return loc
    if fragment:
        out = target.path
        if target.query:
            out += "?" + target.query
        if target.fragment:
            out += "#" + target.fragment
        return out
    if loc.startswith("//") or loc.startswith("/\\"):
        return loc
    return target.path + ("?" + target.query if target.query else "")


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
    """The Set-Cookie headers of `r` for cookie `name`, parsed.

    Each is a dict: {"value": ..., "attrs": {lower-case attribute: value
    or True}, "raw": the header}.
    """
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
    out = []
    for tag in _INPUT_TAG.findall(page):
        if _attr(tag, "name") == name:
            out.append(_attr(tag, "value"))
    return out


def find_csrf(page):
    """The _csrf value of the first form of the page."""
    m = re.search(r'name="_csrf"\s+value="([^"]*)"', page)
    if m is not None:
        return html.unescape(m.group(1))
    values = [v for v in input_values(page, "_csrf") if v]
    assert values, "no _csrf input in the page: %r" % page[:600]
    return values[0]


@dataclass(frozen=True)
class User:
    """A user made by new_user(); unpacks as (username, password, token)."""
    username: str
    password: str
    token: object
    id: object
    email: str

    def __iter__(self):
        return iter((self.username, self.password, self.token))


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict
    body: bytes


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

    def register(self, username, email, password):
        return self.post("/api/v1/auth/register", json={
            "username": username, "email": email, "password": password})

    def login(self, username, password):
        return self.post("/api/v1/auth/login", json={
            "username": username, "password": password})

    def me(self, token=None, **kw):
        return self.get("/api/v1/me", token=token, **kw)

    def login_token(self, username, password):
        r = self.login(username, password)
        assert r.status_code == 200, describe(r)
        token = r.json()["token"]
        assert HEX64.match(token), describe(r)
        return token

    def raw(self, method, path, headers=(), body=None, timeout=TIMEOUT):
        """Send one request over a plain socket, exactly as given.

        `path` goes on the request line unchanged (no normalisation).
        Returns a RawResponse, or None when the server closed the
        connection without answering.  Write errors are tolerated: the
        server may answer and close before reading a whole request.
        """
        base = urllib.parse.urlsplit(self.base_url)
        if base.scheme != "http":
            pytest.skip("raw socket checks need a plain http base URL")
        host = base.hostname
        port = base.port or 80
        if isinstance(path, str):
            path = path.encode("latin-1")
        lines = [method.encode("latin-1") + b" " + path + b" HTTP/1.1",
                 b"Host: " + base.netloc.encode("latin-1")]
        for k, v in headers:
            if isinstance(v, str):
                v = v.encode("latin-1")
            lines.append(k.encode("latin-1") + b": " + v)
        if body is not None:
            lines.append(b"Content-Length: " + str(len(body)).encode())
        lines.append(b"Connection: close")
        data = b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")

        buf = b""
        with socket.create_connection((host, port), timeout=timeout) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            want = None
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                buf += chunk
                if want is None and b"\r\n\r\n" in buf:
                    head = buf.split(b"\r\n\r\n", 1)[0]
                    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
                    if m is not None:
                        want = len(head) + 4 + int(m.group(1))
                if want is not None and len(buf) >= want:
                    break
        if not buf:
            return None
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)", lines[0])
        assert m is not None, "not an HTTP response: %r" % buf[:200]
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        return RawResponse(int(m.group(1)), m.group(2), hdrs, rest)

    def assert_healthy(self):
        r = self.get("/healthz")
        assert r.status_code == 200, describe(r)


class HtmlClient:
    """A browser-like client for the HTML pages.

    Cookies are kept in `self.cookies` (name -> value) from the Set-Cookie
    headers, sent back on every request, and deleted by an empty value or
    Max-Age <= 0.  Redirects are never followed.
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
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
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
        as given; None sends no _csrf at all.  `fields` may be a dict (a
        _csrf in it is replaced) or a list of pairs (repeated names; the
        _csrf is added).
        """
        if csrf is True:
            csrf = self.csrf(page)
        if isinstance(fields, dict):
            fields = dict(fields)
            if csrf is not None:
                fields["_csrf"] = csrf
            return self.post(action, data=fields)
        pairs = list(fields)
        if csrf is not None:
            pairs.append(("_csrf", csrf))
        return self.post(action, data=pairs)

    def register(self, username, email, password, csrf=True):
        return self.submit("/register", "/register", {
            "username": username, "email": email, "password": password},
            csrf=csrf)

    def login(self, username, password, next=None, csrf=True):
        fields = {"username": username, "password": password}
        if next is not None:
            fields["next"] = next
        return self.submit("/login", "/login", fields, csrf=csrf)

    def logout(self, csrf=True):
        return self.submit("/", "/logout", {}, csrf=csrf)

    def api(self, method, path, json=None, csrf=None, **kw):
        """A cookie-authenticated API call; `csrf` goes in X-CSRF-Token."""
        headers = dict(kw.pop("headers", {}) or {})
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        if json is not None:
            kw["json"] = json
        return self.request(method, path, headers=headers, **kw)


def json_bytes(obj):
    """UTF-8 JSON without \\u escapes (what most clients send)."""
    return jsonlib.dumps(obj, ensure_ascii=False).encode("utf-8")


def admin_password():
    """The password of `admin`, from AGORA_ADMIN_PASSWORD_FILE."""
    path = os.environ.get("AGORA_ADMIN_PASSWORD_FILE")
    if not path:
        pytest.fail("AGORA_ADMIN_PASSWORD_FILE is not set")
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\r\n")


def assert_retry_after(r, most):
    """A refusal's Retry-After is a whole number of seconds, 1 to `most`."""
    value = r.headers.get("Retry-After", "")
    assert value.isdigit(), describe(r)
    assert 1 <= int(value) <= most, describe(r)


@contextlib.contextmanager
def html_clients(base_url):
    """A factory of fresh anonymous HtmlClients, all closed at the end."""
    made = []

    def make():
        c = HtmlClient(base_url)
        made.append(c)
        return c

    try:
        yield make
    finally:
        for c in made:
            c.close()
