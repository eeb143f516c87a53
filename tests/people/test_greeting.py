"""The home page greets a new account with a welcome, and only someone
who comes back (a home view more than 30 minutes after the last one)
with "Welcome back" and what is new since."""

import re


def h1(page):
    return re.search(r"<h1>(.*?)</h1>", page).group(1)


def test_a_new_account_is_welcomed_all_through_its_first_visit(new_user):
    fresh = new_user("gr_")
    for _ in range(3):
        r = fresh.html.get("/")
        assert r.status_code == 200
        assert h1(r.text) == "Welcome, %s" % fresh.username
        assert "Welcome back" not in r.text
    # Pages of the apps between two home views change nothing.
    assert fresh.html.get("/blog").status_code == 200
    assert h1(fresh.html.get("/").text) == "Welcome, %s" % fresh.username


def test_someone_who_comes_back_is_welcomed_back(new_user, away):
    user = new_user("gr_")
    user.html.get("/")
    away(user)
    back = user.html.get("/")
    assert h1(back.text) == "Welcome back, %s" % user.username
    assert "new since your last visit" in back.text
    since = re.search(r'new since your last visit, <time datetime="([^"]+)"',
                      back.text).group(1)
    # A second look in the same visit keeps the same baseline.
    again = user.html.get("/")
    assert h1(again.text) == "Welcome back, %s" % user.username
    assert 'your last visit, <time datetime="%s"' % since in again.text


def test_a_visitor_is_not_greeted(anon):
    r = anon.html.get("/")
    assert "Welcome" not in h1(r.text)
