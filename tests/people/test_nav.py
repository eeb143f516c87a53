"""The signed-in user's name in the navigation is a menu that needs no
script (a <details>): profile, settings, and logging out, which stays a
POST form with its CSRF field."""

import re

from agora_kit.web import find_csrf


def menu(page):
    m = re.search(r'<details class="dropdown user-menu">.*?</details>', page,
                  re.S)
    assert m, "no account menu"
    return m.group(0)


def test_the_name_opens_a_menu_of_profile_settings_and_log_out(new_user):
    user = new_user("nv_")
    for path in ("/", "/blog", "/u/%s" % user.username):
        m = menu(user.html.get(path).text)
        assert re.search(r'<summary class="who"[^>]*>.*<span>%s</span>'
                         r'</summary>' % user.username, m)
        assert '<a href="/u/%s" dir="ltr">Profile</a>' % user.username in m
        assert '<a href="/settings" dir="ltr">Settings</a>' in m
        form = re.search(r'<form method="post" action="/logout".*?</form>',
                         m, re.S).group(0)
        assert find_csrf(form), "the log-out form has no CSRF field"
        assert '<button type="submit"' in form


def test_visitors_have_no_menu(anon):
    page = anon.html.get("/").text
    assert "user-menu" not in page
    assert '<a href="/login">Log in</a>' in page


def test_logging_out_from_the_menu_needs_the_csrf_field(new_user):
    user = new_user("nv_")
    r = user.html.logout(csrf=False)
    assert r.status_code == 403
    assert "user-menu" in user.html.get("/").text
    r = user.html.logout()
    assert r.status_code == 303
    assert "user-menu" not in user.html.get("/").text
