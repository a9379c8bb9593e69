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
from strawberry import relay
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info
from strawberry_django.optimizer import DjangoOptimizerExtension, optimize

from .companies import CompanyQuery, CompanyRelationshipType, CompanyType
from .endorsements import EndorsementType, RecommendationType
from .members import MemberQuery, MemberType, PositionType
from .mutations import Mutation
from .mutations.tokens import TokenQuery
from .network import BlockedMemberType, InvitationType
from .protection import protection_extensions
from .relay import MAX_PAGE_SIZE
from .viewer import ViewerQuery
from .vocab import IndustryType, SkillType, VocabularyQuery

#: Every Node type ``node(id:)`` may answer with, by GraphQL type name.
NODE_TYPES: dict[str, Any] = {
    t.__strawberry_definition__.name: t  # type: ignore[attr-defined]
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
    )
}


def resolve_node(info: Info, id: relay.GlobalID) -> relay.Node | None:
    """The object behind a global id, if the viewer may see it (else ``None``).

    Unlike ``strawberry_django.node()``, this goes through the type's own
    ``get_queryset`` (the visibility rule set); malformed, unknown, missing and
    forbidden ids all answer ``null``.
    """
    node_type = NODE_TYPES.get(id.type_name)
    if node_type is None:
        return None
    model = node_type.__strawberry_django_definition__.model
    try:
        pk = int(id.node_id)
    except (TypeError, ValueError):
        return None
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

Query = merge_types("Query", QUERY_TYPES)


def _extensions() -> list[Any]:
    return [
        *protection_extensions(),
        DjangoOptimizerExtension,
        ParserCache,
        ValidationCache,
    ]


def build_schema(
    query: type = Query,
    mutation: type | None = None,
    types: tuple[type, ...] = (),
    extensions: list[Any] | None = None,
) -> strawberry.Schema:
    """A schema with this app's extensions and config; host sites pass their own
    merged ``query``/``mutation`` types and extra ``types``."""
    return strawberry.Schema(
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
