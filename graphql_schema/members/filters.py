"""Filters and ordering of the member directory (``members``), as GraphQL input.

Search, filters and ordering are decided by one module,
:func:`wagtail_network.filters.filter_members`, which the directory pages call
too: the same words, filters and ordering give the same members in the same
order on both. This module declares the GraphQL arguments;
:func:`graphql_schema.base.filters.directory_criteria` turns them into its criteria.
"""

from __future__ import annotations

import enum

import strawberry

from ..base.filters import DirectoryOrdering, relevance_value
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
    RELEVANCE = relevance_value()
    NAME = "name"
    JOINED = "joined"
    CITY = "city"


@strawberry.input(name="MemberOrdering", description="Sort order for members.")
class MemberOrdering(DirectoryOrdering[MemberOrderField]):
    pass


__all__ = ["MemberFilter", "MemberOrderField", "MemberOrdering"]
