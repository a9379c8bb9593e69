"""Settings for running the example site in automated tests: fast and quiet."""

from .base import *

DEBUG = False

SECRET_KEY = "django-insecure-wagtail-network-example-site-test-only"

ALLOWED_HOSTS = ["*"]

# The default hasher costs ~0.3 s per user; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Serve static files straight from the finders, as in development: no
# collectstatic step before tests (and no warning about a missing STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
