"""Production: everything secret or host-specific comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL.
Optional: REDIS_URL (shared cache for several app servers), SECURE_SSL_REDIRECT
(default on; switch off when a proxy terminates TLS and redirects itself),
SECURE_HSTS_SECONDS (default one year), CSRF_TRUSTED_ORIGINS (comma-separated),
WAGTAILADMIN_BASE_URL, STATIC_ROOT (where collectstatic writes),
WAGTAIL_NETWORK_GRAPHQL_INTROSPECTION (``staff`` by default; ``1`` for everyone,
``0`` for no one), WAGTAIL_NETWORK_GRAPHQL_FIELD_SUGGESTIONS (off by default),
WAGTAIL_NETWORK_TRUSTED_PROXY_COUNT (reverse proxies in front of the app that append
to X-Forwarded-For; 0 by default), WAGTAIL_NETWORK_GRAPHQL_DOCUMENTS (``any`` by
default; ``trusted`` runs only registered documents), EMAIL_BACKEND, DEFAULT_FROM_EMAIL,
TASKS_BACKEND (``database`` by default, ``rq`` or ``immediate``: the notification e-mails' tasks).

docs/how-to/deployment.md walks through a deployment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = False

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.") from exc

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

if "WAGTAILADMIN_BASE_URL" in os.environ:
    WAGTAILADMIN_BASE_URL = os.environ["WAGTAILADMIN_BASE_URL"]


def _conn_max_age(raw: str) -> int | None:
    """Seconds a connection is kept (60 unless set; ``None``: for the process's life)."""
    raw = raw.strip()
    if not raw:
        return 60
    if raw.lower() == "none":
        return None
    try:
        return max(0, int(raw))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DB_CONN_MAX_AGE must be a number of seconds or None, not {raw!r}."
        ) from exc


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL waits for a lock forever by default; after DB_LOCK_TIMEOUT the
    # statement is refused and the request answers 503 BUSY with Retry-After.
    _options = dict(DATABASES["default"].get("OPTIONS", {}))
    _lock_timeout = f"-c lock_timeout={os.environ.get('DB_LOCK_TIMEOUT', '5s')}"
    _options["options"] = " ".join(filter(None, [_options.get("options"), _lock_timeout]))
    # Persistent connections: opening one per request (Django's default) cost more than
    # a cheap request's own work, and the database's backend start besides. Set
    # DB_CONN_MAX_AGE=0 behind PgBouncer in transaction mode.
    DATABASES = {
        **DATABASES,
        "default": {
            **DATABASES["default"],
            "OPTIONS": _options,
            "CONN_MAX_AGE": _conn_max_age(os.environ.get("DB_CONN_MAX_AGE", "")),
            "CONN_HEALTH_CHECKS": True,
        },
    }

# Compressed and content-hashed static files, served by whitenoise with far-future
# cache headers. They need `manage.py collectstatic` before the app starts: without
# its manifest every page would answer 500, so example_site/wsgi.py refuses to start.
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
if os.environ.get("STATIC_ROOT"):
    STATIC_ROOT = os.environ["STATIC_ROOT"]

# Several app servers behind a load balancer share one cache.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }

# HTTPS
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The header alone puts no domain on the browsers' preload list (that takes a
# submission), so it is safe to send by default.
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's preview views allow same-origin framing themselves.
X_FRAME_OPTIONS = "DENY"


def _introspection() -> bool | str:
    value = os.environ.get("WAGTAIL_NETWORK_GRAPHQL_INTROSPECTION", "staff").strip().lower()
    if value == "staff":
        return "staff"
    return value in {"1", "true", "yes", "on"}


# The GraphQL schema is not published by default: introspection only for staff (whose
# GraphiQL needs it) and no "Did you mean …?" hints that let anyone map the schema by
# guessing. Each is switched by an environment variable.
WAGTAIL_NETWORK = {
    **WAGTAIL_NETWORK,
    "GRAPHQL_INTROSPECTION": _introspection(),
    "GRAPHQL_FIELD_SUGGESTIONS": _env_bool("WAGTAIL_NETWORK_GRAPHQL_FIELD_SUGGESTIONS", False),
    "TRUSTED_PROXY_COUNT": int(os.environ.get("WAGTAIL_NETWORK_TRUSTED_PROXY_COUNT", "0")),
    # "trusted" once the frontend's documents are registered (register_graphql_documents).
    "GRAPHQL_DOCUMENTS": os.environ.get("WAGTAIL_NETWORK_GRAPHQL_DOCUMENTS", "any"),
    # Visitors' answers are cached only in a cache every worker shares (check W003).
    "GRAPHQL_RESPONSE_CACHE": bool(os.environ.get("REDIS_URL")),
}

globals().update(
    mail_settings(os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"))
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Notification e-mails are sent by tasks, never in the request: django-tasks-db
# keeps them in the database and `manage.py db_worker` (a service of its own, see
# docs/how-to/deployment.md) runs them. TASKS_BACKEND=immediate sends in-process
# instead (a single small machine without a worker; run
# `send_notification_digests --retries-only` every few minutes then); =rq for
# django-tasks-rq (`pip install django-tasks-rq`), whose workers are django-rq's:
# `manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler` (the
# scheduler runs the deferred retries).
_tasks_backend = os.environ.get("TASKS_BACKEND", "database")
if _tasks_backend == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif _tasks_backend == "rq":
    # Both apps: django-tasks-rq's backend checks for django_rq, whose RQ_QUEUES
    # must name every queue in QUEUES.
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
elif _tasks_backend == "immediate":
    TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is database, rq or immediate, not {_tasks_backend!r}."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
