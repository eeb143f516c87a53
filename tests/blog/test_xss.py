"""Every text field is inert against an XSS corpus on every page."""

import re

import pytest
import requests

from conftest import BASE, approve, html_login, new_post, wait_for

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
    "<iframe src=//evil.example></iframe>",
    "[x](vbscript:msgbox(1))",
    "'><body onload=alert(1)>",
]

DANGER = [
    re.compile(r"<script", re.I),
    re.compile(r"<(img|svg|body|iframe|a)\b[^>]*\son\w+\s*=", re.I),
    re.compile(r"(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):",
               re.I),
    re.compile(r"<iframe", re.I),
    re.compile(r"<svg", re.I),
]


def assert_inert(html, where):
    for pat in DANGER:
        m = pat.search(html)
        assert m is None, f"{where}: {m.group(0)!r}"


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_is_inert_everywhere(payload, author, admin):
    title = ("T " + payload)[:200].replace("\n", " ")
    post = new_post(author, title=title, body=f"Intro\n\n{payload}\n")
    pid = post["id"]
    # Before approval it sits in the admin moderation page with a preview.
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {admin.token}"
    mod = requests.get(BASE + "/api/v1/admin/moderation",
                       headers=admin.h).json()
    assert any(i["item_id"] == pid for i in mod["items"])
    approve(admin, pid)
    r = author.post(f"/api/v1/blog/posts/{pid}/comments",
                    json={"body": payload})
    assert r.status_code == 201

    pages = {
        "post": requests.get(BASE + post["url"]).text,
        "user": requests.get(BASE + f"/blog/u/{author.name}").text,
        "feed": requests.get(BASE + "/blog/feed.atom").text,
        "api": author.get(f"/api/v1/blog/posts/{pid}").json()["post"]["html"],
    }
    wait_for(lambda: title.split()[1][:3] and
             requests.get(BASE + "/blog").status_code == 200)
    pages["index"] = requests.get(BASE + "/blog").text
    for where, html in pages.items():
        if where == "feed":
            # In the feed the HTML is escaped once more as XML text.
            assert "<script" not in html.lower()
            continue
        assert_inert(html, where)


def test_admin_moderation_page_escapes_previews(author, admin):
    payload = "<script>alert('mod')</script>"
    new_post(author, title="Mod " + payload, body=payload)
    with open(__import__("os").environ["AGORA_ADMIN_PASSWORD_FILE"]) as f:
        s = html_login("admin", f.read().strip())
    html = s.get(BASE + "/admin/moderation").text
    assert_inert(html, "moderation")
    assert "&lt;script&gt;alert(&#39;mod&#39;)&lt;/script&gt;" in html
