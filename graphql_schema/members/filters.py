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

from ..base.filters import (
    FILTER_LIST_LIMIT,
    FILTER_TEXT_LIMIT,
    DirectoryOrdering,
    relevance_value,
)
from .types import OpenToEnum


@strawberry.input(name="MemberFilter", description="Filters on visible profile data only.")
class MemberFilter:
    industry: str | None = strawberry.field(
        default=None, description="Industry slug. " + FILTER_TEXT_LIMIT
    )
    skill: str | None = strawberry.field(
        default=None, description="Skill slug. " + FILTER_TEXT_LIMIT
    )
    location: str | None = strawberry.field(
        default=None,
        description="Part of the city or of the country, any case. " + FILTER_TEXT_LIMIT,
    )
    city: str | None = strawberry.field(
        default=None, description="Part of the city, any case. " + FILTER_TEXT_LIMIT
    )
    country: str | None = strawberry.field(
        default=None, description="Part of the country, any case. " + FILTER_TEXT_LIMIT
    )
    company: str | None = strawberry.field(
        default=None,
        description="Company slug: members with a position there that the viewer may see. "
        + FILTER_TEXT_LIMIT,
    )
    current_company_only: bool = strawberry.field(
        default=True, description="With `company`: only current positions count."
    )
    open_to: list[OpenToEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Members open to all of these. " + FILTER_LIST_LIMIT
    )


@strawberry.enum(name="MemberOrderField", description="What to sort members by.")
class MemberOrderField(enum.Enum):
    RELEVANCE = relevance_value()
    NAME = strawberry.enum_value("name", description="By name.")
    JOINED = strawberry.enum_value("joined", description="By when the profile was first published.")
    CITY = strawberry.enum_value("city", description="By city; profiles without one last.")


@strawberry.input(name="MemberOrdering", description="Sort order for members.")
class MemberOrdering(DirectoryOrdering[MemberOrderField]):
    pass


__all__ = ["MemberFilter", "MemberOrderField", "MemberOrdering"]
