"""The reported bug: the host's own strawberry view at /graphql/, listed before the
plugin's endpoint, answers every request with the host's schema."""

import strawberry
from django.urls import path
from strawberry.django.views import GraphQLView

from tests.urlconfs import app, endpoint, pages


@strawberry.type
class BlogQuery:
    @strawberry.field(description="The blog's posts.")
    def posts(self) -> list[str]:
        return []


urlpatterns = [
    path("graphql/", GraphQLView.as_view(schema=strawberry.Schema(query=BlogQuery))),
    app(),
    endpoint(),
    pages(),
]
