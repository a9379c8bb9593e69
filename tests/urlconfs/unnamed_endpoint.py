"""The plugin's view mounted by hand without the graphql_schema namespace: it answers,
but nothing can reverse it (the account page, the busy middleware)."""

from django.urls import path

from graphql_schema.views import NetworkGraphQLView
from tests.urlconfs import app, pages

urlpatterns = [app(), path("graphql/", NetworkGraphQLView.as_view(), name="graphql"), pages()]
