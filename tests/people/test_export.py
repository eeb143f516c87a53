"""The data export: begun on /settings or with POST /api/v1/me/export,
built by the worker's export job into a .zip of data.json and the
photos' originals, downloadable by its user alone for a day, then
removed; one at a time and three a day."""

import io
import json
import os
import secrets
import zipfile

from agora_kit.site import mail_text, read_config_value
from agora_kit.web import assert_problem, describe, location

EXPORT = "/api/v1/me/export"


def wait_export(actor, helpers, state="ready"):
    def done():
        r = actor.get(EXPORT)
        assert r.status_code == 200, describe(r)
        e = r.json()["export"]
        return e if e is not None and e["state"] == state else None
    return helpers.wait_for(done, timeout=60, what="the export to be built")


def download(actor, export):
    r = actor.get(export["download_url"])
    assert r.status_code == 200, describe(r)
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    assert "no-store" in r.headers["cache-control"]
    return zipfile.ZipFile(io.BytesIO(r.content))


def dm(actor, other):
    r = actor.post("/api/v1/chat/dm/%s" % other.username)
    assert r.status_code in (200, 201), describe(r)
    return r.json()["room"]["id"]


def send(actor, room, body):
    r = actor.post("/api/v1/chat/rooms/%s/messages" % room,
                   json={"body": body})
    assert r.status_code == 201, describe(r)
    return r.json()["message"]


def export_now(actor, helpers):
    r = actor.post(EXPORT)
    assert r.status_code == 202, describe(r)
    e = r.json()["export"]
    assert e["state"] in ("queued", "building", "ready")
    return wait_export(actor, helpers)


def test_archive_holds_what_the_user_made_and_nothing_else(
        new_user, blog, photo, helpers, mailbox, psql):
    me, friend = new_user("ex_"), new_user("exf_")
    mine = blog.published(me, body="My own words %s" % secrets.token_hex(4))
    theirs = blog.published(friend, body="Friend's words, not mine.")
    my_comment = blog.comment(me, theirs["id"], "I comment %s" %
                              secrets.token_hex(3))
    their_comment = blog.comment(friend, mine["id"], "Friend comments %s" %
                                 secrets.token_hex(3))
    pid = photo(me, "my cat %s" % secrets.token_hex(3))
    other_pid = photo(friend, "friend's photo")
    room = dm(me, friend)
    said = send(me, room, "my DM %s" % secrets.token_hex(4))
    heard = send(friend, room, "their DM %s" % secrets.token_hex(4))
    r = me.post("/api/v1/users/%s/follow" % friend.username)
    assert r.status_code in (200, 201, 204), describe(r)

    e = export_now(me, helpers)
    assert e["bytes"] > 0 and e["expires_at"]
    z = download(me, e)
    data = json.loads(z.read("data.json"))

    assert data["profile"]["username"] == me.username
    assert data["profile"]["email"] == me.email
    assert [p["id"] for p in data["posts"]] == [int(mine["id"])]
    assert data["posts"][0]["body"] == mine["body"]
    assert data["posts"][0]["revisions"], "revisions are included"
    assert [c["id"] for c in data["comments"]] == [int(my_comment["id"])]
    assert [p["id"] for p in data["photos"]] == [int(pid)]
    assert [m["body"] for m in data["chat_messages"]] == [said["body"]]
    assert data["chat_messages"][0]["room"] == friend.username
    assert data["following"] == [friend.username]

    # The original is in the archive, byte for byte.
    sha = psql("SELECT m.sha256 || '.' || m.format FROM photos p JOIN"
               " media_files m ON m.id = p.media_id WHERE p.id = :'p1'",
               pid)[0]
    name = data["photos"][0]["file"]
    assert name == "photos/%s.jpg" % pid
    orig = os.path.join(read_config_value("AGORA_MEDIA_DIR"), "orig",
                        sha.replace(".jpeg", ".jpg"))
    with open(orig, "rb") as f:
        assert z.read(name) == f.read()
    assert sorted(z.namelist()) == ["data.json", name]

    # Nothing of anyone else's.
    everything = z.read("data.json").decode()
    for foreign in (theirs["body"], their_comment["body"], heard["body"],
                    "friend's photo"):
        assert foreign not in everything
    assert "photos/%s." % other_pid not in everything

    msg = mailbox.wait(me.email, "Your Agora data is ready")
    assert "/settings#export" in mail_text(msg)


def test_link_is_for_its_user_only(new_user, helpers, anon):
    me, stranger = new_user("ex_"), new_user("exs_")
    e = export_now(me, helpers)
    url = e["download_url"]

    assert stranger.get(url).status_code == 404
    assert stranger.html.get(url).status_code == 404
    r = anon.html.get(url, allow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in location(r)
    # Signed in through the browser, it downloads too.
    r = me.html.get(url)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # The other user's own state knows nothing of it.
    assert stranger.get(EXPORT).json()["export"] is None


def test_link_expires_and_the_file_goes(new_user, helpers, psql):
    me = new_user("ex_")
    e = export_now(me, helpers)
    path = os.path.join(read_config_value("AGORA_MEDIA_DIR"), "exports",
                        "export-%s.zip" % e["id"])
    assert os.path.exists(path)

    psql("UPDATE data_exports SET expires_at = now() - interval '1 second'"
         " WHERE id = :'p1'", e["id"])
    assert me.get(e["download_url"]).status_code == 404
    assert "download_url" not in me.get(EXPORT).json()["export"]
    helpers.wait_for(lambda: not os.path.exists(path), timeout=60,
                     what="the sweep to remove the expired export")
    helpers.wait_for(lambda: me.get(EXPORT).json()["export"]["state"] ==
                     "expired", what="the export to be marked expired")


def test_one_at_a_time_and_three_a_day(new_user, helpers, psql):
    me = new_user("ex_")
    # One waiting its turn (no job: it stays so): another is refused.
    fake = psql("INSERT INTO data_exports (user_id, created_at)"
                " VALUES (:'p1', now() - interval '2 days') RETURNING id",
                me.id)[0]
    r = me.post(EXPORT)
    assert_problem(r, 429)
    assert r.headers.get("retry-after")
    assert "already" in r.json()["detail"]
    assert me.get(EXPORT).json()["export"]["state"] == "queued"
    psql("DELETE FROM data_exports WHERE id = :'p1'", fake)

    for _ in range(3):
        export_now(me, helpers)
    r = me.post(EXPORT)
    assert_problem(r, 429)
    assert "today" in r.json()["detail"]
    assert psql("SELECT count(*) FROM data_exports WHERE user_id = :'p1'",
                me.id) == ["3"]


def test_settings_page_shows_progress_then_the_link(new_user, helpers):
    me = new_user("ex_")
    page = me.html.get("/settings").text
    assert 'action="/settings/export"' in page

    r = me.form("/settings/export", page="/settings")
    assert r.status_code == 303, describe(r)
    assert location(r, fragment=True) == "/settings?saved=export#export"
    r = me.html.get("/settings")
    assert 'id="export"' in r.text
    if 'data-state="ready"' not in r.text:
        assert r.headers.get("refresh"), "the page refreshes while it builds"
    e = wait_export(me, helpers)
    r = me.html.get("/settings")
    assert 'href="%s"' % e["download_url"] in r.text
    assert r.headers.get("refresh") is None

    # Without the CSRF token nothing is begun.
    r = me.form("/settings/export", page="/settings", csrf=None)
    assert r.status_code == 403
