"""The root schema: the domain query types and the mutations, merged.

A host site extends it by merging its own query types with :data:`QUERY_TYPES`
and building its own :class:`strawberry.Schema` with :func:`build_schema` (see
``docs/reference/graphql.md``).

``node(id:)`` resolves every global id through its type's visibility queryset: an
object the viewer may not see reads exactly like a missing one (``null``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info, get_object_definition
from strawberry_django.optimizer import DjangoOptimizerExtension, optimize
from strawberry_django.utils.typing import get_django_definition

from .account.tokens import ApiToken, TokenQuery
from .base.connection import MAX_PAGE_SIZE
from .base.ids import parse_global_id
from .companies.queries import CompanyQuery
from .companies.types import CompanyRelationshipType, CompanyType
from .endorsements.types import EndorsementType, RecommendationType
from .errors import log_errors
from .members.queries import MemberQuery
from .members.types import MemberType, PositionType
from .mutations import Mutation
from .network.queries import ViewerQuery
from .network.types import BlockedMemberType, InvitationType
from .notifications.types import NotificationType
from .protection import protection_extensions
from .vocab.queries import VocabularyQuery
from .vocab.types import IndustryType, SkillType

#: Every Node type ``node(id:)`` may answer with, by GraphQL type name.
NODE_TYPES: dict[str, Any] = {
    get_object_definition(t, strict=True).name: t
    for t in (
        MemberType,
        CompanyType,
        PositionType,
        SkillType,
        IndustryType,
        EndorsementType,
        RecommendationType,
        InvitationType,
        BlockedMemberType,
        CompanyRelationshipType,
        NotificationType,
        ApiToken,
    )
}


def resolve_node(info: Info, id: relay.GlobalID) -> relay.Node | None:
    """The object behind a global id, if the viewer may see it (else ``None``).

    Unlike ``strawberry_django.node()``, this goes through the type's own
    ``get_queryset`` (the visibility rule set); malformed, unknown, missing and
    forbidden ids all answer ``null``.
    """
    parsed = parse_global_id(id)
    node_type = NODE_TYPES.get(id.type_name)
    if parsed is None or node_type is None:
        return None
    pk = parsed[1]
    model = get_django_definition(node_type, strict=True).model
    qs = model._default_manager.filter(pk=pk)
    get_queryset = getattr(node_type, "get_queryset", None)
    if get_queryset is not None:
        qs = get_queryset(qs, info)
    return optimize(qs, info).first()


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global id; null when it is missing or the viewer "
        "may not see it (the two are indistinguishable)."
    )
    def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global id.")],
    ) -> relay.Node | None:
        return resolve_node(info, id)


#: The read side, in the order the root fields appear.
QUERY_TYPES: tuple[type, ...] = (
    NodeQuery,
    ViewerQuery,
    MemberQuery,
    CompanyQuery,
    VocabularyQuery,
    TokenQuery,
)

#: Description of the root query type in the SDL.
QUERY_DESCRIPTION = (
    "The read side of the network. Every object and list obeys the viewer's permissions: "
    "what the viewer may not see reads exactly like what does not exist."
)

# As strawberry's merge_types does, with the description it cannot take.
Query = strawberry.type(type("Query", QUERY_TYPES, {}), description=QUERY_DESCRIPTION)


def _extensions() -> list[Any]:
    return [
        *protection_extensions(),
        DjangoOptimizerExtension,
        ParserCache,
        ValidationCache,
    ]


class NetworkSchema(strawberry.Schema):
    """strawberry's schema, logging each request's errors once and bounded
    (:func:`graphql_schema.protection.log_errors`) instead of one entry, with the
    whole document, per error."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


def build_schema(
    query: type = Query,
    mutation: type | None = None,
    types: tuple[type, ...] = (),
    extensions: list[Any] | None = None,
) -> strawberry.Schema:
    """A schema with this app's extensions and config; host sites pass their own
    merged ``query``/``mutation`` types and extra ``types``."""
    return NetworkSchema(
        query=query,
        mutation=mutation if mutation is not None else Mutation,
        types=list(types),
        extensions=extensions if extensions is not None else _extensions(),
        config=StrawberryConfig(
            # Field suggestions are switched per request by the protection
            # extensions (setting GRAPHQL_FIELD_SUGGESTIONS), not frozen here.
            relay_max_results=MAX_PAGE_SIZE,
        ),
    )


schema = build_schema()
