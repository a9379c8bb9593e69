"""The ``Member`` type and its profile parts (positions, education, links, skills).

Who may see which member, field, position, edge and endorsement is decided only by
:mod:`wagtail_network.visibility`; the types here call it from ``get_queryset``
(root lists, connections, ``node(id:)`` and the optimizer's prefetches of nested
lists) and from annotations that the optimizer adds only when a field is selected
(:mod:`.expressions`), so that per-row answers (may the viewer see the e-mail
address? how does this member stand to the viewer?) cost no query per row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.db.models import Prefetch, QuerySet
from strawberry.types import Info
from wagtail.rich_text import expand_db_html

from wagtail_network import visibility
from wagtail_network.graph import (
    connection_path,
    connection_status_expression,
    degree_expression,
    suggestion_reasons,
)
from wagtail_network.models import (
    Education,
    Endorsement,
    EndorsementState,
    MemberLink,
    MemberPage,
    OpenTo,
    Position,
    Recommendation,
    Skill,
)
from wagtail_network.photos import member_photo_url

from ..base.connection import NetworkConnection, capped, network_connection
from ..base.context import page_url, viewer_of
from ..base.enums import choices_enum
from ..base.fields import PkNode, visible_fk, visible_queryset
from ..base.images import (
    DEFAULT_SPEC,
    SPEC_DESCRIPTION,
    RenditionType,
    check_spec,
    image_prefetch,
    rendition_of,
)
from ..vocab.types import IndustryType, SkillType
from .connections import connections_of, connections_prefetch
from .expressions import (
    field_visible_annotation,
    mutual_connection_count_expression,
    sees_field,
    visible_connection_count_expression,
)
from .paths import ConnectionPathType
from .suggestions import SuggestionReasonType

if TYPE_CHECKING:
    from ..companies.types import CompanyType

    # Endorsements point at members (endorsements.types imports this module), so
    # the reverse references are resolved by strawberry from the module path
    # alone: an import here, even for type checkers only, would close a cycle.
    EndorsementType = Any
    RecommendationType = Any

CompanyRef = Annotated["CompanyType", strawberry.lazy("graphql_schema.companies.types")]
EndorsementRef = Annotated["EndorsementType", strawberry.lazy("graphql_schema.endorsements.types")]
RecommendationRef = Annotated[
    "RecommendationType", strawberry.lazy("graphql_schema.endorsements.types")
]

OpenToEnum = choices_enum(OpenTo, name="OpenTo", description="What a member is open to.")


@strawberry.enum(name="ConnectionStatus", description="How a member stands to the viewer.")
class ConnectionStatusEnum(enum.Enum):
    NONE = strawberry.enum_value("NONE", description="No relation.")
    SELF = strawberry.enum_value("SELF", description="The viewer's own profile.")
    PENDING_SENT = strawberry.enum_value(
        "PENDING_SENT",
        description="The viewer invited them (also while the invitation is ignored: "
        "an ignore is never disclosed to the inviter).",
    )
    PENDING_RECEIVED = strawberry.enum_value(
        "PENDING_RECEIVED", description="They invited the viewer."
    )
    IGNORED = strawberry.enum_value(
        "IGNORED", description="They invited the viewer, who ignored it (can still accept)."
    )
    CONNECTED = strawberry.enum_value("CONNECTED", description="A 1st-degree connection.")
    BLOCKED = strawberry.enum_value(
        "BLOCKED", description="The viewer blocked them (only ever told to the blocker)."
    )


def live_endorsements_prefetch(info: Info) -> Prefetch:
    """Endorsements each member received that the viewer may see (one query for
    a whole page of members); counts and "endorsed by me" are read from it."""
    queryset = visibility.endorsements_visible_to(viewer_of(info)).only(
        "pk", "member_id", "skill_id", "endorser_id", "state", "is_hidden"
    )
    return Prefetch("endorsements_received", queryset=queryset, to_attr="_wn_endorsements")


# --------------------------------------------------------------------------
# Profile parts
# --------------------------------------------------------------------------


@strawberry.type(name="MemberSkill", description="A skill a member lists, with its endorsements.")
class MemberSkillType:
    skill: SkillType = strawberry.field(description="The skill.")
    endorsement_count: int = strawberry.field(
        description="Live endorsements of this skill that the viewer may see."
    )
    endorsed_by_viewer: bool = strawberry.field(
        description="Whether the viewer endorsed this member for this skill."
    )


def _positions_queryset(info: Info) -> QuerySet:
    """Positions the viewer may see, each with its company only when the viewer may
    see that company (a draft company reads null), current ones first."""
    user = viewer_of(info)
    companies = visibility.companies_visible_to(user)
    return (
        visibility.positions_visible_to(user)
        .prefetch_related(Prefetch("company", queryset=companies))
        .order_by("-is_current", "-start_date", "sort_order", "pk")
    )


def _positions_prefetch(info: Info) -> Prefetch:
    return Prefetch("positions", queryset=_positions_queryset(info), to_attr="_wn_positions")


@strawberry_django.type(
    Position,
    name="Position",
    description="A role a member holds or held. Listed only where the member's "
    "position visibility admits the viewer (and always to the company's admins).",
)
class PositionType(PkNode):
    title: str = strawberry_django.field(description="Job title.")
    company: CompanyRef | None = visible_fk(
        description="The company page, when it has one the viewer may see."
    )
    company_name: str = strawberry_django.field(
        description="Free-text company name, for companies without a page."
    )
    start_date: date | None = strawberry_django.field(description="First day.")
    end_date: date | None = strawberry_django.field(description="Last day (none if current).")
    is_current: bool = strawberry_django.field(description="Whether it is the current role.")

    @strawberry_django.field(
        only=["verified_at"], description="Confirmed by an admin of the company."
    )
    def verified(self) -> bool:
        return self.verified_at is not None  # type: ignore[attr-defined]

    get_queryset = visible_queryset(visibility.positions_visible_to)


@strawberry_django.type(Education, name="Education", description="A school or course.")
class EducationType:
    school: str = strawberry_django.field(description="School or institution.")
    degree: str = strawberry_django.field(description="Degree or certificate.")
    field_of_study: str = strawberry_django.field(description="Field of study.")
    start_year: int | None = strawberry_django.field(description="First year.")
    end_year: int | None = strawberry_django.field(description="Last year.")


@strawberry_django.type(MemberLink, name="MemberLink", description="A link on a profile.")
class MemberLinkType:
    label: str = strawberry_django.field(description="Link text.")
    url: str = strawberry_django.field(description="Target URL.")


# --------------------------------------------------------------------------
# Member
# --------------------------------------------------------------------------


@strawberry_django.type(
    MemberPage,
    name="Member",
    description="A member's profile. Only members the viewer may see are ever returned; "
    "fields the member hides from the viewer read null or empty.",
)
class MemberType(PkNode):
    slug: str = strawberry_django.field(description="URL slug, used by `member(slug:)`.")
    name: str = strawberry_django.field(field_name="title", description="Full name.")
    headline: str = strawberry_django.field(description="One-line professional headline.")
    city: str = strawberry_django.field(description="City.")
    country: str = strawberry_django.field(description="Country.")
    industry: IndustryType | None = strawberry_django.field(description="Industry.")
    joined_at: datetime | None = strawberry_django.field(
        field_name="first_published_at", description="When the profile first went live."
    )

    get_queryset = visible_queryset(visibility.members_visible_to)

    @strawberry_django.field(only=["bio"], description="About the member (HTML).")
    def bio(self) -> str:
        return expand_db_html(self.bio) if self.bio else ""  # type: ignore[attr-defined]

    @strawberry_django.field(only=["city", "country"], description="City and country, as one line.")
    def location(self) -> str:
        return ", ".join(p for p in (self.city, self.country) if p)  # type: ignore[attr-defined]

    @strawberry_django.field(only=["languages"], description="Languages the member speaks.")
    def languages(self) -> list[str]:
        raw = self.languages or ""  # type: ignore[attr-defined]
        return capped(part.strip() for part in raw.split(",") if part.strip())

    @strawberry_django.field(
        only=list(MemberPage.OPEN_TO_FIELDS.values()),
        description="What the member is open to (hiring, a new job, …).",
    )
    def open_to(self) -> list[OpenToEnum]:  # type: ignore[valid-type]
        return [OpenTo(value) for value in self.open_to]  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=["interests"], description="Interests (tags), at most 100."
    )
    def interests(self) -> list[str]:
        return capped(tag.name for tag in self.interests.all())  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=[
            lambda info: Prefetch("skills", queryset=Skill.objects.order_by("name", "pk")),
            live_endorsements_prefetch,
        ],
        description="Skills the member lists (at most 100), with endorsement counts.",
    )
    def skills(self, info: Info) -> list[MemberSkillType]:
        endorsements = getattr(self, "_wn_endorsements", None)
        if endorsements is None:  # resolved outside the optimizer: same rule, one query
            endorsements = list(
                visibility.endorsements_visible_to(
                    viewer_of(info),
                    Endorsement.objects.filter(member_id=self.pk),  # type: ignore[attr-defined]
                )
            )
        me = visibility.viewer_member_id(viewer_of(info))
        counts: dict[int, int] = {}
        mine: set[int] = set()
        for endorsement in endorsements:
            if endorsement.state == EndorsementState.LIVE and not endorsement.is_hidden:
                counts[endorsement.skill_id] = counts.get(endorsement.skill_id, 0) + 1
            if me is not None and endorsement.endorser_id == me:
                mine.add(endorsement.skill_id)
        return [
            MemberSkillType(
                skill=skill,  # type: ignore[arg-type]
                endorsement_count=counts.get(skill.pk, 0),
                endorsed_by_viewer=skill.pk in mine,
            )
            for skill in capped(self.skills.all())  # type: ignore[attr-defined]
        ]

    @strawberry_django.field(
        only=["name_needs_review"],
        description="True while the profile shows a neutral placeholder name because its "
        "name came from the account's username or e-mail address: the member should give "
        "their name (`updateMyProfile(input: {name: …})`, which clears it). Told only to "
        "the member, editors and moderators; null for everyone else.",
    )
    def needs_display_name(self, info: Info) -> bool | None:
        if not visibility.sees_owner_state(viewer_of(info), self.pk):  # type: ignore[attr-defined]
            return None
        return self.name_needs_review  # type: ignore[attr-defined]

    @strawberry_django.field(
        description="Why the viewer may know this member, strongest first (mutual "
        "connections, a shared company, skills …): empty unless the member is one of the "
        "viewer's suggestions (`viewer.suggestions`). Computed once per request for all of "
        "them, from what the viewer may see.",
    )
    def suggestion_reasons(self, info: Info) -> list[SuggestionReasonType]:

        reasons = suggestion_reasons(viewer_of(info)).get(self.pk, [])  # type: ignore[attr-defined]
        return [SuggestionReasonType.of(reason) for reason in reasons]

    @strawberry_django.field(
        only=["contact_email", "email_visibility"],
        annotate={"_wn_email_visible": field_visible_annotation("email")},
        description="Contact e-mail; null unless the member's e-mail visibility admits the viewer.",
    )
    def email(self, info: Info) -> str | None:
        if not sees_field(self, info, "email"):
            return None
        return self.contact_email or None  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["contact_phone", "phone_visibility"],
        annotate={"_wn_phone_visible": field_visible_annotation("phone")},
        description="Contact phone; null unless the member's phone visibility admits the viewer.",
    )
    def phone(self, info: Info) -> str | None:
        if not sees_field(self, info, "phone"):
            return None
        return self.contact_phone or None  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=[_positions_prefetch],
        description="Positions, current first (at most 100), when the member's position "
        "visibility admits the viewer; a company's admins always see positions claimed at "
        "their company.",
    )
    def positions(
        self,
        info: Info,
        current: Annotated[
            bool | None,
            strawberry.argument(description="Only current (true) or only past (false) ones."),
        ] = None,
    ) -> list[PositionType]:
        positions = getattr(self, "_wn_positions", None)
        if positions is None:  # resolved outside the optimizer: same rule, same shape
            positions = list(_positions_queryset(info).filter(member_id=self.pk))  # type: ignore[attr-defined]
        if current is not None:
            positions = [p for p in positions if p.is_current == current]
        return capped(positions)

    @strawberry_django.field(prefetch_related=["education"], description="Education (at most 100).")
    def education(self) -> list[EducationType]:
        return capped(self.education.all())  # type: ignore[attr-defined]

    @strawberry_django.field(prefetch_related=["links"], description="Links (at most 100).")
    def links(self) -> list[MemberLinkType]:
        return capped(self.links.all())  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["url_path"],
        description="Absolute URL of the profile page, on the origin of its Wagtail Site record.",
    )
    def url(self, info: Info) -> str | None:
        return page_url(info, self)

    @strawberry_django.field(
        only=["photo"],
        prefetch_related=[lambda info: image_prefetch("photo")],
        description="The profile photo in one size, at its checked address (served only "
        "to viewers who may see the profile). " + SPEC_DESCRIPTION,
    )
    def photo(
        self,
        info: Info,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = DEFAULT_SPEC,
    ) -> RenditionType | None:
        # The checked address, never the rendition file's public one: the file is
        # served by wagtail_network.views.member_photo to who may see the profile.
        check_spec(spec)
        return rendition_of(
            info,
            self.photo,  # type: ignore[attr-defined]
            spec,
            served_at=member_photo_url(self, spec),
        )

    @strawberry_django.field(
        annotate={
            "_wn_connection_count": lambda info: visible_connection_count_expression(
                viewer_of(info)
            )
        },
        description="Number of the member's connections the viewer may know of.",
    )
    def connection_count(self, info: Info) -> int:
        value = getattr(self, "_wn_connection_count", None)
        if value is None:
            value = visibility.connections_of(viewer_of(info), self.pk).count()  # type: ignore[attr-defined]
        return value

    @strawberry_django.field(
        annotate={
            "_wn_mutual_count": lambda info: mutual_connection_count_expression(viewer_of(info))
        },
        description="Number of members connected to both the viewer and this member, through "
        "edges the viewer may know of (0 for visitors and for the viewer's own profile).",
    )
    def mutual_connection_count(self, info: Info) -> int:
        value = getattr(self, "_wn_mutual_count", None)
        if value is None:
            value = visibility.mutual_connections(viewer_of(info), self.pk).count()  # type: ignore[attr-defined]
        return value

    @strawberry_django.field(
        annotate={"_wn_degree": lambda info: degree_expression(viewer_of(info))},
        description="1, 2 or 3 when the member is that many connections away from the viewer, "
        "else null. Computed over the whole network (a deliberate disclosure: it describes "
        "the viewer's own network).",
    )
    def degree(self, info: Info) -> int | None:
        if hasattr(self, "_wn_degree"):
            return self._wn_degree  # type: ignore[attr-defined]
        return (
            MemberPage.objects.filter(pk=self.pk)  # type: ignore[attr-defined]
            .annotate(_d=degree_expression(viewer_of(info)))
            .values_list("_d", flat=True)
            .first()
        )

    @strawberry_django.field(
        description='How you are connected to this member ("how you are connected"): the '
        "shortest path of at most 3 hops through members and connections you may see, with "
        "the degree counted over the whole network (the deliberate disclosure of `degree`); "
        "says `hidden` when every path runs through connections who keep their list private. "
        "Null for visitors, users without a profile and your own profile. Meant for one "
        "member at a time (a profile page): it asks up to 5 queries per member, so do not "
        "select it on a list of members.",
    )
    def connection_path(self, info: Info) -> ConnectionPathType | None:
        viewer = viewer_of(info)
        me = visibility.viewer_member_id(viewer)
        if me is None or me == self.pk:  # type: ignore[attr-defined]
            return None
        return ConnectionPathType.of(connection_path(viewer, self.pk))  # type: ignore[attr-defined]

    @strawberry_django.field(
        annotate={"_wn_status": lambda info: connection_status_expression(viewer_of(info))},
        description="How the member stands to the viewer (always given to the viewer).",
    )
    def connection_status(self, info: Info) -> ConnectionStatusEnum:
        value = getattr(self, "_wn_status", None)
        if value is None:
            value = (
                MemberPage.objects.filter(pk=self.pk)  # type: ignore[attr-defined]
                .annotate(_s=connection_status_expression(viewer_of(info)))
                .values_list("_s", flat=True)
                .first()
            )
        return ConnectionStatusEnum(value or "NONE")

    @network_connection(
        NetworkConnection["MemberType"],
        prefetch_related=[connections_prefetch],
        description="The member's connections, through edges the viewer may know of "
        "(empty when the member hides the list from the viewer).",
    )
    def connections(self, info: Info) -> Iterable[MemberType]:
        return connections_of(self, info)  # type: ignore[arg-type,return-value]

    @network_connection(
        NetworkConnection["MemberType"],
        description="Members connected to both the viewer and this member, through edges "
        "the viewer may know of.",
    )
    def mutual_connections(self, info: Info) -> Iterable[MemberType]:
        return visibility.mutual_connections(viewer_of(info), self.pk).order_by("title", "pk")  # type: ignore[attr-defined,return-value]

    @network_connection(
        NetworkConnection[EndorsementRef],
        description="Endorsements the member received that the viewer may see.",
    )
    def endorsements_received(self, info: Info) -> Iterable[EndorsementRef]:
        return visibility.endorsements_visible_to(  # type: ignore[return-value]
            viewer_of(info),
            Endorsement.objects.filter(member_id=self.pk),  # type: ignore[attr-defined]
        ).order_by("-created_at", "-pk")

    @network_connection(
        NetworkConnection[RecommendationRef],
        description="Recommendations the member received that the viewer may see.",
    )
    def recommendations_received(self, info: Info) -> Iterable[RecommendationRef]:
        return visibility.recommendations_visible_to(  # type: ignore[return-value]
            viewer_of(info),
            Recommendation.objects.filter(member_id=self.pk),  # type: ignore[attr-defined]
        ).order_by("-created_at", "-pk")


__all__ = [
    "ConnectionStatusEnum",
    "EducationType",
    "MemberLinkType",
    "MemberSkillType",
    "MemberType",
    "OpenToEnum",
    "PositionType",
]
