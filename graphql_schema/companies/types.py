"""The ``Company`` and ``CompanyRelationship`` types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.db.models import BooleanField as DBBooleanField
from django.db.models import Exists, OuterRef, Q, Value
from strawberry.types import Info
from wagtail.rich_text import expand_db_html

from wagtail_network import graph, visibility
from wagtail_network.models import (
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    CompanySize,
    Follow,
    Position,
)
from wagtail_network.sql import count_subquery

from ..base.connection import NetworkConnection, capped, network_connection
from ..base.context import page_url, viewer_of
from ..base.enums import choices_enum
from ..base.fields import PkNode, visible_fk, visible_queryset
from ..base.images import (
    DEFAULT_SPEC,
    SPEC_DESCRIPTION,
    RenditionType,
    image_prefetch,
    rendition_of,
)
from ..vocab.types import IndustryType

if TYPE_CHECKING:
    # A member's positions name their company (members.types imports this module),
    # so ``employees`` is resolved by strawberry from the module path alone: an
    # import here, even for type checkers only, would close a cycle.
    MemberType = Any

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]

CompanySizeEnum = choices_enum(CompanySize, name="CompanySize", description="Number of employees.")
RelationshipKindEnum = choices_enum(
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

    get_queryset = visible_queryset(visibility.companies_visible_to)

    @strawberry_django.field(only=["description"], description="About the company (HTML).")
    def description(self) -> str:
        return expand_db_html(self.description) if self.description else ""  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=["specialities"], description="Specialities (tags), at most 100."
    )
    def specialities(self) -> list[str]:
        return capped(tag.name for tag in self.specialities.all())  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["url_path"],
        description="Absolute URL of the company page, on the origin of its Wagtail Site record.",
    )
    def url(self, info: Info) -> str | None:
        return page_url(info, self)

    @strawberry_django.field(
        only=["logo"],
        prefetch_related=[lambda info: image_prefetch("logo")],
        description="The logo in one size. " + SPEC_DESCRIPTION,
    )
    def logo(
        self,
        info: Info,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = DEFAULT_SPEC,
    ) -> RenditionType | None:
        return rendition_of(info, self.logo, spec)  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["cover"],
        prefetch_related=[lambda info: image_prefetch("cover")],
        description="The cover image in one size. " + SPEC_DESCRIPTION,
    )
    def cover(
        self,
        info: Info,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = "fill-1200x300",
    ) -> RenditionType | None:
        return rendition_of(info, self.cover, spec)  # type: ignore[attr-defined]

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

    @network_connection(
        NetworkConnection[MemberRef],
        description="Members the viewer may see with a position here that the viewer may see.",
    )
    def employees(
        self,
        info: Info,
        current: Annotated[
            bool | None,
            strawberry.argument(description="Only current (true) or only past (false) employees."),
        ] = None,
    ) -> Iterable[MemberRef]:
        return visibility.employees_of(viewer_of(info), self.pk, current=current).order_by(  # type: ignore[attr-defined,return-value]
            "title", "pk"
        )

    @network_connection(
        NetworkConnection[MemberRef],
        description="Your connections who work (`current: true`), worked (`false`) or either "
        "(null) here, by positions you may see, ordered by name; a company's admins also "
        "count positions claimed at their company. Empty for visitors and users without a "
        "profile.",
    )
    def viewer_connections(
        self,
        info: Info,
        current: Annotated[
            bool | None,
            strawberry.argument(
                description="Only connections working here now (true) or only those who held a "
                "position here that has ended (false; someone may be both)."
            ),
        ] = None,
    ) -> Iterable[MemberRef]:
        return graph.connections_at_company(viewer_of(info), self.pk, current=current).order_by(  # type: ignore[attr-defined,return-value]
            "title", "pk"
        )

    @network_connection(
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

    get_queryset = visible_queryset(visibility.relationships_visible_to)

    @strawberry_django.field(
        only=["confirmed_by_editor", "confirmed_by_from", "confirmed_by_to"],
        description="Whether both sides (or an editor) confirmed it.",
    )
    def confirmed(self) -> bool:
        return bool(self.is_confirmed)  # type: ignore[attr-defined]


__all__ = [
    "CompanyRelationshipType",
    "CompanySizeEnum",
    "CompanyType",
    "RelationshipKindEnum",
    "employee_count_expression",
    "follower_count_expression",
]
