"""The forgotten-password flow: /forgot mails a single-use link valid for
an hour, /reset sets the new password and ends the user's sessions."""

import re

import requests

from conftest import BASE, mails_to, psql, site_url, unique, wait_for

CSRF = re.compile(r'name="_csrf" value="([0-9a-f]{64})"')


def form_csrf(session, path):
    r = session.get(BASE + path)
    assert r.status_code == 200, r.status_code
    return CSRF.search(r.text).group(1)


def register(name, password):
    r = requests.post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": f"{name}@example.org",
        "password": password})
    assert r.status_code == 201, r.text


def login(name, password):
    return requests.post(BASE + "/api/v1/auth/login", json={
        "username": name, "password": password}).status_code


def ask_reset(session, email):
    token = form_csrf(session, "/forgot")
    return session.post(BASE + "/forgot", data={"_csrf": token,
                                                "email": email})


def test_reset_by_email_link_once():
    name = unique("p")
    register(name, "the old password")
    s = requests.Session()

    r = ask_reset(s, f"{name}@example.org")
    assert r.status_code == 200 and "we sent it a link" in r.text

    def reset_mail():
        return [m for m in mails_to(f"{name}@example.org")
                if "Reset" in m["Subject"]]
    msg = wait_for(reset_mail, timeout=20, what="the reset email")[0]
    text = msg.get_body(("plain",)).get_content()
    link = re.search(re.escape(site_url()) + r"(/reset\?token=[0-9a-f]{64})",
                     text).group(1)
    # The token is stored only as a hash.
    token = link.split("=")[1]
    assert psql("SELECT count(*) FROM password_resets WHERE "
                "encode(token_hash, 'hex') = :'p1'", token) == [["0"]]

    page = s.get(BASE + link)
    assert page.status_code == 200
    csrf = CSRF.search(page.text).group(1)
    r = s.post(BASE + "/reset", data={"_csrf": csrf, "token": token,
                                      "password": "short"})
    assert r.status_code == 422
    r = s.post(BASE + "/reset", data={"_csrf": csrf, "token": token,
                                      "password": "a brand new password"},
               allow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")

    assert login(name, "the old password") == 401
    assert login(name, "a brand new password") == 200

    # Single use.
    assert s.get(BASE + link).status_code == 410
    r = s.post(BASE + "/reset", data={"_csrf": csrf, "token": token,
                                      "password": "yet another password"})
    assert r.status_code == 410
    assert login(name, "a brand new password") == 200


def test_unknown_address_gets_the_same_answer():
    s = requests.Session()
    known = unique("k")
    register(known, "some password here")
    a = ask_reset(s, f"{known}@example.org")
    b = ask_reset(s, f"{unique('nobody')}@example.org")
    assert a.status_code == b.status_code == 200
    strip = re.compile(r'name="_csrf" value="[0-9a-f]+"')
    assert strip.sub("", a.text) == strip.sub("", b.text)


def test_bad_links_are_refused():
    s = requests.Session()
    assert s.get(BASE + "/reset?token=nothex").status_code == 400
    assert s.get(BASE + "/reset?token=" + "0" * 64).status_code == 410


def test_reset_needs_csrf():
    r = requests.post(BASE + "/forgot", data={"email": "x@example.org"})
    assert r.status_code == 403
