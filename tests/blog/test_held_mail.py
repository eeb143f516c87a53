"""Held content stays held: the email that quotes a comment waits for
moderation.  A comment the moderate job holds is not mailed to the
post's author until an admin approves it (then with its text); a
rejected one is never mailed."""

import secrets


def spam(marker):
    return "%s %s" % (marker, " ".join(
        "http://spam.example/%s/%d" % (marker, i) for i in range(4)))


def quoting(mailbox, to, marker):
    """The messages to `to` whose decoded text or HTML has `marker`."""
    def text(m):
        return "".join(p.get_content() for p in m.walk()
                       if p.get_content_maintype() == "text")
    return [m for m in mailbox.messages(to) if marker in text(m)]


def test_held_comment_is_mailed_only_once_approved(author, other, anon,
                                                   blog, mailbox, helpers,
                                                   member):
    member(other)	# a new user's items hold at most 2 links
    post = blog.published(author)
    marker = "held" + secrets.token_hex(6)
    held = blog.comment(other, post["id"], spam(marker))
    blog.wait_hidden(anon, post["id"], held["id"])

    # A fine comment after it is mailed: the mail of the held one, had
    # it been sent, would be there by now (jobs run in order).
    fine = "fine" + secrets.token_hex(6)
    blog.comment(other, post["id"], "All good here, %s." % fine)
    helpers.wait_for(lambda: quoting(mailbox, author.email, fine),
                     what="the email about the fine comment")
    assert quoting(mailbox, author.email, marker) == []
    assert quoting(mailbox, author.email, "spam.example") == []

    blog.approve("comment", held["id"])
    msg = helpers.wait_for(lambda: quoting(mailbox, author.email, marker),
                           what="the email once approved")[0]
    assert "http://spam.example/%s/0" % marker in helpers.mail_text(msg)
    assert len(quoting(mailbox, author.email, marker)) == 1


def test_rejected_comment_is_never_mailed(author, other, anon, blog, mailbox,
                                          helpers, member):
    member(other)	# a new user's items hold at most 2 links
    post = blog.published(author)
    marker = "rej" + secrets.token_hex(6)
    held = blog.comment(other, post["id"], spam(marker))
    blog.wait_hidden(anon, post["id"], held["id"])
    blog.reject("comment", held["id"], "Link spam.")
    mailbox.wait(other.email, "Your comment was removed")

    fine = "after" + secrets.token_hex(6)
    blog.comment(other, post["id"], "Something else, %s." % fine)
    helpers.wait_for(lambda: quoting(mailbox, author.email, fine),
                     what="the email about the later comment")
    assert quoting(mailbox, author.email, marker) == []
