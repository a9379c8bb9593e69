"""Benchmark-only settings: the example site, plus Wagtail's page API (v2) as a
baseline. Never used by the example site or the tests."""

from example_site.settings.base import *  # noqa: F403
from example_site.settings.base import INSTALLED_APPS, STORAGES

DEBUG = False
SECRET_KEY = "benchmark-only"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *(app for app in ("rest_framework", "wagtail.api.v2") if app not in INSTALLED_APPS),
]
ROOT_URLCONF = "benchmarks.urls"
# Compare at the same page sizes as GraphQL (Wagtail's default cap is 20).
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
# Budgets high enough that the benchmark measures speed, not the limits.
WAGTAIL_NETWORK = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
