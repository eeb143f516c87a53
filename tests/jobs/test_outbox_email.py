"""The transactional outbox and the email job, end to end."""

import subprocess
import time

import requests

from conftest import (BASE, mails_to, psql, redis_raw, site_url, unique,
                      wait_for, enqueue)
import os


def register(name):
    return requests.post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": f"{name}@example.org",
        "password": "correct horse battery"}, timeout=10)


def test_welcome_email_has_proper_headers_and_parts():
    name = unique("m")
    assert register(name).status_code == 201
    msgs = wait_for(lambda: mails_to(f"{name}@example.org"), timeout=20,
                    what="the welcome email")
    msg = msgs[0]
    assert name in msg["Subject"]
    assert msg["From"] and msg["Date"] and msg["Message-ID"]
    assert msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text.get_content_charset() == "utf-8"
    assert html.get_content_charset() == "utf-8"
    assert name in text.get_content() and name in html.get_content()
    assert site_url() in text.get_content()
    # Recorded once as sent, so a redelivered job would not mail again.
    rows = psql("SELECT count(*) FROM sent_emails WHERE recipient = :'p1'",
                f"{name}@example.org")
    assert rows == [["1"]]
    # The outbox row is gone once the job is done.
    time.sleep(0.5)
    rows = psql("SELECT count(*) FROM job_outbox WHERE args->>'to' = :'p1'",
                f"{name}@example.org")
    assert rows == [["0"]]


def test_non_ascii_template_fields_are_encoded_and_escaped():
    to = f"{unique('n')}@example.org"
    enqueue("email", "critical", {
        "template": "post_approved", "to": to, "username": "bob",
        "title": "Héllo <wörld> & more", "path": "/blog/1"})
    msg = wait_for(lambda: mails_to(to), what="the email")[0]
    assert "Héllo <wörld> & more" in msg["Subject"]
    assert "Héllo <wörld> & more" in msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "H\u00e9llo &lt;w\u00f6rld&gt; &amp; more" in html
    assert "<wörld>" not in html
    assert site_url() + "/blog/1" in html


def test_post_made_while_redis_is_down_is_processed_after(tmp_path):
    sock = os.environ["AGORA_REDIS_SOCK"]
    name = unique("r")
    subprocess.run(["redis-cli", "-s", sock, "shutdown", "nosave"],
                   capture_output=True)
    try:
        wait_for(lambda: subprocess.run(["redis-cli", "-s", sock, "ping"],
                                        capture_output=True).returncode != 0,
                 what="redis to stop")
        r = register(name)
        assert r.status_code == 201, r.text
        rows = psql("SELECT count(*) FROM job_outbox "
                    "WHERE args->>'to' = :'p1'", f"{name}@example.org")
        assert rows == [["1"]]
    finally:
        subprocess.run(os.environ["AGORA_REDIS_RESTART"], shell=True,
                       check=True, capture_output=True)
    # The relay pushes the owed job; the worker reconnects and sends it.
    wait_for(lambda: mails_to(f"{name}@example.org"), timeout=40,
             what="the welcome email after redis came back")
    wait_for(lambda: psql("SELECT count(*) FROM job_outbox WHERE "
                          "args->>'to' = :'p1'",
                          f"{name}@example.org") == [["0"]],
             timeout=20, what="the outbox row to go")
