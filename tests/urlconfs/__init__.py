"""Small host URLconfs, one wiring (right or wrong) each, for tests/test_wiring_checks.py.

Each module builds its own pattern objects from the helpers below, so no two
URLconfs share a resolver (Django caches what a resolver has seen on it).
"""

from __future__ import annotations

from django.urls import URLResolver, include, path
from wagtail import urls as wagtail_urls


def app() -> URLResolver:
    """The app's URLs, as the installation docs include them."""
    return path("", include("wagtail_network.urls"))


def endpoint() -> URLResolver:
    """The GraphQL endpoint's URLs, as the installation docs include them."""
    return path("", include("graphql_schema.urls"))


def pages() -> URLResolver:
    """Wagtail's catch-all page serving, which belongs last."""
    return path("", include(wagtail_urls))
