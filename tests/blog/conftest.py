"""Fixtures for the blog suite, against the running test stack."""

import email
import os
import re
import time
import uuid
from email import policy

import pytest
import requests

BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")
CSRF = re.compile(r'name="_csrf" value="([0-9a-f]{64})"')


def unique(prefix="b"):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def wait_for(cond, timeout=20.0, step=0.1, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


class User:
    def __init__(self, name, token, admin=False):
        self.name = name
        self.email = f"{name}@example.org"
        self.token = token
        self.admin = admin

    @property
    def h(self):
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kw):
        return requests.get(BASE + path, headers=self.h, timeout=10, **kw)

    def post(self, path, json=None, **kw):
        return requests.post(BASE + path, headers=self.h, json=json,
                             timeout=10, **kw)

    def patch(self, path, json=None):
        return requests.patch(BASE + path, headers=self.h, json=json,
                              timeout=10)

    def delete(self, path):
        return requests.delete(BASE + path, headers=self.h, timeout=10)

    def html(self):
        """A browser-like session logged in through the form."""
        raise NotImplementedError


def _new_user():
    name = unique("u")
    r = requests.post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": f"{name}@example.org",
        "password": "correct horse battery"}, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(BASE + "/api/v1/auth/login", json={
        "username": name, "password": "correct horse battery"}, timeout=10)
    return User(name, r.json()["token"])


@pytest.fixture
def author():
    return _new_user()


@pytest.fixture
def other():
    return _new_user()


@pytest.fixture(scope="session")
def admin():
    with open(os.environ["AGORA_ADMIN_PASSWORD_FILE"]) as f:
        password = f.read().strip()
    r = requests.post(BASE + "/api/v1/auth/login", json={
        "username": "admin", "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return User("admin", r.json()["token"], admin=True)


class Anonymous(User):
    def __init__(self):
        super().__init__("anonymous", None)

    @property
    def h(self):
        return {}


@pytest.fixture
def anon():
    return Anonymous()


def html_login(name, password):
    s = requests.Session()
    page = s.get(BASE + "/login")
    token = CSRF.search(page.text).group(1)
    r = s.post(BASE + "/login", data={"_csrf": token, "username": name,
                                      "password": password},
               allow_redirects=False)
    assert r.status_code == 303, r.status_code
    return s


def csrf_of(session, path):
    return CSRF.search(session.get(BASE + path).text).group(1)


def new_post(user, title=None, body="Some text.", status=None):
    data = {"title": title or unique("Post"), "body": body}
    if status:
        data["status"] = status
    r = user.post("/api/v1/blog/posts", json=data)
    assert r.status_code == 201, r.text
    return r.json()["post"]


def approve(admin, post_id):
    r = admin.post(f"/api/v1/admin/moderation/post/{post_id}/approve",
                   json={})
    assert r.status_code == 200, r.text


def mails_to(address):
    d = os.environ["AGORA_MAIL_DIR"]
    out = []
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if name.endswith(".eml"):
            with open(os.path.join(d, name), "rb") as f:
                msg = email.message_from_bytes(f.read(),
                                               policy=policy.default)
            if msg["To"] == address:
                out.append(msg)
    return out
