"""Settings shared by every environment of the example site.

The example site is a plain Wagtail project with wagtail-network installed the way
the README tells integrators to install it. Environment-specific modules (dev,
test, production) star-import this one and override what differs.
"""

import os
import re
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dj_database_url
import django

PROJECT_DIR = Path(__file__).resolve().parent.parent  # example_site/
BASE_DIR = PROJECT_DIR.parent  # the repository root


# Application definition

INSTALLED_APPS = [
    "example_site.home",
    "example_site.demo",
    # The plugin: its apps, then the two libraries it builds on.
    "wagtail_network",
    "graphql_schema",
    # CORS for frontends on other origins (docs/how-to/cors.md).
    "corsheaders",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "guardian",
    "strawberry_django",
    # htmx for the member's in-place actions (served from django-htmx's static files).
    "django_htmx",
    # The database backend of Django's tasks framework (the notification e-mails;
    # settings/production.py uses it, dev and demo run tasks at once).
    "django_tasks_db",
    # Wagtail's page API, served through the network's visibility-aware endpoint.
    "rest_framework",
    "wagtail.api.v2",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: a request that met a busy database (SQLite's single writer) answers
    # 503 with Retry-After, even when the error came from a middleware below.
    "wagtail_network.busy.DatabaseBusyMiddleware",
    # Before CommonMiddleware: answers CORS preflights for the GraphQL endpoint.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves compressed, hashed static files without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# guardian's backend answers per-object permissions (company admins); ModelBackend
# must come first so that global permissions keep working as Django documents.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's own templates (base layout, home page, login) live at the top of
        # the repository; the plugin's templates come from its app directory.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "example_site.home.context_processors.site_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"


# Database
#
# SQLite by default; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/wagtail_network)
# for PostgreSQL.

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///" + str(PROJECT_DIR / "db.sqlite3"),
        conn_max_age=0,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Parallel requests on SQLite: IMMEDIATE takes the write lock when a transaction
    # starts (so a reader never has to upgrade to a writer mid-transaction, the case
    # SQLite cannot wait on), the busy timeout makes a second writer wait instead of
    # failing with "database is locked", and WAL lets readers run beside the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Password validation

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's own sign-in page for members; editors keep using /admin/login/.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"


# Internationalisation

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Translations of the example site's own templates (templates/); the plugin ships its own.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True


# Static and media files

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = PROJECT_DIR / "collected_static"
STATIC_URL = "/static/"

MEDIA_ROOT = PROJECT_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor can post more fields than Django's default limit of 1000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Wagtail

WAGTAIL_SITE_NAME = "Wagtail Network demo"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]


def mail_settings(backend: str) -> dict[str, Any]:
    """Settings that choose the e-mail backend on every supported Django.

    Django 6.1 replaced EMAIL_BACKEND (now deprecated, with a warning) by MAILERS.
    """
    if django.VERSION >= (6, 1):
        return {"MAILERS": {"default": {"BACKEND": backend}}}
    return {"EMAIL_BACKEND": backend}


# Django's tasks framework: django.tasks on Django 6, the django-tasks backport on
# 5.2. Here the immediate backend runs each task at once, in the process that
# enqueued it (the demo's e-mails appear in its console); production.py switches to
# django-tasks-db's database backend, whose `manage.py db_worker` runs them.
TASKS_MODULE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
DEFAULT_FROM_EMAIL = "Wagtail Network demo <network@demo.example>"

# wagtail-network
#
# One dict configures the plugin; every key, its default and its meaning are
# documented in wagtail_network/conf.py (and docs/reference/settings.md). Values
# are read at call time, so override_settings works in tests. The example site
# runs on the defaults.
WAGTAIL_NETWORK = {}

# CORS (django-cors-headers) for the GraphQL endpoint only: frontends on the origins
# listed in CORS_ALLOWED_ORIGINS (comma-separated) may call it. Bearer-token clients
# need nothing more; clients that sign in with the session cookie across origins
# also need CORS_ALLOW_CREDENTIALS=1, their origin in CSRF_TRUSTED_ORIGINS and
# SameSite=None cookies over HTTPS (see docs/how-to/cors.md). The regex follows the
# endpoint's path, WAGTAIL_NETWORK["GRAPHQL_PATH"] (the include sits at the root).
_GRAPHQL_PATH = WAGTAIL_NETWORK.get("GRAPHQL_PATH", "graphql/").rstrip("/")
CORS_URLS_REGEX = rf"^/{re.escape(_GRAPHQL_PATH)}/?$"
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")
    if origin.strip()
]
CORS_ALLOW_CREDENTIALS = os.environ.get("CORS_ALLOW_CREDENTIALS", "").lower() in {"1", "true"}
CORS_EXPOSE_HEADERS = ["Retry-After"]
