"""The ``member`` and ``members`` root fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
import strawberry_django
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from wagtail_network import visibility
from wagtail_network.filters import filter_members

from ..base.connection import NetworkConnection
from ..base.context import viewer_of
from .filters import MemberFilter, MemberOrdering, member_criteria
from .types import MemberType


@strawberry.type
class MemberQuery:
    @strawberry_django.field(description="One member by slug; null when missing or not visible.")
    def member(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The profile's URL slug.")],
    ) -> MemberType | None:
        qs = visibility.members_visible_to(viewer_of(info)).filter(slug=slug)
        return optimize(qs, info).first()  # type: ignore[return-value]

    @strawberry_django.connection(
        NetworkConnection[MemberType],
        description="The member directory: only members the viewer may see; filters, "
        "search and ordering act on what the viewer may see.",
    )
    def members(
        self,
        info: Info,
        filters: Annotated[
            MemberFilter | None, strawberry.argument(description="Narrow the list.")
        ] = None,
        ordering: Annotated[
            MemberOrdering | None,
            strawberry.argument(
                description="Sort order (default: by relevance with `search`, else by name)."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words to find in names, headlines, bios, places, skills and interests."
            ),
        ] = None,
    ) -> Iterable[MemberType]:
        return filter_members(viewer_of(info), member_criteria(filters, ordering, search))  # type: ignore[return-value]


__all__ = ["MemberQuery"]
