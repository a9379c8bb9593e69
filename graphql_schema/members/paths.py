"""How the viewer is connected to a member: the ``ConnectionPath`` type of
``Member.connectionPath`` (from :func:`wagtail_network.graph.connection_path`).

Its own module so that the member type can use it while it points back at members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from django.db.models import Case, IntegerField, QuerySet, Value, When

from wagtail_network import graph
from wagtail_network.models import MemberPage

if TYPE_CHECKING:
    # members.types imports this module for ``Member.connectionPath``, so the path's
    # members are resolved by strawberry from the module path alone: an import here,
    # even for type checkers only, would close a cycle.
    MemberType = Any

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]


@strawberry.type(
    name="ConnectionPath",
    description="How you are connected to a member: the shortest path of at most 3 hops "
    "from you to them through members and connections you may see, and the degree.",
)
class ConnectionPathType:
    degree: int | None = strawberry.field(
        description="1, 2 or 3 when the member is that many connections away from you, else "
        "null. Counted over the whole network, hidden connection lists included (a "
        "deliberate disclosure, as `Member.degree`): it can be shorter than the path you may "
        "see, or given with no path at all (`hidden`)."
    )
    hops: int | None = strawberry.field(
        description="Length of the path in `members` (its number of connections), or null "
        "when there is none you may see."
    )
    hidden: bool = strawberry.field(
        description="True when the member is 2 or 3 connections away but every path runs "
        "through connections who keep their list private: the path is then never shown "
        "(`members` is empty), only the degree."
    )
    member_ids: strawberry.Private[tuple[int, ...]]

    @strawberry.field(
        description="The path, you first and the member last, through members you may see "
        "and connections you may see (an edge is shown when you are on it or may see either "
        "end's connection list); empty when there is none. Each member reads as every "
        "`Member` does, its fields as its visibility allows."
    )
    def members(self) -> list[MemberRef]:
        # A queryset, not the loaded pages, so that the optimizer selects what the
        # query asks of each member (field-visibility annotations, photos) in one
        # query; it holds exactly the members connection_path() chose and vetted.
        if not self.member_ids:
            return []
        order = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(self.member_ids)],
            output_field=IntegerField(),
        )
        qs: QuerySet = MemberPage.objects.filter(pk__in=self.member_ids).order_by(order)
        return qs  # type: ignore[return-value]

    @classmethod
    def of(cls, path: graph.ConnectionPath) -> ConnectionPathType:
        """The GraphQL shape of a :class:`~wagtail_network.graph.ConnectionPath`."""
        return cls(
            degree=path.degree,
            hops=path.hops,
            hidden=path.hidden,
            member_ids=tuple(member.pk for member in path.members),
        )


__all__ = ["ConnectionPathType"]
