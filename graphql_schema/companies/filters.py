"""Filters and ordering of the company directory (``companies``), as GraphQL input.

Search, filters and ordering are decided by one module,
:func:`wagtail_network.filters.filter_companies`, which the directory pages call
too. This module only turns the GraphQL arguments into its criteria.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from ..base.filters import OrderDirection, order_key
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
    RELEVANCE = strawberry.enum_value(
        "relevance",
        description="Best search match first (with `search`; by name without it). "
        "The direction does not apply.",
    )
    NAME = "name"
    JOINED = strawberry.enum_value("joined", description="When the page was first published.")
    FOUNDED = "founded"
    CITY = "city"


@strawberry.input(name="CompanyOrdering", description="Sort order for companies.")
class CompanyOrdering:
    field: CompanyOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def company_criteria(
    filters: CompanyFilter | None, ordering: CompanyOrdering | None, search: str | None
) -> dict[str, Any]:
    """The criteria of :func:`wagtail_network.filters.filter_companies` for these arguments."""
    criteria: dict[str, Any] = {"q": search or ""}
    if ordering is not None:
        criteria["order"] = order_key(ordering.field.value, ordering.direction)
    if filters is not None:
        criteria.update(
            industry=filters.industry,
            location=filters.location,
            city=filters.city,
            country=filters.country,
            size=[getattr(v, "value", v) for v in filters.size or []],
            speciality=filters.speciality,
        )
    return criteria


__all__ = ["CompanyFilter", "CompanyOrderField", "CompanyOrdering", "company_criteria"]
