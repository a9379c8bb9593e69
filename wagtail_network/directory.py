"""Template contexts of the plugin's public pages: both directories and both profile pages.

The page models call these lazily from ``get_context`` (and ``serve`` calls
:func:`check_page_visible`). Everything here asks :mod:`wagtail_network.visibility`
what the viewer may see; no rule is decided in this module. Lists are querysets
filtered in SQL, annotated with correlated subqueries for counts and prefetched
for what each card shows, so a directory page runs the same number of queries
whatever its page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import graph, visibility
from .conf import get_setting
from .filters import CompanyFilterSet, DirectoryFilterSet, MemberFilterSet
from .models import (
    CompanyPage,
    CompanyRelationship,
    CompanySize,
    Endorsement,
    EndorsementState,
    Follow,
    Industry,
    MemberPage,
    OpenTo,
    Position,
    Recommendation,
    RecommendationState,
    Skill,
)
from .sql import count_subquery
from .viewer import Viewer

if TYPE_CHECKING:
    from .models import CompanyIndexPage, MemberIndexPage

#: Employees shown on a company page, and connections in a profile's sidebar,
#: before "N in total".
PROFILE_LIST_LIMIT = 24
SIDEBAR_LIST_LIMIT = 12

ORDER_RELEVANCE = "relevance"
ORDER_NAME = "name"
ORDER_NEWEST = "newest"

#: The sort orders a directory page offers ("Best match" only while searching).
ORDERINGS: dict[str, Any] = {
    ORDER_NAME: _("Name"),
    ORDER_NEWEST: _("Newest"),
    ORDER_RELEVANCE: _("Best match"),
}
#: The page's ``order`` values and the :mod:`wagtail_network.filters` keys they stand for.
_ORDER_KEYS = {ORDER_NAME: "name", ORDER_NEWEST: "-joined", ORDER_RELEVANCE: "relevance"}
_PAGE_ORDERS = {key: page_key for page_key, key in _ORDER_KEYS.items()}


# --------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------


def check_page_visible(request: HttpRequest, page: Any) -> None:
    """Raise ``Http404`` unless the viewer may see this profile page.

    A profile the viewer may not see reads exactly like a missing page (PRODUCT.md:
    "a forbidden object reads exactly like a missing one"), so this answers 404,
    never 403. Previews are not checked here: Wagtail only lets users with edit
    rights preview a page, and previews do not go through ``serve``.
    """
    user = _user(request)
    # The request lets a password-protected section admit a visitor who entered
    # its password in this session, as Wagtail itself does before serving.
    if isinstance(page, MemberPage):
        visible = visibility.members_visible_to(user, request=request)
    elif isinstance(page, CompanyPage):
        visible = visibility.companies_visible_to(user, request=request)
    else:  # pragma: no cover - only the two profile types call this
        return
    if not visible.filter(pk=page.pk).exists():
        raise Http404


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _user(request: HttpRequest) -> Viewer:
    """The request's viewer, shared by every rule the page asks (and by GraphQL)."""
    return Viewer.for_request(request)


def _live_endorsements(user: Any) -> QuerySet:
    """Endorsements the viewer may see that count in public figures (live, not hidden)."""
    return visibility.endorsements_visible_to(
        user, Endorsement.objects.filter(state=EndorsementState.LIVE, is_hidden=False)
    )


@dataclass
class PageListing:
    """One page of a list, with what ``includes/pagination.html`` needs to page through it
    (the directories and My network's connections)."""

    page: PaginatorPage

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def page_range(self) -> list[int | str]:
        """Page numbers to link, with ``ellipsis`` standing for the gaps."""
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )

    @property
    def ellipsis(self) -> str:
        return str(self.page.paginator.ELLIPSIS)


@dataclass
class Listing(PageListing):
    """One page of a directory listing, in the order it was sorted by."""

    ordering: str


def _filter(
    request: HttpRequest, filterset_class: type[DirectoryFilterSet], page: Any
) -> DirectoryFilterSet:
    """The directory's filter set over the query string, with the page's order names."""
    criteria = request.GET.copy()
    # "newest" is the page's word for "-joined"; a key the page does not offer is
    # left to the default, so the page only ever sorts the ways its form offers.
    criteria["order"] = _ORDER_KEYS.get((request.GET.get("order") or "").strip(), "")
    return filterset_class.for_viewer(_user(request), criteria, within=page)


def _paginate(request: HttpRequest, filterset: DirectoryFilterSet, prepare: Any) -> Listing:
    """Paginate the filter set's ordered queryset (already filtered for visibility).

    ``prepare`` turns a queryset of one page's rows into the annotated, prefetched
    queryset the cards need, so the costly part runs for one page only. Bad page
    numbers (``?page=abc``, ``?page=99999``) fall back to the first or last page.
    """
    page_size = max(1, int(get_setting("DIRECTORY_PAGE_SIZE")))
    paginator = Paginator(filterset.qs, page_size)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(prepare(page.object_list))
    ordering = _PAGE_ORDERS.get(filterset.ordering, ORDER_NAME)
    return Listing(page=page, ordering=ordering)


def _echo(filterset: DirectoryFilterSet, *names: str) -> dict[str, str]:
    """The valid criteria as the search form shows them (one value per control)."""
    cleaned = filterset.criteria
    echo = {}
    for name in names:
        value = cleaned.get(name)
        if isinstance(value, list):  # a select shows one value; all of them apply
            value = value[0] if value else ""
        echo[name] = value or ""
    return echo


def _ordering_choices(searching: bool) -> list[tuple[str, Any]]:
    return [(key, label) for key, label in ORDERINGS.items() if key != ORDER_RELEVANCE or searching]


def _listing_context(
    request: HttpRequest,
    page: Any,
    filterset_class: type[DirectoryFilterSet],
    prepare: Any,
    rows: str,
    echoed: Sequence[str],
) -> dict[str, Any]:
    """What both directories show: one page of rows (as ``listing`` and as ``rows``),
    the search words, the criteria echoed back, the orderings and the industries."""
    filterset = _filter(request, filterset_class, page)
    listing = _paginate(request, filterset, prepare)
    query = filterset.criteria.get("q") or ""
    filters = _echo(filterset, *echoed)
    return {
        "listing": listing,
        rows: listing.items,
        "query": query,
        "filters": filters,
        "active_filters": any(filters.values()),
        "orderings": _ordering_choices(bool(query)),
        # Filter choices as plain dicts: no model instances for a few hundred options.
        "industries": Industry.objects.order_by("name").values("name", "slug"),
    }


def _visible_companies_q(user: Any, prefix: str = "company_id") -> Exists:
    return Exists(visibility.companies_visible_to(user).filter(pk=OuterRef(prefix)))


# --------------------------------------------------------------------------
# Member directory
# --------------------------------------------------------------------------


def _member_cards(user: Any) -> Any:
    """Annotations and prefetches for member cards: constant queries per page."""
    current_positions = (
        visibility.positions_visible_to(user, Position.objects.filter(is_current=True))
        .select_related("company")
        .annotate(company_visible=_visible_companies_q(user))
        .order_by(F("start_date").desc(nulls_last=True), "sort_order")
    )

    def prepare(queryset: QuerySet) -> QuerySet:
        return (
            queryset.select_related("industry", "photo")
            .prefetch_related(
                "skills",
                "photo__renditions",
                Prefetch("positions", queryset=current_positions, to_attr="visible_positions"),
            )
            .annotate(
                endorsement_count=count_subquery(
                    _live_endorsements(user).filter(member_id=OuterRef("pk")), "member_id"
                )
            )
        )

    return prepare


def _attach_degrees(user: Any, members: list[MemberPage]) -> None:
    """Set ``degree`` (1, 2, 3 or ``None``) on each member, relative to the viewer.

    The viewer's own network is always described, as LinkedIn does (PRODUCT.md:
    a deliberate disclosure); at most three queries for the whole page.
    """
    found = graph.degrees(user, [member.pk for member in members]) if members else {}
    for member in members:
        member.degree = found.get(member.pk)


def member_directory_context(request: HttpRequest, page: MemberIndexPage) -> dict[str, Any]:
    """Context of the member directory: visible members, searched, filtered, ordered, paged.

    Query string: ``q`` (search), ``industry`` and ``skill`` (slugs), ``location``
    (city or country), ``company`` (slug of a company the member works at now, as
    far as the viewer may see positions), ``open_to`` (an :class:`OpenTo` value),
    ``order`` (``name``, ``newest``, ``relevance``) and ``page``.
    """
    user = _user(request)
    context = _listing_context(
        request,
        page,
        MemberFilterSet,
        _member_cards(user),
        "members",
        ("industry", "skill", "location", "company", "open_to"),
    )
    _attach_degrees(user, context["members"])
    return context | {
        "skills": Skill.objects.order_by("name").values("name", "slug"),
        "companies": visibility.companies_visible_to(user)
        .filter(live=True)
        .order_by("title")
        .values("title", "slug"),
        "open_to_choices": OpenTo.choices,
    }


# --------------------------------------------------------------------------
# Company directory
# --------------------------------------------------------------------------


def _company_cards(user: Any) -> Any:
    def prepare(queryset: QuerySet) -> QuerySet:
        # The same figures as GraphQL's employeeCount/followerCount: only members
        # the viewer may see, through positions the viewer may see.
        visible_members = visibility.members_visible_to(user).values("pk")
        employees = visibility.positions_visible_to(
            user, Position.objects.filter(company_id=OuterRef("pk"), is_current=True)
        ).filter(member_id__in=visible_members)
        employee_count: Any = Subquery(
            employees.order_by()
            .values("company_id")
            .annotate(n=Count("member_id", distinct=True))
            .values("n")[:1],
            output_field=IntegerField(),
        )
        return (
            queryset.select_related("industry", "logo")
            .prefetch_related("logo__renditions")
            .annotate(
                employee_count=Coalesce(employee_count, Value(0)),
                follower_count=count_subquery(
                    Follow.objects.filter(company_id=OuterRef("pk"), member_id__in=visible_members),
                    "company_id",
                ),
            )
        )

    return prepare


def company_directory_context(request: HttpRequest, page: CompanyIndexPage) -> dict[str, Any]:
    """Context of the company directory.

    Query string: ``q``, ``industry`` (slug), ``location`` (city or country),
    ``size`` (a :class:`CompanySize` value), ``order`` and ``page``.
    """
    user = _user(request)
    context = _listing_context(
        request,
        page,
        CompanyFilterSet,
        _company_cards(user),
        "companies",
        ("industry", "location", "size"),
    )
    return context | {"size_choices": CompanySize.choices}


# --------------------------------------------------------------------------
# Company page
# --------------------------------------------------------------------------


#: The viewer's connections shown by name on a company page ("Your connections
#: here"), current and former each, before the count says how many in all.
CONNECTIONS_HERE_LIMIT = 6


def _viewer_connections_here(user: Any, page: CompanyPage) -> dict[str, Any]:
    """The viewer's connections who work at the company now and those who worked
    there before (and not now), as :func:`graph.connections_at_company` finds them
    (by positions the viewer may see): up to :data:`CONNECTIONS_HERE_LIMIT` of each
    with the counts. Empty, with no query, for visitors and users without a profile."""
    if visibility.viewer_member_id(user) is None:
        return {"viewer_connections_here": None}
    current = graph.connections_at_company(user, page, current=True).filter(live=True)
    # Someone who left and came back (or holds two positions) counts as working here.
    former = (
        graph.connections_at_company(user, page, current=False)
        .filter(live=True)
        .exclude(pk__in=current.values("pk"))
    )

    def shown(qs: QuerySet) -> list[MemberPage]:
        return list(
            qs.select_related("photo")
            .prefetch_related("photo__renditions")
            .order_by("title", "pk")[:CONNECTIONS_HERE_LIMIT]
        )

    # Both counts in one query, always (a page's queries never depend on how many
    # rows it shows): those who worked here before and not now are everyone who
    # ever did but those who do now.
    counts = graph.connections_at_company(user, page).aggregate(
        anyone=Count("pk"), current=Count("pk", filter=Q(pk__in=current.values("pk")))
    )
    return {
        "viewer_connections_here": {
            "current": shown(current),
            "current_count": counts["current"],
            "former": shown(former),
            "former_count": counts["anyone"] - counts["current"],
        }
    }


def company_page_context(request: HttpRequest, page: CompanyPage) -> dict[str, Any]:
    """Context of a company profile: visible current employees, followers, relationships,
    and what the signed-in member may do here (``actions``)."""
    from .site_actions import company_actions, sign_in_url

    user = _user(request)
    positions_here = visibility.positions_visible_to(
        user, Position.objects.filter(company=page, is_current=True)
    ).order_by(F("start_date").desc(nulls_last=True), "sort_order")
    employees = (
        visibility.employees_of(user, page, current=True)
        .filter(live=True)
        .select_related("photo")
        .prefetch_related(
            "photo__renditions",
            Prefetch("positions", queryset=positions_here, to_attr="positions_here"),
        )
        .order_by("title", "pk")
    )
    relationships = (
        visibility.relationships_visible_to(
            user,
            CompanyRelationship.objects.filter(Q(from_company=page) | Q(to_company=page)),
        )
        .select_related("from_company", "to_company")
        .order_by("kind", "pk")
    )
    return {
        **_viewer_connections_here(user, page),
        "employees": list(employees[:PROFILE_LIST_LIMIT]),
        "employee_count": employees.count(),
        "follower_count": Follow.objects.filter(
            company=page, member_id__in=visibility.members_visible_to(user).values("pk")
        ).count(),
        "relationships": [
            {
                "kind": rel.get_kind_display(),
                "other": rel.to_company if rel.from_company_id == page.pk else rel.from_company,
                "outgoing": rel.from_company_id == page.pk,
                "confirmed": rel.is_confirmed,
            }
            for rel in relationships
        ],
        "specialities": list(page.specialities.all()),
        "can_edit": visibility.can_edit_company(user, page),
        "actions": company_actions(user, page),
        "sign_in_url": sign_in_url(request),
    }


# --------------------------------------------------------------------------
# Member page
# --------------------------------------------------------------------------


def _preview_skills_and_positions(user: Any, page: MemberPage) -> tuple[list, list]:
    """Skills (the caller attaches endorsements) and positions of an unsaved page in preview."""
    skills = list(page.skills.all())
    positions = list(page.positions.all())
    for position in positions:
        position.company_visible = position.company_id is not None
    positions.sort(
        key=lambda p: (
            not p.is_current,
            -(p.start_date.toordinal() if p.start_date else 0),
            p.sort_order or 0,
        )
    )
    return skills, positions


#: Endorsers named under a skill before "and N more".
ENDORSERS_SHOWN = 3


def _attach_endorsements(user: Any, page: MemberPage, skills: list[Skill]) -> None:
    """Give each skill ``endorsement_count``, ``endorsers`` (the first few, as the
    viewer may see them) and ``endorsed_by_viewer``; sort the skills by count.

    One query for all skills: the endorsements of this member the viewer may see
    (:func:`visibility.endorsements_visible_to`, endorsers joined). Counts and names
    are the public figures (live, not hidden), as GraphQL's ``endorsementCount``;
    ``endorsed_by_viewer`` is the viewer's own endorsement in any state.
    """
    me = visibility.viewer_member_id(user)
    by_skill: dict[int, list[Endorsement]] = {}
    mine: set[int] = set()
    if page.pk is not None and skills:
        rows = (
            visibility.endorsements_visible_to(user, Endorsement.objects.filter(member_id=page.pk))
            .filter(skill_id__in=[skill.pk for skill in skills])
            .select_related("endorser")
            .order_by("-created_at", "pk")
        )
        for endorsement in rows:
            if me is not None and endorsement.endorser_id == me:
                mine.add(endorsement.skill_id)
            if endorsement.state == EndorsementState.LIVE and not endorsement.is_hidden:
                by_skill.setdefault(endorsement.skill_id, []).append(endorsement)
    for skill in skills:
        given = by_skill.get(skill.pk, [])
        skill.endorsement_count = len(given)
        skill.endorsers = [endorsement.endorser for endorsement in given[:ENDORSERS_SHOWN]]
        skill.more_endorsers = max(0, len(given) - ENDORSERS_SHOWN)
        skill.endorsed_by_viewer = skill.pk in mine
    skills.sort(key=lambda skill: (-skill.endorsement_count, skill.name))


def _self_links() -> dict[str, Any] | None:
    """The member's own links on their profile: the editor and "view as …"
    (none where the host did not include the app's URLs)."""
    # Imported here: the editor's module builds on this one's page context.
    from .profile_editor import view_as_links

    try:
        return {"edit_url": reverse("wagtail_network:edit_profile"), "view_as": view_as_links()}
    except NoReverseMatch:
        return None


def member_page_context(request: HttpRequest, page: MemberPage) -> dict[str, Any]:
    """Context of a member profile, holding only what the viewer may see, and what
    the signed-in viewer may do about this member (``actions``)."""
    from .site_actions import sign_in_url

    user = _user(request)
    me = visibility.viewer_member(user)
    is_self = me is not None and me.pk == page.pk
    show = {
        field: visibility.can_see_field(user, page, field)
        for field in ("email", "phone", "connections")
    }

    if getattr(request, "is_preview", False):
        # Only users who may edit the page can preview it (Wagtail checks), and the
        # preview must show the unsaved form content, which lives in memory.
        skills, positions = _preview_skills_and_positions(user, page)
    else:
        skills = list(page.skills.order_by("name"))
        # positions_visible_to covers both the member's choice and the company admins'
        # right to see positions claimed at their company.
        positions = list(
            visibility.positions_visible_to(user, Position.objects.filter(member=page))
            .select_related("company")
            .annotate(company_visible=_visible_companies_q(user))
            .order_by("-is_current", F("start_date").desc(nulls_last=True), "sort_order")
        )
    _attach_endorsements(user, page, skills)

    connections: list[MemberPage] = []
    connection_count = None
    if show["connections"]:
        visible_connections = visibility.connections_of(user, page).filter(live=True)
        connection_count = visible_connections.count()
        connections = list(
            visible_connections.select_related("photo")
            .prefetch_related("photo__renditions")
            .order_by("title", "pk")[:SIDEBAR_LIST_LIMIT]
        )

    mutual_count = None
    connected = False
    degree = None
    actions = None
    connection_path = None
    if me is not None and not is_self:
        mutual_count = visibility.mutual_connections(user, page).count()
        degree = graph.degree(user, page)
        # The path is asked for only where the section shows one (2nd and 3rd
        # degree; a 1st-degree member reads "You are connected"), so a stranger's
        # or a connection's profile costs no query more than the degree.
        if degree in (2, 3):
            connection_path = graph.connection_path(user, page)
        elif degree == 1:
            connection_path = graph.ConnectionPath(1)
        connected = degree == 1
        from .site_actions import member_actions

        actions = member_actions(user, page, degree=degree, mutual_count=mutual_count)

    recommendations = list(
        visibility.recommendations_visible_to(
            user,
            Recommendation.objects.filter(
                member=page, state=RecommendationState.PUBLISHED, is_hidden=False
            ),
        )
        .select_related("author", "author__photo")
        .prefetch_related("author__photo__renditions")
        .order_by("-created_at")
    )

    return {
        "is_self": is_self,
        "self_links": _self_links() if is_self else None,
        "actions": actions,
        "sign_in_url": sign_in_url(request),
        "connected": connected,
        "degree": degree,
        "connection_path": connection_path,
        "mutual_count": mutual_count,
        "show_email": show["email"] and bool(page.contact_email),
        "show_phone": show["phone"] and bool(page.contact_phone),
        "show_connections": show["connections"],
        "skills": skills,
        "interests": list(page.interests.all()),
        "open_to_labels": [OpenTo(value).label for value in page.open_to],
        "languages": [lang.strip() for lang in page.languages.split(",") if lang.strip()],
        "positions": positions,
        "education": list(page.education.all()),
        "links": list(page.links.all()),
        "connections": connections,
        "connection_count": connection_count,
        "recommendations": recommendations,
    }
