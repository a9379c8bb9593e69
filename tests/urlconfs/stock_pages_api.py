"""Wagtail's stock pages endpoint, as `wagtail start`'s docs register it, and a host
subclass of it under another name: both serve members-only profiles to visitors."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from tests.urlconfs import app, endpoint, pages


class BlogPagesAPIViewSet(PagesAPIViewSet):
    """A host's own tweak of Wagtail's endpoint, still not network-aware."""


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("blog", BlogPagesAPIViewSet)

urlpatterns = [path("api/v2/", api_router.urls), app(), endpoint(), pages()]
