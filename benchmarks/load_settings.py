"""Settings of the load benchmark (benchmarks/graphql_load.py): the example site's
production settings (DEBUG off, Redis cache, the GraphQL path's production defaults)
served over plain HTTP on 127.0.0.1, plus the floor's views and Wagtail's page API v2.

The cost budget: every client of the run (16 members, each with its own token, and
the visitors, who all come from 127.0.0.1 and so share one address's budget) would
be throttled within seconds at the default 250,000 points a minute; the run raises
``GRAPHQL_COST_PER_MINUTE`` (see docs/how-to/api-auth.md) so that it measures speed,
and any ``THROTTLED`` answer would still count as an error.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "load-benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The run collects the static files here first, as a deployment does.
os.environ.setdefault("STATIC_ROOT", os.path.join(tempfile.gettempdir(), "wn-load-static"))

from example_site.settings.production import *  # noqa: E402, F403
from example_site.settings.production import INSTALLED_APPS, WAGTAIL_NETWORK  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *(app for app in ("rest_framework", "wagtail.api.v2") if app not in INSTALLED_APPS),
]
ROOT_URLCONF = "benchmarks.load_urls"
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_NETWORK = {**WAGTAIL_NETWORK, "GRAPHQL_COST_PER_MINUTE": 10**9}
# Wagtail's stock page API v2 is the baseline (check E011 flags it, rightly).
SILENCED_SYSTEM_CHECKS = ["wagtail_network.E011"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
