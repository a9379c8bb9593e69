"""The GraphQL endpoint's URL module: ``path("", include("graphql_schema.urls"))``.

It sits next to the app's own URLs (``include("wagtail_network.urls")``) in the
host site's URLconf, before Wagtail's catch-all page serving. Reverse the
endpoint as ``graphql_schema:graphql``: the plugin's own pages do, so the
endpoint can live anywhere.

Its path is ``WAGTAIL_NETWORK["GRAPHQL_PATH"]`` (default ``"graphql/"``), appended
to whatever prefix the include sits under: ``path("api/", include(...))`` serves
``/api/graphql/``. A site serving its own merged schema through a subclass of
:class:`~graphql_schema.views.NetworkGraphQLView` includes
``endpoint_urls(SiteGraphQLView.as_view())`` instead, which keeps the path
setting and the ``graphql_schema:graphql`` name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from wagtail_network.conf import get_setting

from .views import NetworkGraphQLView

app_name = "graphql_schema"


def endpoint_patterns(view: Callable[..., Any] | None = None) -> list[URLPattern]:
    """The endpoint's URL pattern: ``view`` (by default ``NetworkGraphQLView.as_view()``)
    at ``WAGTAIL_NETWORK["GRAPHQL_PATH"]``, named ``graphql``.

    The setting is read now, when a URLconf calls this; Django loads URLconfs
    once, so a changed path takes effect at the next start.
    """
    # The view decides authentication, CSRF and GraphiQL.
    return [path(get_setting("GRAPHQL_PATH"), view or NetworkGraphQLView.as_view(), name="graphql")]


def endpoint_urls(view: Callable[..., Any] | None = None) -> tuple[list[URLPattern], str]:
    """What ``include()`` takes to mount the endpoint served by ``view`` in the
    ``graphql_schema`` namespace::

        path("", include(endpoint_urls(SiteGraphQLView.as_view())))
    """
    return endpoint_patterns(view), app_name


urlpatterns: list = endpoint_patterns()
