"""Filters and ordering of the company directory (``companies``)."""

from __future__ import annotations

import enum

import strawberry
from django.db.models import QuerySet

from wagtail_network.models import CompanyPage, CompanySize

from ..base.filters import OrderDirection
from .types import CompanySizeEnum


@strawberry.input(name="CompanyFilter", description="Filters on public company data.")
class CompanyFilter:
    industry: str | None = strawberry.field(default=None, description="Industry slug.")
    city: str | None = strawberry.field(default=None, description="City (exact, any case).")
    country: str | None = strawberry.field(default=None, description="Country (exact, any case).")
    size: list[CompanySizeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these size ranges."
    )
    speciality: str | None = strawberry.field(
        default=None, description="Speciality tag (exact, any case)."
    )


@strawberry.enum(name="CompanyOrderField", description="What to sort companies by.")
class CompanyOrderField(enum.Enum):
    NAME = "title"
    FOUNDED = "founded_year"
    CITY = "city"


@strawberry.input(name="CompanyOrdering", description="Sort order for companies.")
class CompanyOrdering:
    field: CompanyOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def filter_companies(qs: QuerySet, filters: CompanyFilter | None) -> QuerySet:
    """Apply :class:`CompanyFilter` to an already visibility-filtered queryset."""
    if filters is None:
        return qs
    if filters.industry:
        qs = qs.filter(industry__slug=filters.industry)
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.country:
        qs = qs.filter(country__iexact=filters.country)
    if filters.size:
        qs = qs.filter(size_range__in=[CompanySize(s) for s in filters.size])
    if filters.speciality:
        qs = qs.filter(
            pk__in=CompanyPage.specialities.through.objects.filter(
                tag__name__iexact=filters.speciality
            ).values("content_object_id")
        )
    return qs


__all__ = ["CompanyFilter", "CompanyOrderField", "CompanyOrdering", "filter_companies"]
