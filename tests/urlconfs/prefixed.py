"""Wagtail's pages under a prefix of their own come first without hiding anything;
the endpoint included under a prefix answers at /api/graphql/."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

from tests.urlconfs import app

urlpatterns = [
    path("site/", include(wagtail_urls)),
    app(),
    path("api/", include("graphql_schema.urls")),
]
