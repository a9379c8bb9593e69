"""URLs of the load benchmark: the example site, the floor and Wagtail's page API v2."""

from django.urls import path

from . import floor
from .graphql_directory import expose_api_v2_fields
from .urls import urlpatterns as benchmark_urlpatterns

expose_api_v2_fields()

urlpatterns = [
    path("bench/floor2/directory/", floor.directory),
    path("bench/floor2/profile/", floor.profile),
    *benchmark_urlpatterns,
]
