"""A host serving its own types merged into the network's schema, as
docs/reference/graphql.md ("Extending the schema") shows: a NetworkGraphQLView
subclass mounted with endpoint_urls, so it keeps the path and the name."""

import strawberry
from django.urls import include, path
from strawberry.tools import merge_types

from graphql_schema.mutations import Mutation
from graphql_schema.schema import QUERY_TYPES, build_schema
from graphql_schema.urls import endpoint_urls
from graphql_schema.views import NetworkGraphQLView
from tests.urlconfs import app, pages


@strawberry.type
class BlogQuery:
    @strawberry.field(description="The blog's posts.")
    def posts(self) -> list[str]:
        return ["hello"]


class SiteGraphQLView(NetworkGraphQLView):
    schema = build_schema(query=merge_types("Query", (*QUERY_TYPES, BlogQuery)), mutation=Mutation)


urlpatterns = [
    app(),
    path("", include(endpoint_urls(SiteGraphQLView.as_view()))),
    pages(),
]
