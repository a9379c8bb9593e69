"""Settings for the test suite: the example site's, made fast and isolated.

The database comes from DATABASE_URL (PostgreSQL in CI's second leg), SQLite when
unset; pytest-django creates a separate test database per xdist worker.

TEST_USER_MODEL=email runs the suite on a host's e-mail login user model with no
``username`` (tests/testapp, ``testapp.EmailUser``); unset, Django's default
``auth.User``. CI's PostgreSQL leg sets it.
"""

import os
import tempfile

from django.core.exceptions import ImproperlyConfigured

from example_site.settings.base import *

DEBUG = False

TEST_USER_MODEL = os.environ.get("TEST_USER_MODEL", "default").strip().lower() or "default"
if TEST_USER_MODEL == "email":
    # Only then: installed beside an active auth.User, its groups/permissions
    # reverse accessors would clash with auth.User's.
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
    AUTH_USER_MODEL = "testapp.EmailUser"
elif TEST_USER_MODEL != "default":
    raise ImproperlyConfigured(
        f"TEST_USER_MODEL must be 'email' or unset (or 'default'), not {TEST_USER_MODEL!r}."
    )

SECRET_KEY = "django-insecure-wagtail-network-tests-only"

ALLOWED_HOSTS = ["*"]

# The default PBKDF2 hasher costs ~0.3 s per user; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))

# Per-process cache: no state shared between xdist workers or test runs.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "wagtail-network-tests",
    }
}

# Uploaded images and renditions go to a throwaway directory, never into the repo.
MEDIA_ROOT = tempfile.mkdtemp(prefix="wagtail-network-test-media-")

# No manifest needed for collectstatic-free test runs.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}

WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files straight from the finders, as in development: no
# collectstatic step before tests (and no warning about a missing STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test process has its own memory cache and is the only process using it, so the
# shared-cache warning of the GraphQL response cache (W003) does not apply here.
SILENCED_SYSTEM_CHECKS = ["wagtail_network.W003"]
