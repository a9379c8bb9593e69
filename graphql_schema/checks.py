"""System checks for the GraphQL endpoint's wiring in the host site's URLconf.

``graphql_schema:graphql`` must reverse, and the path it reverses to must be
answered by :class:`~graphql_schema.views.NetworkGraphQLView` (or a subclass
serving a merged schema): a host's own GraphQL view listed first, or Wagtail's
page serving, would answer instead and clients would get another schema or a 404.
The checks import the URLconf and ask Django's resolver; they never touch the
database. Their ids continue ``wagtail_network``'s series: one product, one list.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.core import checks

from wagtail_network.checks import (
    WAGTAIL_INCLUDE,
    behind_catch_all,
    describe_view,
    is_wagtail_serve,
    resolve_reversed,
    view_class,
)
from wagtail_network.conf import get_setting

ENDPOINT_INCLUDE = 'path("", include("graphql_schema.urls"))'
MERGING_DOCS = 'docs/reference/graphql.md, "Extending the schema"'


@checks.register(checks.Tags.urls)
def check_endpoint_wiring(app_configs=None, **kwargs):
    """An error when the plugin's GraphQL endpoint has no URL, or when another view
    answers at its URL."""
    from django.conf import settings

    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    # Imported here: the view pulls in strawberry, which URL-less settings never need.
    from .views import NetworkGraphQLView

    found = resolve_reversed("graphql_schema:graphql")
    if found is None:
        return [
            checks.Error(
                "The network's GraphQL endpoint is not included: 'graphql_schema:graphql' "
                "does not reverse.",
                hint=f"Add {ENDPOINT_INCLUDE} before {WAGTAIL_INCLUDE}. A view of your own "
                "(a NetworkGraphQLView subclass with a merged schema) goes in as "
                'path("", include(endpoint_urls(SiteGraphQLView.as_view()))), '
                "endpoint_urls from graphql_schema.urls, so that it keeps that name.",
                id="wagtail_network.E009",
            )
        ]
    path, match = found
    if match is None:
        return []
    cls = view_class(match.func)
    if cls is not None and issubclass(cls, NetworkGraphQLView):
        return _check_cors(path)
    if is_wagtail_serve(match):
        return [behind_catch_all(path, "The GraphQL endpoint", ENDPOINT_INCLUDE)]
    return [
        checks.Error(
            f"The network's GraphQL endpoint at {path} is answered by "
            f"{describe_view(match)}, listed earlier in your URLconf: clients get that "
            "view's schema, without the network's types and rules (\"Cannot query field "
            "'members' on type ...\").",
            hint=(
                "Serve one schema: merge your types into the network's and serve them "
                "through a NetworkGraphQLView subclass in place of your view "
                f"({MERGING_DOCS}); or move {ENDPOINT_INCLUDE} above your view; or give "
                "the network's endpoint a path of its own with "
                "WAGTAIL_NETWORK['GRAPHQL_PATH'] (now "
                f"{get_setting('GRAPHQL_PATH')!r})."
            ),
            id="wagtail_network.E010",
        )
    ]


def _check_cors(path: str) -> list[checks.CheckMessage]:
    # django-cors-headers answers only the paths its regex matches (re.match on the
    # path, its default matching everything): a moved endpoint can fall outside it.
    from django.conf import settings

    if not apps.is_installed("corsheaders"):
        return []
    regex = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
    try:
        if re.match(regex, path):
            return []
    except (re.error, TypeError):
        return []  # django-cors-headers' own checks name a malformed regex
    return [
        checks.Warning(
            f"CORS_URLS_REGEX ({regex!r}) does not match the GraphQL endpoint's path, "
            f"{path}: browsers on the origins in CORS_ALLOWED_ORIGINS are refused.",
            hint=f"Make it match, for instance CORS_URLS_REGEX = r'^{re.escape(path)}?$' "
            "(docs/how-to/cors.md).",
            id="wagtail_network.W002",
        )
    ]
