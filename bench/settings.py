"""The portal's settings with the bench's URLs (the portal's, plus the logged-in floor)."""

from mtw_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
