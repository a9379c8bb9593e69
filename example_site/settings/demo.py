"""`make demo`: the development settings with DEBUG off.

The demo answers as a deployed site does — its own 400, 404 and 500 pages, never a
debug page or a traceback, whatever a visitor (or a hostile client) sends — while
still running on `runserver` with no web server in front: whitenoise serves the
static files straight from the apps' folders, Django serves the uploaded images,
and GraphiQL stays open to everyone at /graphql/.
"""

from .dev import *

DEBUG = False

# Static files from the finders (no collectstatic step), re-read when they change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# example_site/urls.py serves MEDIA_URL itself when this is set.
SERVE_MEDIA = True

WAGTAIL_NETWORK = {**WAGTAIL_NETWORK, "GRAPHIQL": True}
