"""What runs once when the app server loads the site (example_site/wsgi.py)."""

from __future__ import annotations

import gc

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def require_static_manifest() -> None:
    """Refuse to start when hashed static files were never collected.

    With a manifest storage (production's whitenoise ``CompressedManifestStaticFilesStorage``)
    every ``{% static %}`` looks its file up in the manifest that ``collectstatic``
    writes; without it, every page that uses a static file answers 500. Failing
    here makes the missing deployment step visible at start, in the server's log,
    instead of on the first visitor's request.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return
    if staticfiles_storage.read_manifest() is None:
        raise ImproperlyConfigured(
            f"No static files manifest ({staticfiles_storage.manifest_name}) in "
            f"{staticfiles_storage.location}: run `manage.py collectstatic --noinput` "
            "before starting the app server (see docs/how-to/deployment.md)."
        )


def warm_up() -> None:
    """Do at start what the first requests would otherwise pay for, then let the
    garbage collector leave what lives as long as the process alone.

    The URLconf and the GraphQL schema are built on first use: a second or more
    in each worker, on somebody's request. Everything loaded by then (modules,
    the schema, Django's and Wagtail's registries) stays until the process ends,
    yet every full collection walks it again: ``gc.freeze()`` moves it out of the
    collector's generations, so that a collection walks only what requests made
    (a full one took about 170 ms in a worker here, every thirty requests or so).
    With ``gunicorn --preload`` the frozen objects are also shared by the workers'
    memory pages instead of copied on the first collection.
    """
    from django.apps import apps
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf module
    if apps.is_installed("graphql_schema"):
        from graphql_schema.views import get_schema

        get_schema()
    # A connection opened by now must not be inherited by forked workers (--preload).
    connections.close_all()
    gc.collect()
    gc.freeze()
