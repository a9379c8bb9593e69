"""The GraphQL endpoint's URL module: ``path("", include("graphql_schema.urls"))``.

It sits next to the app's own URLs (``include("wagtail_network.urls")``) in the
host site's URLconf, before Wagtail's catch-all page serving. Reverse the
endpoint as ``graphql_schema:graphql``.
"""

from django.urls import path

from .views import NetworkGraphQLView

app_name = "graphql_schema"

urlpatterns: list = [
    # The view decides authentication, CSRF and GraphiQL.
    path("graphql/", NetworkGraphQLView.as_view(), name="graphql"),
]
