"""Filters and ordering of the member directory (``members``), as GraphQL input.

Search, filters and ordering are decided by one module,
:func:`wagtail_network.filters.filter_members`, which the directory pages call
too: the same words, filters and ordering give the same members in the same
order on both. This module only turns the GraphQL arguments into its criteria.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from ..base.filters import OrderDirection, order_key
from .types import OpenToEnum


@strawberry.input(name="MemberFilter", description="Filters on visible profile data only.")
class MemberFilter:
    industry: str | None = strawberry.field(default=None, description="Industry slug.")
    skill: str | None = strawberry.field(default=None, description="Skill slug.")
    location: str | None = strawberry.field(
        default=None, description="Part of the city or of the country, any case."
    )
    city: str | None = strawberry.field(default=None, description="Part of the city, any case.")
    country: str | None = strawberry.field(
        default=None, description="Part of the country, any case."
    )
    company: str | None = strawberry.field(
        default=None,
        description="Company slug: members with a position there that the viewer may see.",
    )
    current_company_only: bool = strawberry.field(
        default=True, description="With `company`: only current positions count."
    )
    open_to: list[OpenToEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Members open to all of these."
    )


@strawberry.enum(name="MemberOrderField", description="What to sort members by.")
class MemberOrderField(enum.Enum):
    RELEVANCE = strawberry.enum_value(
        "relevance",
        description="Best search match first (with `search`; by name without it). "
        "The direction does not apply.",
    )
    NAME = "name"
    JOINED = "joined"
    CITY = "city"


@strawberry.input(name="MemberOrdering", description="Sort order for members.")
class MemberOrdering:
    field: MemberOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def member_criteria(
    filters: MemberFilter | None, ordering: MemberOrdering | None, search: str | None
) -> dict[str, Any]:
    """The criteria of :func:`wagtail_network.filters.filter_members` for these arguments."""
    criteria: dict[str, Any] = {"q": search or ""}
    if ordering is not None:
        criteria["order"] = order_key(ordering.field.value, ordering.direction)
    if filters is not None:
        criteria.update(
            industry=filters.industry,
            skill=filters.skill,
            location=filters.location,
            city=filters.city,
            country=filters.country,
            company=filters.company,
            current_company_only=filters.current_company_only,
            open_to=[getattr(v, "value", v) for v in filters.open_to or []],
        )
    return criteria


__all__ = ["MemberFilter", "MemberOrderField", "MemberOrdering", "member_criteria"]
