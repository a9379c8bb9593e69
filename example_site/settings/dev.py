"""Local development: DEBUG on, any host, e-mail to the console."""

import os

from .base import *

DEBUG = True

# Links in Wagtail's admin e-mails name the origin `make demo` serves on.
WAGTAILADMIN_BASE_URL = f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"

# SECURITY WARNING: this key is for local development only.
SECRET_KEY = "django-insecure-wagtail-network-example-site-dev-only"

ALLOWED_HOSTS = ["*"]

# Any origin may call the GraphQL endpoint in development (without cookies: a
# cross-origin client authenticates with a bearer token) unless CORS_ALLOWED_ORIGINS
# names the allowed ones.
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS

globals().update(mail_settings("django.core.mail.backends.console.EmailBackend"))

try:
    from .local import *  # noqa: F401  (untracked per-developer overrides)
except ImportError:
    pass
