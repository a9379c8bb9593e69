"""The ``company`` and ``companies`` root fields."""

from __future__ import annotations

import strawberry

from wagtail_network import visibility
from wagtail_network.filters import filter_companies

from ..base.directory import by_slug_field, directory_field
from .filters import CompanyFilter, CompanyOrdering
from .types import CompanyType


@strawberry.type
class CompanyQuery:
    company = by_slug_field(
        CompanyType,
        visibility.companies_visible_to,
        "One company by slug; null when missing or not visible.",
        "The company page's URL slug.",
    )
    companies = directory_field(
        CompanyType,
        CompanyFilter,
        CompanyOrdering,
        "Words to find in names, taglines, descriptions, places, industries and specialities.",
        filter_companies,
        "The company directory: only companies the viewer may see.",
        lists=("size",),
    )


__all__ = ["CompanyQuery"]
