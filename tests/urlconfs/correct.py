"""The wiring the docs describe: admin, the network-aware page API, the plugin's two
URL modules, Wagtail's page serving last."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter

from tests.urlconfs import app, endpoint, pages
from wagtail_network.api import NetworkPagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", NetworkPagesAPIViewSet)

urlpatterns = [
    # The admin's own explorer API is a PagesAPIViewSet too: not a mistake.
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    app(),
    endpoint(),
    pages(),
]
