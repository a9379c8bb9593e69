"""Checks run once when the app server loads the site (example_site/wsgi.py)."""

from __future__ import annotations

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
