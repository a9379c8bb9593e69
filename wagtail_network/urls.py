"""The plugin's one URL module: ``path("", include("wagtail_network.urls"))``.

Include it before Wagtail's own catch-all page serving.
"""

from django.urls import path

from graphql_schema.views import NetworkGraphQLView

app_name = "wagtail_network"

urlpatterns: list = [
    # The GraphQL endpoint; its view decides authentication, CSRF and GraphiQL.
    path("graphql/", NetworkGraphQLView.as_view(), name="graphql"),
]
