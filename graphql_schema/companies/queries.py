"""The ``company`` and ``companies`` root fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
import strawberry_django
from strawberry.types import Info
from strawberry_django.optimizer import optimize

from wagtail_network import visibility
from wagtail_network.filters import filter_companies

from ..base.connection import NetworkConnection
from ..base.context import viewer_of
from .filters import CompanyFilter, CompanyOrdering, company_criteria
from .types import CompanyType


@strawberry.type
class CompanyQuery:
    @strawberry_django.field(description="One company by slug; null when missing or not visible.")
    def company(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The company page's URL slug.")],
    ) -> CompanyType | None:
        qs = visibility.companies_visible_to(viewer_of(info)).filter(slug=slug)
        return optimize(qs, info).first()  # type: ignore[return-value]

    @strawberry_django.connection(
        NetworkConnection[CompanyType],
        description="The company directory: only companies the viewer may see.",
    )
    def companies(
        self,
        info: Info,
        filters: Annotated[
            CompanyFilter | None, strawberry.argument(description="Narrow the list.")
        ] = None,
        ordering: Annotated[
            CompanyOrdering | None,
            strawberry.argument(
                description="Sort order (default: by relevance with `search`, else by name)."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words to find in names, taglines, descriptions, places, "
                "industries and specialities."
            ),
        ] = None,
    ) -> Iterable[CompanyType]:
        return filter_companies(viewer_of(info), company_criteria(filters, ordering, search))  # type: ignore[return-value]


__all__ = ["CompanyQuery"]
