"""Settings for the test suite: the example site's, made fast and isolated.

The database comes from DATABASE_URL (PostgreSQL in CI's second leg), SQLite when
unset; pytest-django creates a separate test database per xdist worker.
"""

import tempfile

from example_site.settings.base import *

DEBUG = False

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
