"""The site around the apps: the home page, the layout every page shares
(navigation, times, favicon), static assets, empty states and refusals.
The clients, actors and fixtures of the blog suite (agora_kit.site)."""

from agora_kit.site import *  # noqa: F401,F403
