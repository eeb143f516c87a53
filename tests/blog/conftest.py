"""Fixtures of the black-box tests of the blog: all of them are shared
with the chat and photos suites and live in agora_kit.site.

The tests talk to a running server (AGORA_TEST_URL) and to what it leaves
behind (the dev SMTP sink's .eml files in AGORA_MAIL_DIR); nothing is
mocked.  Every test makes its own users and posts with random names, so
the suite runs in any order and again and again against one database.
Posts a test creates through the `blog` fixture are deleted when the test
ends, so the admin moderation queue does not fill up with leftovers.
"""

from agora_kit.site import *  # noqa: F401,F403 (the fixtures)
