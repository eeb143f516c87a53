"""Search suite: the clients, actors and fixtures of agora_kit.site,
plus the helpers of searchkit.py."""

import pytest

from agora_kit.site import *  # noqa: F401,F403 (the shared fixtures)
from agora_kit.site import Actor

from searchkit import Chat, Photos, Search


@pytest.fixture(scope="session")
def search():
    return Search()


@pytest.fixture(scope="session")
def chat():
    return Chat()


@pytest.fixture
def photos(admin):
    p = Photos(admin)
    yield p
    p.cleanup()


@pytest.fixture(scope="module")
def anon_module(_session_api, _session_html):
    return Actor(_session_api, _session_html)
