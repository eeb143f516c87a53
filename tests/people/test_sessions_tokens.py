"""The sessions list on /settings (and /api/v1/me/sessions): when each
browser signed in and was last seen, from where and with what; end one
or all others, never someone else's.  The API tokens page: make one with
a name and an optional expiry, its secret shown once, list, revoke."""

import asyncio
import re
import time

import websockets

from agora_kit.web import assert_problem, location

# AGORA_CREDENTIAL_CACHE_MS of the test stack (3,000), and a margin.
CREDENTIAL_CACHE_S = 3.5

UA = ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
      "Firefox/128.0")


def browser(user, html_client, agent=UA):
    c = html_client()
    c.http.headers["User-Agent"] = agent
    r = c.login(user.username, user.password)
    assert r.status_code == 303
    return c


def session_items(page):
    return re.findall(r'<li class="session">.*?</li>', page, re.S)


def signed_in(c):
    return "user-menu" in c.get("/").text


def test_the_list_shows_each_browser(new_user, html_client):
    user = new_user("ss_")
    browser(user, html_client)
    page = user.html.get("/settings").text
    items = session_items(page)
    assert len(items) == 2, items
    mine = [i for i in items if "this browser" in i]
    other = [i for i in items if "this browser" not in i]
    assert len(mine) == 1 and len(other) == 1
    assert "<strong>Firefox on Linux</strong>" in other[0]
    assert "127.0.0.1" in other[0]
    assert other[0].count("<time datetime=") == 2
    assert 'action="/settings/sessions/' in other[0]
    assert 'action="/settings/sessions/' not in mine[0]
    assert 'action="/settings/sessions/end-others"' in page


def test_the_api_lists_sessions_without_their_secrets(new_user,
                                                      html_client):
    user = new_user("ss_")
    browser(user, html_client)
    r = user.get("/api/v1/me/sessions")
    assert r.status_code == 200, r.text
    sessions = r.json()["sessions"]
    assert len(sessions) == 1
    s = sessions[0]
    assert set(s) == {"id", "created_at", "last_seen_at", "address",
                      "user_agent", "current"}
    assert s["user_agent"] == UA and s["current"] is False


def test_a_hostile_user_agent_is_kept_as_text(new_user, html_client):
    user = new_user("ss_")
    browser(user, html_client, agent="<script>alert(1)</script>")
    page = user.html.get("/settings").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_last_seen_follows_use(new_user, html_client, psql):
    user = new_user("ss_")
    c = browser(user, html_client)
    psql("UPDATE sessions SET last_seen_at = now() - interval '2 hours',"
         " address = '' WHERE user_id = :'p1'", user.id)
    c.get("/")
    seen = psql("SELECT count(*) FROM sessions WHERE user_id = :'p1' AND"
                " last_seen_at > now() - interval '1 minute' AND"
                " address = '127.0.0.1'", user.id)
    assert seen == ["1"]


def test_ending_one_session_signs_that_browser_out(new_user, html_client):
    user = new_user("ss_")
    c = browser(user, html_client)
    sid = user.get("/api/v1/me/sessions").json()["sessions"][0]["id"]
    user.html.get("/settings")

    async def go():
        cookie = "; ".join("%s=%s" % kv for kv in c.cookies.items())
        ws = await websockets.connect(
            c.base_url.replace("http", "ws", 1) + "/chat/ws",
            extra_headers={"Cookie": cookie, "Origin": c.base_url})
        r = user.form("/settings/sessions/%s/end" % sid, page="/settings")
        assert r.status_code == 303, r.text
        assert location(r, fragment=True) == \
            "/settings?saved=session#sessions"
        try:
            await asyncio.wait_for(ws.wait_closed(), 2)
            return True
        except asyncio.TimeoutError:
            return False

    assert asyncio.run(go()), "the ended session's socket stayed open"
    assert not signed_in(c)
    assert signed_in(user.html)
    assert "That browser was signed out." in user.html.get(
        "/settings?saved=session").text


def test_end_every_other_session(new_user, html_client):
    user = new_user("ss_")
    others = [browser(user, html_client) for _ in range(2)]
    r = user.form("/settings/sessions/end-others", page="/settings")
    assert r.status_code == 303
    assert not any(signed_in(c) for c in others)
    assert signed_in(user.html)
    assert len(session_items(user.html.get("/settings").text)) == 1
    # The API too, and it keeps the caller's own.
    c = browser(user, html_client)
    r = user.delete("/api/v1/me/sessions")
    assert r.status_code == 200 and r.json()["ended"] == 2  # c and html
    assert not signed_in(c)


def test_nobody_ends_someone_elses_session(new_user, html_client):
    user = new_user("ss_")
    other = new_user("so_")
    c = browser(user, html_client)
    sid = user.get("/api/v1/me/sessions").json()["sessions"][0]["id"]
    r = other.form("/settings/sessions/%s/end" % sid, page="/settings")
    assert r.status_code == 404
    assert_problem(other.delete("/api/v1/me/sessions/%s" % sid), 404)
    assert signed_in(c)
    # And not without the form's CSRF field.
    r = user.form("/settings/sessions/%s/end" % sid, page="/settings",
                  csrf=None)
    assert r.status_code == 403
    assert signed_in(c)
    assert user.delete("/api/v1/me/sessions/%s" % sid).status_code == 204
    assert not signed_in(c)


# ---------------------------------------------------------------- tokens

def test_the_tokens_page_needs_an_account(anon):
    r = anon.html.get("/settings/tokens")
    assert r.status_code == 303
    assert location(r).startswith("/login?next=")


def test_make_a_token_see_it_once_use_it_and_revoke_it(new_user, api):
    user = new_user("tk_")
    page = user.html.get("/settings/tokens").text
    assert page.count('<li class="token">') == 1   # the one it logged in with
    r = user.form("/settings/tokens", {"name": "backup <script>",
                                       "expires": "30"},
                  page="/settings/tokens")
    assert r.status_code == 201, r.text
    secret = re.search(r'value="([0-9a-f]{64})" id="new-token"',
                       r.text).group(1)
    assert "shown only this once" in r.text
    assert "backup &lt;script&gt;" in r.text
    assert api.get("/api/v1/me", token=secret).status_code == 200
    tokens = user.get("/api/v1/tokens").json()["tokens"]
    made = [t for t in tokens if t["name"] == "backup <script>"]
    assert len(made) == 1 and made[0]["expires_at"] is not None
    again = user.html.get("/settings/tokens").text
    assert secret not in again
    assert "expires <time" in again
    r = user.form("/settings/tokens/%s/revoke" % made[0]["id"],
                  page="/settings/tokens")
    assert r.status_code == 303
    assert location(r) == "/settings/tokens?revoked=1"
    assert api.get("/api/v1/me", token=secret).status_code == 401


def test_the_tokens_page_refuses_forgeries_and_others_tokens(new_user, api):
    user = new_user("tk_")
    other = new_user("to_")
    r = user.form("/settings/tokens", {"name": "x"}, page="/settings/tokens",
                  csrf=None)
    assert r.status_code == 403
    made = user.post("/api/v1/tokens", json={"name": "mine"}).json()
    r = other.form("/settings/tokens/%s/revoke" % made["id"],
                   page="/settings/tokens")
    assert r.status_code == 404
    r = user.form("/settings/tokens/%s/revoke" % made["id"],
                  page="/settings/tokens", csrf=None)
    assert r.status_code == 403
    assert api.get("/api/v1/me", token=made["token"]).status_code == 200
    r = user.form("/settings/tokens", {"name": "x", "expires": "12"},
                  page="/settings/tokens")
    assert r.status_code == 422
    r = user.form("/settings/tokens", {"name": "n" * 101},
                  page="/settings/tokens")
    assert r.status_code == 422 and "At most 100 characters" in r.text


def test_token_expiry_in_the_api(new_user, api, psql):
    user = new_user("te_")
    for bad in (0, -1, 3651, "30", 1.5):
        body = assert_problem(user.post("/api/v1/tokens", json={
            "name": "t", "expires_in_days": bad}), 422)
        assert "expires_in_days" in body["errors"], bad
    r = user.post("/api/v1/tokens", json={"name": "t",
                                          "expires_in_days": 7})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["expires_at"] is not None
    never = user.post("/api/v1/tokens", json={"name": "n"}).json()
    assert never["expires_at"] is None
    assert api.get("/api/v1/me", token=made["token"]).status_code == 200
    # Once expired, it signs nobody in, and the page says so.
    psql("UPDATE api_tokens SET expires_at = now() - interval '1 second'"
         " WHERE id = :'p1'", made["id"])
    # Changed behind the site's back (no revocation event): each worker
    # may trust what it resolved for the credential cache's age.
    time.sleep(CREDENTIAL_CACHE_S)
    assert api.get("/api/v1/me", token=made["token"]).status_code == 401
    assert "<mark>expired</mark>" in user.html.get("/settings/tokens").text
    listed = {t["id"]: t for t in user.get("/api/v1/tokens")
              .json()["tokens"]}
    assert listed[made["id"]]["expired"] is True
    assert listed[never["id"]]["expired"] is False
