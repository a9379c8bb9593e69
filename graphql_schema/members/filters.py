"""Filters and ordering of the member directory (``members``).

Filters act only on what the viewer may see: they narrow the viewer's visibility
queryset in SQL, and matching through a position asks the same rule set.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from django.db.models import QuerySet

from wagtail_network import visibility
from wagtail_network.models import MemberPage, OpenTo, Position

from ..base.filters import OrderDirection
from .types import OpenToEnum


@strawberry.input(name="MemberFilter", description="Filters on visible profile data only.")
class MemberFilter:
    industry: str | None = strawberry.field(default=None, description="Industry slug.")
    skill: str | None = strawberry.field(default=None, description="Skill slug.")
    city: str | None = strawberry.field(default=None, description="City (exact, any case).")
    country: str | None = strawberry.field(default=None, description="Country (exact, any case).")
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
    NAME = "title"
    JOINED = "first_published_at"
    CITY = "city"


@strawberry.input(name="MemberOrdering", description="Sort order for members.")
class MemberOrdering:
    field: MemberOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def filter_members(user: Any, qs: QuerySet, filters: MemberFilter | None) -> QuerySet:
    """Apply :class:`MemberFilter` to an already visibility-filtered queryset."""
    if filters is None:
        return qs
    if filters.industry:
        qs = qs.filter(industry__slug=filters.industry)
    if filters.skill:
        qs = qs.filter(
            pk__in=MemberPage.skills.through.objects.filter(skill__slug=filters.skill).values(
                "memberpage_id"
            )
        )
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.country:
        qs = qs.filter(country__iexact=filters.country)
    if filters.company:
        # Only positions the viewer may see, at a company the viewer may see: a
        # hidden position or company never makes a member match.
        company_ids = visibility.companies_visible_to(user).filter(slug=filters.company)
        positions = visibility.positions_visible_to(
            user, Position.objects.filter(company_id__in=company_ids.values("pk"))
        )
        if filters.current_company_only:
            positions = positions.filter(is_current=True)
        qs = qs.filter(pk__in=positions.values("member_id"))
    for value in filters.open_to or []:
        qs = qs.filter(**{MemberPage.OPEN_TO_FIELDS[OpenTo(value)]: True})
    return qs


__all__ = ["MemberFilter", "MemberOrderField", "MemberOrdering", "filter_members"]
