"""Wagtail's page API (``wagtail.api.v2``), made to obey the network's rule set.

Wagtail's own pages endpoint treats every live, unrestricted page as public, so a
members-only or connections-only profile would be served to anyone. Host sites
that expose the page API register this endpoint instead of Wagtail's::

    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail_network.api import NetworkPagesAPIViewSet

    api_router = WagtailAPIRouter("wagtailapi")
    api_router.register_endpoint("pages", NetworkPagesAPIViewSet)

It needs ``rest_framework`` and ``wagtail.api.v2`` in INSTALLED_APPS, as Wagtail's does.
"""

from __future__ import annotations

from wagtail.api.v2.views import PagesAPIViewSet

from .viewer import Viewer
from .visibility import pages_visible_to


class NetworkPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, with member and company pages filtered per viewer."""

    def get_base_queryset(self):
        return pages_visible_to(Viewer.for_request(self.request), super().get_base_queryset())
