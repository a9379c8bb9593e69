"""Benchmark URLs: the example site's, Wagtail's page API v2 and the floor views."""

from django.urls import include, path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from example_site.urls import urlpatterns as site_urlpatterns

from .graphql_directory import floor_directory, floor_profile

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("api/v2/", api_router.urls),
    path("bench/floor/directory/", floor_directory),
    path("bench/floor/profile/<int:pk>/", floor_profile),
    path("", include(site_urlpatterns)),
]
