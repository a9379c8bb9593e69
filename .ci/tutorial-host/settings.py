

# --- the host site's own additions (before the plugin is installed) ---

INSTALLED_APPS = [
    "accounts",
    "blog",
    *INSTALLED_APPS,
    "rest_framework",
    "wagtail.api.v2",
    "django.contrib.sitemaps",
]

# Users sign in by e-mail address (no username column), set before the first migrate.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
