"""Filters and ordering of the company directory (``companies``), as GraphQL input.

Search, filters and ordering are decided by one module,
:func:`wagtail_network.filters.filter_companies`, which the directory pages call
too. This module declares the GraphQL arguments;
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
from .types import CompanySizeEnum


@strawberry.input(name="CompanyFilter", description="Filters on public company data.")
class CompanyFilter:
    industry: str | None = strawberry.field(
        default=None, description="Industry slug. " + FILTER_TEXT_LIMIT
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
    size: list[CompanySizeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these size ranges. " + FILTER_LIST_LIMIT
    )
    speciality: str | None = strawberry.field(
        default=None, description="Speciality tag (exact, any case). " + FILTER_TEXT_LIMIT
    )


@strawberry.enum(name="CompanyOrderField", description="What to sort companies by.")
class CompanyOrderField(enum.Enum):
    RELEVANCE = relevance_value()
    NAME = strawberry.enum_value("name", description="By name.")
    JOINED = strawberry.enum_value("joined", description="When the page was first published.")
    FOUNDED = strawberry.enum_value("founded", description="By year founded; unknown last.")
    CITY = strawberry.enum_value("city", description="By city; profiles without one last.")


@strawberry.input(name="CompanyOrdering", description="Sort order for companies.")
class CompanyOrdering(DirectoryOrdering[CompanyOrderField]):
    pass


__all__ = ["CompanyFilter", "CompanyOrderField", "CompanyOrdering"]
