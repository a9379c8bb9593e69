"""Companies: the ``Company`` type and the ``company``/``companies`` root fields."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import BooleanField as DBBooleanField
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from strawberry.types import Info
from strawberry_django.optimizer import optimize
from wagtail.rich_text import expand_db_html

from wagtail_network import visibility
from wagtail_network.models import (
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    CompanySize,
    Follow,
    Position,
)

from .images import DEFAULT_SPEC, SPEC_DESCRIPTION, RenditionType, image_prefetch, rendition_of
from .members import MemberType, OrderDirection, order_queryset, search_ids
from .relay import (
    MAX_PAGE_SIZE,
    NetworkConnection,
    PkNode,
    count_subquery,
    page_url,
    viewer_of,
    visible_fk,
)
from .vocab import IndustryType

CompanySizeEnum = strawberry.enum(
    CompanySize, name="CompanySize", description="Number of employees."
)
RelationshipKindEnum = strawberry.enum(
    CompanyRelationshipKind,
    name="CompanyRelationshipKind",
    description="How two companies are related.",
)


def employee_count_expression(user: Any) -> Any:
    """Visible members holding a current position the viewer may see, per company."""
    positions = visibility.positions_visible_to(
        user,
        Position.objects.filter(company_id=OuterRef("pk"), is_current=True),
    ).filter(member_id__in=visibility.members_visible_to(user).values("pk"))
    return count_subquery(positions, "company_id", "member_id")


def follower_count_expression(user: Any) -> Any:
    """Followers of each company among the members the viewer may see."""
    follows = Follow.objects.filter(
        company_id=OuterRef("pk"),
        member_id__in=visibility.members_visible_to(user).values("pk"),
    )
    return count_subquery(follows, "company_id")


def followed_by_viewer_expression(user: Any) -> Any:
    me = visibility.viewer_member_id(user)
    if me is None:
        return Value(False, output_field=DBBooleanField())
    return Exists(Follow.objects.filter(member_id=me, company_id=OuterRef("pk")))


@strawberry_django.type(
    CompanyPage,
    name="Company",
    description="A company's page. Only companies the viewer may see are ever returned.",
)
class CompanyType(PkNode):
    slug: str = strawberry_django.field(description="URL slug, used by `company(slug:)`.")
    name: str = strawberry_django.field(field_name="title", description="Company name.")
    tagline: str = strawberry_django.field(description="One-line description.")
    industry: IndustryType | None = strawberry_django.field(description="Industry.")
    size: CompanySizeEnum | None = strawberry_django.field(  # type: ignore[valid-type]
        field_name="size_range", description="Number of employees, as a range."
    )
    founded_year: int | None = strawberry_django.field(description="Year founded.")
    city: str = strawberry_django.field(description="City.")
    country: str = strawberry_django.field(description="Country.")
    website: str = strawberry_django.field(description="Website URL.")
    contact_email: str = strawberry_django.field(description="Public contact e-mail.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.companies_visible_to(viewer_of(info), queryset)

    @strawberry_django.field(only=["description"], description="About the company (HTML).")
    def description(self) -> str:
        return expand_db_html(self.description) if self.description else ""  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=["specialities"], description="Specialities (tags), at most 100."
    )
    def specialities(self) -> list[str]:
        return [tag.name for tag in self.specialities.all()][:MAX_PAGE_SIZE]  # type: ignore[attr-defined]

    @strawberry_django.field(only=["url_path"], description="Absolute URL of the company page.")
    def url(self, info: Info) -> str | None:
        return page_url(info, self.url_path)  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["logo"],
        prefetch_related=[lambda info: image_prefetch("logo")],
        description="The logo in one size. " + SPEC_DESCRIPTION,
    )
    def logo(
        self,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = DEFAULT_SPEC,
    ) -> RenditionType | None:
        return rendition_of(self.logo, spec)  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["cover"],
        prefetch_related=[lambda info: image_prefetch("cover")],
        description="The cover image in one size. " + SPEC_DESCRIPTION,
    )
    def cover(
        self,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = "fill-1200x300",
    ) -> RenditionType | None:
        return rendition_of(self.cover, spec)  # type: ignore[attr-defined]

    @strawberry_django.field(
        annotate={"_wn_employee_count": lambda info: employee_count_expression(viewer_of(info))},
        description="Members the viewer may see with a current position here the viewer may see.",
    )
    def employee_count(self, info: Info) -> int:
        value = getattr(self, "_wn_employee_count", None)
        if value is None:
            value = visibility.employees_of(viewer_of(info), self.pk, current=True).count()  # type: ignore[attr-defined]
        return value

    @strawberry_django.field(
        annotate={"_wn_follower_count": lambda info: follower_count_expression(viewer_of(info))},
        description="Followers among the members the viewer may see.",
    )
    def follower_count(self, info: Info) -> int:
        value = getattr(self, "_wn_follower_count", None)
        if value is None:
            value = (
                CompanyPage.objects.filter(pk=self.pk)  # type: ignore[attr-defined]
                .annotate(_n=follower_count_expression(viewer_of(info)))
                .values_list("_n", flat=True)
                .first()
            )
        return value or 0

    @strawberry_django.field(
        annotate={"_wn_followed": lambda info: followed_by_viewer_expression(viewer_of(info))},
        description="Whether the viewer follows this company.",
    )
    def followed_by_viewer(self, info: Info) -> bool:
        value = getattr(self, "_wn_followed", None)
        if value is None:
            me = visibility.viewer_member_id(viewer_of(info))
            value = bool(me) and Follow.objects.filter(member_id=me, company_id=self.pk).exists()  # type: ignore[attr-defined]
        return bool(value)

    @strawberry_django.connection(
        NetworkConnection[MemberType],
        description="Members the viewer may see with a position here that the viewer may see.",
    )
    def employees(
        self,
        info: Info,
        current: Annotated[
            bool | None,
            strawberry.argument(description="Only current (true) or only past (false) employees."),
        ] = None,
    ) -> Iterable[MemberType]:
        return visibility.employees_of(viewer_of(info), self.pk, current=current).order_by(  # type: ignore[attr-defined,return-value]
            "title", "pk"
        )

    @strawberry_django.connection(
        NetworkConnection["CompanyRelationshipType"],
        description="Relationships with other companies that the viewer may see.",
    )
    def relationships(self, info: Info) -> Iterable[CompanyRelationshipType]:
        qs = CompanyRelationship.objects.filter(
            Q(from_company_id=self.pk) | Q(to_company_id=self.pk)  # type: ignore[attr-defined]
        )
        return visibility.relationships_visible_to(viewer_of(info), qs).order_by("pk")  # type: ignore[return-value]


@strawberry_django.type(
    CompanyRelationship,
    name="CompanyRelationship",
    description="A declared relationship between two companies.",
)
class CompanyRelationshipType(PkNode):
    from_company: CompanyType | None = visible_fk(description="The declaring side.")
    to_company: CompanyType | None = visible_fk(description="The other side.")
    kind: RelationshipKindEnum = strawberry_django.field(description="Kind of relationship.")  # type: ignore[valid-type]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.relationships_visible_to(viewer_of(info), queryset)

    @strawberry_django.field(
        only=["confirmed_by_editor", "confirmed_by_from", "confirmed_by_to"],
        description="Whether both sides (or an editor) confirmed it.",
    )
    def confirmed(self) -> bool:
        return bool(self.is_confirmed)  # type: ignore[attr-defined]


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
            strawberry.argument(description="Sort order (default: by name)."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words to find in names, taglines, descriptions, places, "
                "industries and specialities."
            ),
        ] = None,
    ) -> Iterable[CompanyType]:
        qs = visibility.companies_visible_to(viewer_of(info))
        qs = filter_companies(qs, filters)
        if search and search.strip():
            qs = qs.filter(pk__in=search_ids(CompanyPage, search.strip()))
        if ordering is not None:
            qs = order_queryset(qs, ordering.field.value, ordering.direction)
        else:
            qs = qs.order_by("title", "pk")
        return qs  # type: ignore[return-value]
