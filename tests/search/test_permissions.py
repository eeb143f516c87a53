"""Who finds what: the permission matrix of the search, item by item and
person by person, against what the pages show the same person.

The people: anonymous, the author, another user, the two members of a
conversation, a user outside it (non-member) and an admin (with and
without the "include held items" switch).  The items: a published post,
a draft, a post waiting for review, a published post whose edit waits
for review (found by its published words only), a comment, a comment held for review, a comment rejected, a photo,
a message in a public room, a direct message, a deleted message, the
post, message and name of a user who was banned after writing them, and
a room.  Every item has a word of its own; each case searches for it.

The pages' answer comes from the pages' own endpoints (a post, its
comments, a photo, a room's messages): search and pages must agree, and
both must be what the matrix says.  An admin's pages show what an
admin's search shows with held items included.
"""

import pytest

from agora_kit.site import Blog, describe

from searchkit import Photos, word

FLAGGED = "Get cheap VIAGRA here, best prices."

PEOPLE = ["anon", "author", "other", "alice", "bob", "carol", "admin"]
SIGNED = set(PEOPLE) - {"anon"}
EVERYONE = set(PEOPLE)

# item: (kind, who finds it without held items, admin with held items)
MATRIX = {
    "post_published": ("post", EVERYONE, True),
    "post_draft": ("post", {"author"}, True),
    "post_pending": ("post", {"author"}, True),
    "post_edit_waiting": ("post", EVERYONE, True),
    "post_edit_text": ("post", set(), False),
    "comment": ("comment", EVERYONE, True),
    "comment_held": ("comment", {"other"}, True),
    "comment_rejected": ("comment", {"other"}, True),
    "comment_on_edited": ("comment", EVERYONE, True),
    "photo": ("photo", EVERYONE, True),
    "message_public": ("message", SIGNED, True),
    "message_dm": ("message", {"alice", "bob"}, False),
    "message_deleted": ("message", set(), False),
    "post_banned": ("post", set(), True),
    "message_banned": ("message", set(), False),
    "person_banned": ("person", set(), True),
    "person": ("person", EVERYONE, True),
    "room": ("room", SIGNED, True),
}


class World:
    pass


@pytest.fixture(scope="module")
def world(make_user, _session_api, admin, anon_module, chat, search):
    w = World()
    w.people = {
        "anon": anon_module,
        "author": make_user("sa_"),
        "other": make_user("so_"),
        "alice": make_user("sl_"),
        "bob": make_user("sb_"),
        "carol": make_user("sc_"),
        "admin": admin,
    }
    victim = make_user("sv_")
    blog = Blog(_session_api, admin)
    photos = Photos(admin)
    author, other = w.people["author"], w.people["other"]
    alice, bob = w.people["alice"], w.people["bob"]
    w.words, w.items, w.where = {}, {}, {}

    def text(name):
        w.words[name] = word()
        return w.words[name]

    p = blog.published(author, title="Notes " + text("post_published"),
                       body="A published post.")
    w.items["post_published"] = p["id"]
    published = p["id"]
    w.items["post_draft"] = blog.create(
        author, body="Draft " + text("post_draft"), status="draft")["id"]
    w.items["post_pending"] = blog.create(
        author, body="Pending " + text("post_pending"))["id"]
    assert blog.get(admin, w.items["post_pending"])["status"] == "pending"

    back = blog.published(author, body="Soon edited " +
                          text("post_edit_waiting"))
    w.items["post_edit_waiting"] = back["id"]
    w.items["post_edit_text"] = back["id"]

    c = blog.comment(other, published, "Kind words " + text("comment"))
    w.items["comment"], w.where["comment"] = c["id"], published
    c = blog.comment(other, published, FLAGGED + " " + text("comment_held"))
    w.items["comment_held"], w.where["comment_held"] = c["id"], published
    c = blog.comment(other, published, FLAGGED + " " +
                     text("comment_rejected"))
    w.items["comment_rejected"] = c["id"]
    w.where["comment_rejected"] = published
    # A comment on a post that is then edited.
    c = blog.comment(other, back["id"], "Early " + text("comment_on_edited"))
    w.items["comment_on_edited"] = c["id"]
    w.where["comment_on_edited"] = back["id"]

    ph = photos.published(author, "Sunset " + text("photo"))
    w.items["photo"] = ph["id"]

    room = chat.room(alice)
    w.room = room["id"]
    w.words["room"] = room["name"].split("-", 1)[1]
    w.items["room"] = room["id"]
    for name, sender in (("message_public", alice),
                         ("message_deleted", alice)):
        m = chat.send(sender, room["id"], "Hello " + text(name))
        w.items[name], w.where[name] = m["id"], room["id"]
    dm = chat.dm(alice, bob)
    m = chat.send(alice, dm["id"], "Psst " + text("message_dm"))
    w.items["message_dm"], w.where["message_dm"] = m["id"], dm["id"]

    w.items["person"] = author.id
    w.words["person"] = author.username
    vp = blog.published(victim, body="Before the ban " + text("post_banned"))
    w.items["post_banned"] = vp["id"]
    vm = chat.send(victim, room["id"], "Before the ban " +
                   text("message_banned"))
    w.items["message_banned"], w.where["message_banned"] = vm["id"], room["id"]
    w.items["person_banned"] = victim.id
    w.words["person_banned"] = victim.username

    # Everything is indexed: now the states change.
    for name in ("post_edit_waiting", "message_deleted", "post_banned",
                 "message_banned", "person_banned", "comment_on_edited"):
        assert search.found(other, w.words[name]), \
            "%s not found before its change" % name
    r = author.patch("/api/v1/blog/posts/%s" % back["id"],
                     json={"body": "Edited " + text("post_edit_text")})
    assert r.status_code == 200, describe(r)
    assert r.json()["post"]["status"] == "approved"
    assert r.json()["post"]["edit"]["status"] == "pending"
    r = alice.delete("/api/v1/chat/messages/%s" % w.items["message_deleted"])
    assert r.status_code == 204, describe(r)
    r = admin.post("/api/v1/admin/users/%s/ban" % victim.id, json={})
    assert r.status_code == 200, describe(r)
    anyone = w.people["carol"]
    blog.wait_hidden(anyone, published, w.items["comment_held"])
    blog.wait_hidden(anyone, published, w.items["comment_rejected"])
    blog.reject("comment", w.items["comment_rejected"], "Spam.")

    yield w
    photos.cleanup()
    blog.created.append(vp["id"])
    blog.cleanup()


def page_sees(w, chat, kind, name, who):
    """Whether the pages show item `name` to `who`."""
    actor = w.people[who]
    item = w.items[name]
    if kind == "post":
        # What readers of the post see: its public version's words.
        r = actor.get("/api/v1/blog/posts/%s" % item)
        assert r.status_code in (200, 404), describe(r)
        return r.status_code == 200 and w.words[name] in (
            r.json()["post"]["title"] + r.json()["post"]["body"])
    if kind == "comment":
        r = actor.get("/api/v1/blog/posts/%s/comments" % w.where[name])
        if r.status_code == 404:
            return False
        assert r.status_code == 200, describe(r)
        return any(int(c["id"]) == int(item) for c in r.json()["comments"])
    if kind == "photo":
        r = actor.get("/api/v1/photos/%s" % item)
        assert r.status_code in (200, 404), describe(r)
        return r.status_code == 200
    if kind == "message":
        ids = chat.message_ids(actor, w.where[name])
        return ids is not None and int(item) in ids
    if kind == "room":
        r = actor.get("/api/v1/chat/rooms/%s" % item)
        return r.status_code == 200
    return None		# people: every name has its page


CASES = [(name, who) for name in MATRIX for who in PEOPLE]


@pytest.mark.parametrize("name,who", CASES,
                         ids=["%s-%s" % c for c in CASES])
def test_matrix(world, search, chat, name, who):
    kind, finders, admin_held = MATRIX[name]
    actor = world.people[who]
    hit = (kind, int(world.items[name]))
    found = hit in search.found(actor, world.words[name])
    assert found == (who in finders), \
        "%s %s %s" % (who, "found" if found else "did not find", name)

    pages = page_sees(world, chat, kind, name, who)
    if who == "admin":
        held = hit in search.found(actor, world.words[name], held=1)
        assert held == admin_held, "admin with held items: %s" % name
        if pages is not None:
            assert pages == held, "admin's pages and search differ"
    elif pages is not None:
        assert pages == found, "the pages and the search differ"


def test_held_switch_is_for_admins_only(world, search):
    """A user asking for held items gets what they may see, no more."""
    other = world.people["other"]
    body = search.get(other, world.words["post_draft"], held=1)
    assert body["query"]["held"] is False
    assert body["results"] == []


def test_search_page_agrees(world, search):
    """The HTML page lists what the API lists, for the same person."""
    for who in ("anon", "author", "bob"):
        actor = world.people[who]
        for name in ("post_draft", "message_dm", "post_published"):
            page = search.page(actor, world.words[name])
            listed = ('class="hit hit-' in page)
            assert listed == bool(search.found(actor, world.words[name])), \
                (who, name)


def test_admin_page_has_the_switch(world, search):
    page = search.page(world.people["admin"], "anything")
    assert 'name="held"' in page
    assert 'name="held"' not in search.page(world.people["other"], "x")


def test_admin_area_offers_held_search(world):
    page = world.people["admin"].html.get("/admin").text
    assert 'action="/search"' in page and 'name="held"' in page
