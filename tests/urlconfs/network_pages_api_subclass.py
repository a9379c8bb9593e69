"""A host's own endpoint class derived from the network's: it keeps the rules."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from tests.urlconfs import app, endpoint, pages
from wagtail_network.api import NetworkPagesAPIViewSet


class SitePagesAPIViewSet(NetworkPagesAPIViewSet):
    """A host's tweak of the network's endpoint."""


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SitePagesAPIViewSet)

urlpatterns = [path("api/v2/", api_router.urls), app(), endpoint(), pages()]
