"""Local development: DEBUG on, any host, e-mail to the console."""

from .base import *

DEBUG = True

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
