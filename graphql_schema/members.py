"""Members: the ``Member`` type, its profile parts and the ``member``/``members`` root fields.

Who may see which member, field, position, edge and endorsement is decided only by
:mod:`wagtail_network.visibility`; the types here call it from ``get_queryset``
(root lists, connections, ``node(id:)`` and the optimizer's prefetches of nested
lists) and from annotations that the optimizer adds only when a field is selected,
so that per-row answers (may the viewer see the e-mail address? how does this
member stand to the viewer?) cost no query per row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    Window,
)
from strawberry.types import Info
from strawberry_django.optimizer import optimize
from wagtail.rich_text import expand_db_html

from wagtail_network import visibility
from wagtail_network.graph import connection_status_expression, degree_expression
from wagtail_network.models import (
    ConnectionEdge,
    Education,
    Endorsement,
    EndorsementState,
    MemberLink,
    MemberPage,
    OpenTo,
    Position,
    Skill,
)
from wagtail_network.sql import bool_expression, count_subquery

from .images import DEFAULT_SPEC, SPEC_DESCRIPTION, RenditionType, image_prefetch, rendition_of
from .relay import (
    MAX_PAGE_SIZE,
    NetworkConnection,
    PkNode,
    page_url,
    viewer_of,
    visible_fk,
)
from .vocab import IndustryType, SkillType

if TYPE_CHECKING:
    from .companies import CompanyType
    from .endorsements import EndorsementType, RecommendationType

CompanyRef = Annotated["CompanyType", strawberry.lazy("graphql_schema.companies")]
EndorsementRef = Annotated["EndorsementType", strawberry.lazy("graphql_schema.endorsements")]
RecommendationRef = Annotated["RecommendationType", strawberry.lazy("graphql_schema.endorsements")]

OpenToEnum = strawberry.enum(OpenTo, name="OpenTo", description="What a member is open to.")


@strawberry.enum(name="ConnectionStatus", description="How a member stands to the viewer.")
class ConnectionStatusEnum(enum.Enum):
    NONE = "NONE"
    SELF = "SELF"
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
    CONNECTED = "CONNECTED"
    BLOCKED = strawberry.enum_value(
        "BLOCKED", description="The viewer blocked them (only ever told to the blocker)."
    )


# --------------------------------------------------------------------------
# Per-row viewer facts as SQL expressions
# --------------------------------------------------------------------------


def visible_connection_count_expression(user: Any) -> Any:
    """How many of the row's edges the viewer may know of."""
    edges = visibility.edges_visible_to(
        user, ConnectionEdge.objects.filter(member_id=OuterRef("pk"))
    )
    return count_subquery(edges, "member_id")


def mutual_connection_count_expression(user: Any) -> Any:
    """How many members are connected to both the viewer and the row, through
    edges the viewer may know of (the same rows as ``mutualConnections``)."""
    me = visibility.viewer_member_id(user)
    if me is None:
        return Value(0, output_field=IntegerField())
    mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
    edges = visibility.edges_visible_to(
        user,
        ConnectionEdge.objects.filter(member_id=OuterRef("pk"), other_id__in=mine).exclude(
            member_id=me  # none with oneself
        ),
    )
    return count_subquery(edges, "member_id", "other_id")


def _field_visible(field: str) -> Any:
    return lambda info: bool_expression(visibility.field_visible_q(viewer_of(info), field))


def _live_endorsements(info: Info) -> Prefetch:
    """Endorsements each member received that the viewer may see (one query for
    a whole page of members); counts and "endorsed by me" are read from it."""
    queryset = visibility.endorsements_visible_to(viewer_of(info)).only(
        "pk", "member_id", "skill_id", "endorser_id", "state", "is_hidden"
    )
    return Prefetch("endorsements_received", queryset=queryset, to_attr="_wn_endorsements")


#: Node fields a batched ``connections`` page can answer from the member row
#: itself, and the per-row viewer facts it adds as annotations when selected.
_FLAT_NODE_FIELDS = {
    "__typename",
    "id",
    "slug",
    "name",
    "headline",
    "city",
    "country",
    "location",
    "languages",
    "openTo",
    "bio",
    "url",
    "joinedAt",
}
_NODE_ANNOTATIONS: dict[str, tuple[str, Any]] = {
    "connectionStatus": ("_wn_status", lambda user: connection_status_expression(user)),
    "degree": ("_wn_degree", lambda user: degree_expression(user)),
    "connectionCount": (
        "_wn_connection_count",
        lambda user: visible_connection_count_expression(user),
    ),
    "mutualConnectionCount": (
        "_wn_mutual_count",
        lambda user: mutual_connection_count_expression(user),
    ),
    "email": (
        "_wn_email_visible",
        lambda user: bool_expression(visibility.field_visible_q(user, "email")),
    ),
    "phone": (
        "_wn_phone_visible",
        lambda user: bool_expression(visibility.field_visible_q(user, "phone")),
    ),
}


def _names(selections: Any) -> set[str]:
    """Field names in a selection set, looking through fragments."""
    names: set[str] = set()
    for selection in selections or []:
        name = getattr(selection, "name", None)
        if hasattr(selection, "arguments") and name is not None:  # a field
            names.add(name)
        else:  # inline fragment or fragment spread
            names |= _names(selection.selections)
    return names


def _node_selections(selections: Any, path: tuple[str, ...]) -> list[Any]:
    found: list[Any] = []
    for selection in selections or []:
        name = getattr(selection, "name", None)
        if hasattr(selection, "arguments") and name is not None:
            if name == path[0]:
                found += (
                    list(selection.selections or [])
                    if len(path) == 1
                    else _node_selections(selection.selections, path[1:])
                )
        else:
            found += _node_selections(selection.selections, path)
    return found


def _batch_plan(info: Info) -> tuple[str, int, set[str]] | None:
    """How a ``connections`` selection can be answered for a whole list of members
    at once: its response key, the rows from the start its page needs (one more,
    to tell ``hasNextPage``) and the annotated node fields it asks for. ``None``
    when it cannot (backward paging, or nodes asking for nested objects or lists,
    which the optimizer handles better per member)."""
    from strawberry.relay.utils import from_base64

    selected = info.selected_fields[0] if info.selected_fields else None
    if selected is None:
        return None
    arguments = selected.arguments or {}
    if arguments.get("last") is not None or arguments.get("before") is not None:
        return None
    node_fields = _names(_node_selections(selected.selections, ("edges", "node")))
    annotated = node_fields & _NODE_ANNOTATIONS.keys()
    if node_fields - _FLAT_NODE_FIELDS - annotated:
        return None
    first = arguments.get("first")
    first = MAX_PAGE_SIZE if first is None else min(max(int(first), 0), MAX_PAGE_SIZE)
    offset = 0
    after = arguments.get("after")
    if after is not None:
        try:
            offset = int(from_base64(after)[1]) + 1
        except Exception:  # noqa: BLE001 - the connection refuses it as INVALID_ARGUMENT
            return None
    return f"_wn_conn_{selected.alias or selected.name}", offset + first + 1, annotated


def _connections_prefetch(info: Info) -> Prefetch:
    """Each listed member's visible connections, a page's worth per member, in two
    queries for a whole list of members: the edges (a window per member, with the
    member's total as ``_wn_total``) and the connected members with the viewer
    facts the page asks for."""
    plan = _batch_plan(info)
    if plan is None:
        # Nothing to batch: an empty prefetch runs no query.
        return Prefetch("edges", queryset=ConnectionEdge.objects.none(), to_attr="_wn_conn_none")
    to_attr, limit, annotated = plan
    user = viewer_of(info)
    others = MemberPage.objects.annotate(
        **{_NODE_ANNOTATIONS[name][0]: _NODE_ANNOTATIONS[name][1](user) for name in annotated}
    )
    edges = (
        visibility.edges_visible_to(user, ConnectionEdge.objects.all())
        .annotate(
            _wn_total=Window(Count("pk"), partition_by=[F("member_id")]),
            _wn_other_title=F("other__title"),
        )
        .prefetch_related(Prefetch("other", queryset=others))
        .order_by("_wn_other_title", "other_id")
    )
    return Prefetch("edges", queryset=edges[:limit], to_attr=to_attr)


def _prefetched_connections(member: Any, info: Info) -> list[Any] | None:
    """The batched page for ``member``, when :func:`_connections_prefetch` made one."""
    plan = _batch_plan(info)
    if plan is None:
        return None
    edges = getattr(member, plan[0], None)
    if edges is None:
        return None
    nodes = []
    for edge in edges:
        node = edge.other
        # DjangoListConnection reads totalCount from the first node.
        node._strawberry_total_count = edge._wn_total
        nodes.append(node)
    return nodes


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

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.positions_visible_to(viewer_of(info), queryset)


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

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        return visibility.members_visible_to(viewer_of(info), queryset)

    @strawberry_django.field(only=["bio"], description="About the member (HTML).")
    def bio(self) -> str:
        return expand_db_html(self.bio) if self.bio else ""  # type: ignore[attr-defined]

    @strawberry_django.field(only=["city", "country"], description="City and country, as one line.")
    def location(self) -> str:
        return ", ".join(p for p in (self.city, self.country) if p)  # type: ignore[attr-defined]

    @strawberry_django.field(only=["languages"], description="Languages the member speaks.")
    def languages(self) -> list[str]:
        raw = self.languages or ""  # type: ignore[attr-defined]
        return [part.strip() for part in raw.split(",") if part.strip()][:MAX_PAGE_SIZE]

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
        return [tag.name for tag in self.interests.all()][:MAX_PAGE_SIZE]  # type: ignore[attr-defined]

    @strawberry_django.field(
        prefetch_related=[
            lambda info: Prefetch("skills", queryset=Skill.objects.order_by("name", "pk")),
            _live_endorsements,
        ],
        description="Skills the member lists (at most 100), with endorsement counts.",
    )
    def skills(self, info: Info) -> list[MemberSkillType]:
        endorsements = getattr(self, "_wn_endorsements", None)
        if endorsements is None:  # resolved outside the optimizer: same rule, one query
            endorsements = list(
                visibility.endorsements_visible_to(
                    viewer_of(info), Endorsement.objects.filter(member_id=self.pk)
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
            for skill in list(self.skills.all())[:MAX_PAGE_SIZE]  # type: ignore[attr-defined]
        ]

    @strawberry_django.field(
        only=["contact_email", "email_visibility"],
        annotate={"_wn_email_visible": _field_visible("email")},
        description="Contact e-mail; null unless the member's e-mail visibility admits the viewer.",
    )
    def email(self, info: Info) -> str | None:
        if not _sees_field(self, info, "email"):
            return None
        return self.contact_email or None  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["contact_phone", "phone_visibility"],
        annotate={"_wn_phone_visible": _field_visible("phone")},
        description="Contact phone; null unless the member's phone visibility admits the viewer.",
    )
    def phone(self, info: Info) -> str | None:
        if not _sees_field(self, info, "phone"):
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
        return positions[:MAX_PAGE_SIZE]

    @strawberry_django.field(prefetch_related=["education"], description="Education (at most 100).")
    def education(self) -> list[EducationType]:
        return list(self.education.all())[:MAX_PAGE_SIZE]  # type: ignore[attr-defined]

    @strawberry_django.field(prefetch_related=["links"], description="Links (at most 100).")
    def links(self) -> list[MemberLinkType]:
        return list(self.links.all())[:MAX_PAGE_SIZE]  # type: ignore[attr-defined]

    @strawberry_django.field(only=["url_path"], description="Absolute URL of the profile page.")
    def url(self, info: Info) -> str | None:
        return page_url(info, self.url_path)  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=["photo"],
        prefetch_related=[lambda info: image_prefetch("photo")],
        description="The profile photo in one size. " + SPEC_DESCRIPTION,
    )
    def photo(
        self,
        spec: Annotated[str, strawberry.argument(description=SPEC_DESCRIPTION)] = DEFAULT_SPEC,
    ) -> RenditionType | None:
        return rendition_of(self.photo, spec)  # type: ignore[attr-defined]

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

    @strawberry_django.connection(
        NetworkConnection["MemberType"],
        prefetch_related=[_connections_prefetch],
        description="The member's connections, through edges the viewer may know of "
        "(empty when the member hides the list from the viewer).",
    )
    def connections(self, info: Info) -> Iterable[MemberType]:
        prefetched = _prefetched_connections(self, info)
        if prefetched is not None:
            return prefetched  # type: ignore[return-value]
        return visibility.connections_of(viewer_of(info), self.pk).order_by("title", "pk")  # type: ignore[attr-defined,return-value]

    @strawberry_django.connection(
        NetworkConnection["MemberType"],
        description="Members connected to both the viewer and this member, through edges "
        "the viewer may know of.",
    )
    def mutual_connections(self, info: Info) -> Iterable[MemberType]:
        return visibility.mutual_connections(viewer_of(info), self.pk).order_by("title", "pk")  # type: ignore[attr-defined,return-value]

    @strawberry_django.connection(
        NetworkConnection[EndorsementRef],
        description="Endorsements the member received that the viewer may see.",
    )
    def endorsements_received(self, info: Info) -> Iterable[EndorsementRef]:
        return visibility.endorsements_visible_to(  # type: ignore[return-value]
            viewer_of(info),
            Endorsement.objects.filter(member_id=self.pk),  # type: ignore[attr-defined]
        ).order_by("-created_at", "-pk")

    @strawberry_django.connection(
        NetworkConnection[RecommendationRef],
        description="Recommendations the member received that the viewer may see.",
    )
    def recommendations_received(self, info: Info) -> Iterable[RecommendationRef]:
        from wagtail_network.models import Recommendation

        return visibility.recommendations_visible_to(  # type: ignore[return-value]
            viewer_of(info),
            Recommendation.objects.filter(member_id=self.pk),  # type: ignore[attr-defined]
        ).order_by("-created_at", "-pk")


def _sees_field(member: Any, info: Info, field: str) -> bool:
    value = getattr(member, f"_wn_{field}_visible", None)
    if value is None:  # resolved outside the optimizer: ask the same rule set
        return visibility.can_see_field(viewer_of(info), member, field)
    return bool(value)


# --------------------------------------------------------------------------
# Root fields: member(slug:), members(filters, ordering, search)
# --------------------------------------------------------------------------


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


@strawberry.enum(name="OrderDirection", description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(name="MemberOrdering", description="Sort order for members.")
class MemberOrdering:
    field: MemberOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


def search_ids(model: type, query: str) -> list[int]:
    """Primary keys of ``model`` pages matching ``query`` in Wagtail's search backend.

    Only fields that every viewer of a profile may see are indexed (see the
    models' ``search_fields``); the caller intersects these ids with the viewer's
    visibility queryset in SQL, so a hidden profile never matches.
    """
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    results = backend.search(query, model.objects.live().only("pk"), operator="and")
    return [page.pk for page in results[:1000]]


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


def order_queryset(qs: QuerySet, field: str, direction: OrderDirection) -> QuerySet:
    from django.db.models import F

    expression = (
        F(field).desc(nulls_last=True)
        if direction == OrderDirection.DESC
        else F(field).asc(nulls_last=True)
    )
    return qs.order_by(expression, "pk")


@strawberry.type
class MemberQuery:
    @strawberry_django.field(description="One member by slug; null when missing or not visible.")
    def member(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The profile's URL slug.")],
    ) -> MemberType | None:
        qs = visibility.members_visible_to(viewer_of(info)).filter(slug=slug)
        return optimize(qs, info).first()  # type: ignore[return-value]

    @strawberry_django.connection(
        NetworkConnection[MemberType],
        description="The member directory: only members the viewer may see; filters, "
        "search and ordering act on what the viewer may see.",
    )
    def members(
        self,
        info: Info,
        filters: Annotated[
            MemberFilter | None, strawberry.argument(description="Narrow the list.")
        ] = None,
        ordering: Annotated[
            MemberOrdering | None, strawberry.argument(description="Sort order (default: by name).")
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words to find in names, headlines, bios, places, skills and interests."
            ),
        ] = None,
    ) -> Iterable[MemberType]:
        user = viewer_of(info)
        qs = visibility.members_visible_to(user)
        qs = filter_members(user, qs, filters)
        if search and search.strip():
            qs = qs.filter(pk__in=search_ids(MemberPage, search.strip()))
        if ordering is not None:
            qs = order_queryset(qs, ordering.field.value, ordering.direction)
        else:
            qs = qs.order_by("title", "pk")
        return qs  # type: ignore[return-value]


__all__ = [
    "ConnectionStatusEnum",
    "MemberQuery",
    "MemberType",
    "PositionType",
    "connection_status_expression",
    "degree_expression",
]
