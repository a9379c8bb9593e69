"""Filters and ordering of the company directory (``companies``), as GraphQL input.

Search, filters and ordering are decided by one module,
:func:`wagtail_network.filters.filter_companies`, which the directory pages call
too. This module declares the GraphQL arguments;
:func:`graphql_schema.base.filters.directory_criteria` turns them into its criteria.
"""

from __future__ import annotations

import enum

import strawberry

from ..base.filters import DirectoryOrdering, relevance_value
from .types import CompanySizeEnum


@strawberry.input(name="CompanyFilter", description="Filters on public company data.")
class CompanyFilter:
    industry: str | None = strawberry.field(default=None, description="Industry slug.")
    location: str | None = strawberry.field(
        default=None, description="Part of the city or of the country, any case."
    )
    city: str | None = strawberry.field(default=None, description="Part of the city, any case.")
    country: str | None = strawberry.field(
        default=None, description="Part of the country, any case."
    )
    size: list[CompanySizeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these size ranges."
    )
    speciality: str | None = strawberry.field(
        default=None, description="Speciality tag (exact, any case)."
    )


@strawberry.enum(name="CompanyOrderField", description="What to sort companies by.")
class CompanyOrderField(enum.Enum):
    RELEVANCE = relevance_value()
    NAME = "name"
    JOINED = strawberry.enum_value("joined", description="When the page was first published.")
    FOUNDED = "founded"
    CITY = "city"


@strawberry.input(name="CompanyOrdering", description="Sort order for companies.")
class CompanyOrdering(DirectoryOrdering[CompanyOrderField]):
    pass


__all__ = ["CompanyFilter", "CompanyOrderField", "CompanyOrdering"]
