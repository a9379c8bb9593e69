"""Search, filters and ordering of members and companies: one implementation.

Every surface that lists members or companies — the directory pages and the GraphQL
``members`` and ``companies`` fields — calls :func:`filter_members` or
:func:`filter_companies` with plain criteria (``request.GET`` or a dict), so the same
words, filters and ordering give the same rows in the same order everywhere.
``docs/concepts/search.md`` states what each criterion means.

The filters are django-filter ``FilterSet`` classes over the viewer's visibility
queryset (:mod:`wagtail_network.visibility`): a filter can only narrow what the viewer
may already see, and every filter on related rows (positions, companies) asks the same
module what the viewer may see of those.

The search backend is asked for candidate ids only, from the plugin's own index of
profiles (:class:`~wagtail_network.models.ProfileSearchEntry`, which holds every
profile, whoever may see it), among the live pages below the directory; the
candidates are intersected with the visibility queryset in SQL, and ranked by a SQL
expression, so the result stays a lazy queryset that a paginator or a GraphQL
connection pages with ``LIMIT``/``OFFSET``. Only fields every viewer of a profile may
see are indexed: a hidden field never makes a member match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Case, Expression, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import NullIf
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django_filters.fields import MultipleChoiceField
from django_filters.widgets import BooleanWidget

from . import limits, visibility
from .models import CompanyPage, CompanySize, MemberPage, OpenTo, Position, ProfileSearchEntry
from .models.search import ProfileSearchEntryQuerySet
from .viewer import Viewer

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from wagtail.query import PageQuerySet

#: Most candidates taken from the search backend for one search. Elasticsearch and
#: OpenSearch refuse deeper result windows by default; the database backends would
#: otherwise hand over every match.
SEARCH_CANDIDATE_LIMIT = 10_000

#: Longest search string read (:data:`wagtail_network.limits.SEARCH_MAX_LENGTH`):
#: the directory pages cut longer input; GraphQL refuses it first.
MAX_QUERY_LENGTH = limits.SEARCH_MAX_LENGTH

#: Longest value kept for every other criterion (slugs, place names, choices):
#: :data:`wagtail_network.limits.FILTER_MAX_LENGTH`.
MAX_VALUE_LENGTH = limits.FILTER_MAX_LENGTH

ORDER_RELEVANCE = "relevance"
ORDER_NAME = "name"

#: Sort keys and what they sort by; ``-key`` sorts the other way round. Empty place
#: names sort as missing ones: last, in both directions.
MEMBER_SORT_FIELDS: dict[str, Any] = {
    "name": F("title"),
    "joined": F("first_published_at"),
    "city": NullIf(F("city"), Value("")),
}
COMPANY_SORT_FIELDS: dict[str, Any] = {
    **MEMBER_SORT_FIELDS,
    "founded": F("founded_year"),
}

_WORD_RE = re.compile(r"\w+")


# --------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------


def search_words(query: Any) -> str:
    """The words of a visitor's query, without the backends' query syntax: the one
    normalisation of every search string a client sends (directories, GraphQL,
    Wagtail's page API through :class:`wagtail_network.api.WordsSearchFilter`).

    Quotes, brackets, operators, wildcards (``%``, ``*``), backslashes and control
    characters (NUL, which PostgreSQL refuses in a text parameter) mean something
    to SQLite FTS, PostgreSQL or Elasticsearch, or nothing at all; typed by a
    visitor they raised syntax errors (an unbalanced quote was a 500 on SQLite),
    so only words remain, separated by single spaces. Only the first
    :data:`MAX_QUERY_LENGTH` characters are read.
    """
    if not isinstance(query, str):
        return ""
    return " ".join(_WORD_RE.findall(query[:MAX_QUERY_LENGTH]))


def search_ids(entries: ProfileSearchEntryQuerySet, query: str) -> list[int]:
    """Page ids of the ``entries`` (profile search entries, narrowed with
    :class:`~wagtail_network.models.search.ProfileSearchEntryQuerySet`) matching all
    words of ``query``, best first.

    Full words first; when they find nothing, the same words as prefixes of the
    autocomplete fields (names: "Jan" for Janssen), as someone typing expects. At most
    :data:`SEARCH_CANDIDATE_LIMIT` ids. The backend never decides who may be seen:
    callers intersect these ids with a visibility queryset in SQL.
    """
    words = search_words(query)
    if not words:
        return []
    ids = _candidate_ids(entries.search(words, operator="and"))
    if not ids:
        ids = _candidate_ids(entries.autocomplete(words, operator="and"))
    return ids


def _candidate_ids(results: Any) -> list[int]:
    # An entry's primary key is its page's id.
    results = results[:SEARCH_CANDIDATE_LIMIT]
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is not None:
        # Wagtail's database backends: one SQL query for the ids, in relevance order.
        return list(dict.fromkeys(get_queryset().values_list("pk", flat=True)))
    return list(dict.fromkeys(obj.pk for obj in results))


class CandidateRank(Expression):
    """A row's position among ranked ids (smaller is better), as a sort expression.

    PostgreSQL and SQLite get one SQL parameter whatever the number of ids — an
    array or a comma-separated string — instead of one ``CASE`` branch per id; other
    backends get the ``CASE``. Rows whose id is not among the ids rank NULL: sort
    with ``.asc(nulls_last=True)`` to put them last.
    """

    def __init__(self, ids: Sequence[int], expression: Any = None) -> None:
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]
        self.expression: Any = F("pk") if expression is None else expression

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.expression,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        missing = Value(None, output_field=IntegerField())
        case = Case(
            *(
                When(Exact(self.expression, pk), then=Value(rank))
                for rank, pk in enumerate(self.ids, start=1)
            ),
            default=missing,
            output_field=IntegerField(),
        )
        sql, params = compiler.compile(case if self.ids else missing)
        return sql, tuple(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.expression)
        return f"array_position(%s::int[], {sql})", (self.ids, *params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        # ",1,5,9," holds ",5," at a smaller offset than ",9,": the offset grows with
        # the rank, and the commas on both sides keep 1 from matching inside 11.
        sql, params = compiler.compile(self.expression)
        joined = "," + ",".join(map(str, self.ids)) + ","
        return f"NULLIF(instr(%s, ',' || {sql} || ','), 0)", (joined, *params)


# --------------------------------------------------------------------------
# Criteria
# --------------------------------------------------------------------------


def _plain(value: Any, max_length: int) -> Any:
    """One criterion value as the form expects it: stripped, cut, enums as values."""
    if isinstance(value, Enum):
        value = value.value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | str):
        return str(value).strip()[:max_length]
    return None  # anything else (dicts, objects) is not a criterion value


class KnownChoicesField(MultipleChoiceField):
    """A multiple choice that drops unknown values instead of refusing them all."""

    def to_python(self, value: Any) -> list[str]:
        return [choice for choice in super().to_python(value) if self.valid_value(choice)]


class KnownChoicesFilter(django_filters.MultipleChoiceFilter):
    """Several values of a closed set; unknown ones are ignored one by one."""

    field_class = KnownChoicesField


class OrderFilter(django_filters.ChoiceFilter):
    """The ``order`` key: validated with the other criteria, applied by the filter set
    last, after the search whose ranking relevance needs."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


def _order_choices(sort_fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = [ORDER_RELEVANCE]
    for key in sort_fields:
        keys += [key, f"-{key}"]
    return [(key, key) for key in keys]


class DirectoryFilterSet(django_filters.FilterSet):
    """What the member and company filters share: search words, industry, places, order.

    Build one with :meth:`for_viewer`; its ``qs`` is the viewer's visible live rows,
    filtered, searched and ordered. Invalid values (an unknown choice, an unknown
    order key) are ignored; a slug that names nothing matches nothing.
    """

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    industry = django_filters.CharFilter(label=_("Industry"), field_name="industry__slug")
    location = django_filters.CharFilter(label=_("Location"), method="filter_location")
    city = django_filters.CharFilter(label=_("City"), field_name="city", lookup_expr="icontains")
    country = django_filters.CharFilter(
        label=_("Country"), field_name="country", lookup_expr="icontains"
    )

    #: Set by subclasses: the page model listed, and the ``order`` keys with what
    #: they sort by.
    page_model: Any = MemberPage
    sort_fields: Mapping[str, Any] = MEMBER_SORT_FIELDS

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        queryset: QuerySet | None = None,
        *,
        viewer: Any = None,
        within: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.viewer = viewer
        self.within = within
        #: The search's candidate ids, best first (``None`` without search words).
        self.ranked_ids: list[int] | None = None

    #: Set by subclasses: the visibility rule of the page model (viewer, queryset).
    visible_to: Callable[..., QuerySet] = staticmethod(visibility.members_visible_to)

    @classmethod
    def visible(cls, user: Any, within: Any = None) -> QuerySet:
        """The live rows the viewer may see, below ``within`` if given."""
        if within is None:
            # Every directory: the viewer's rule over the whole model, built once per
            # viewer (visibility keeps it), is the scope itself.
            visible = cls.visible_to(user)
            if visible.model is cls.page_model:
                return visible.filter(live=True)
        return cls.visible_to(user, cls.scope(within)).filter(live=True)

    @classmethod
    def scope(cls, within: Any = None) -> PageQuerySet:
        """All pages of the model below ``within`` (every directory when ``None``)."""
        pages = cls.page_model.objects.all()
        return pages.descendant_of(within) if within is not None else pages

    @classmethod
    def search_scope(cls, within: Any = None) -> ProfileSearchEntryQuerySet:
        """The search entries of the model's live pages below ``within``: the same
        pages as :meth:`scope`, in filters every search backend can apply."""
        kind = ProfileSearchEntry.Kind.MEMBER
        if issubclass(cls.page_model, CompanyPage):
            kind = ProfileSearchEntry.Kind.COMPANY
        return ProfileSearchEntry.objects.of_kind(kind).live().below(within)

    @classmethod
    def normalise(cls, criteria: Mapping[str, Any]) -> dict[str, Any]:
        """The known criteria of ``criteria``, stripped and cut; empty ones left out.

        A ``QueryDict`` gives every value of a multi-valued key (``?open_to=a&open_to=b``);
        a single string is accepted where a list is expected.
        """
        data: dict[str, Any] = {}
        for name, spec in cls.base_filters.items():
            max_length = MAX_QUERY_LENGTH if name == "q" else MAX_VALUE_LENGTH
            many = isinstance(spec, django_filters.MultipleChoiceFilter)
            if many and hasattr(criteria, "getlist"):
                raw: Any = criteria.getlist(name)
            else:
                raw = criteria.get(name)
            if many:
                items = raw if isinstance(raw, list | tuple | set | frozenset) else [raw]
                value: Any = [v for v in (_plain(item, max_length) for item in items) if v]
            else:
                value = _plain(raw, max_length)
            if value not in (None, "", []):
                data[name] = value
        return data

    @classmethod
    def for_viewer(
        cls, user: Any, criteria: Mapping[str, Any], *, within: Any = None
    ) -> DirectoryFilterSet:
        """The filter set of ``criteria`` over what ``user`` may see (below ``within``).

        ``user`` is a :class:`~wagtail_network.viewer.Viewer`, a user or ``None``;
        one viewer serves every rule the filters ask, so they share its facts.
        """
        viewer = Viewer.of(user)
        return cls(
            cls.normalise(criteria),
            queryset=cls.visible(viewer, within),
            viewer=viewer,
            within=within,
        )

    @property
    def criteria(self) -> dict[str, Any]:
        """The valid criteria, cleaned (an echo for the search form)."""
        self.is_valid()  # cleans the form; invalid values are left out, not raised
        return dict(self.form.cleaned_data)

    @property
    def ordering(self) -> str:
        """The order key in effect: the requested one if valid, else relevance when
        searching and name otherwise; relevance without search words is name."""
        cleaned = self.criteria
        searching = bool(cleaned.get("q"))
        key = cleaned.get("order") or (ORDER_RELEVANCE if searching else ORDER_NAME)
        return ORDER_NAME if key == ORDER_RELEVANCE and not searching else key

    def order_by(self) -> list[Any]:
        """SQL sort expressions of :attr:`ordering`, ties broken by pk."""
        key = self.ordering
        if key == ORDER_RELEVANCE:
            rank = CandidateRank(self.ranked_ids or [])
            return [rank.asc(nulls_last=True), F("pk").asc()]
        descending = key.startswith("-")
        field = self.sort_fields[key.removeprefix("-")]
        if descending:
            return [field.desc(nulls_last=True), F("pk").desc()]
        return [field.asc(nulls_last=True), F("pk").asc()]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        self.ranked_ids = None
        return super().filter_queryset(queryset).order_by(*self.order_by())

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        self.ranked_ids = search_ids(self.search_scope(self.within), value)
        return queryset.filter(pk__in=self.ranked_ids)

    def filter_location(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(city__icontains=value) | Q(country__icontains=value))


class MemberFilterSet(DirectoryFilterSet):
    """Criteria of the member directory (see :func:`filter_members`)."""

    skill = django_filters.CharFilter(label=_("Skill"), method="filter_skill")
    company = django_filters.CharFilter(label=_("Works at"), method="filter_company")
    # Qualifies ``company`` rather than filtering by itself.
    current_company_only = django_filters.BooleanFilter(
        label=_("Current position only"), method="keep", widget=BooleanWidget
    )
    open_to = KnownChoicesFilter(
        label=_("Open to"), choices=OpenTo.choices, method="filter_open_to"
    )
    order = OrderFilter(label=_("Order"), choices=_order_choices(MEMBER_SORT_FIELDS))

    page_model = MemberPage
    sort_fields = MEMBER_SORT_FIELDS
    visible_to = staticmethod(visibility.members_visible_to)

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_skill(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tagged = MemberPage.skills.through.objects.filter(skill__slug=value)
        return queryset.filter(pk__in=tagged.values("memberpage_id"))

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Only positions the viewer may see, at a company the viewer may see: a
        # hidden position or company never makes a member match.
        companies = visibility.companies_visible_to(self.viewer).filter(slug=value)
        positions = visibility.positions_visible_to(
            self.viewer, Position.objects.filter(company__in=companies.values("pk"))
        )
        if self.form.cleaned_data.get("current_company_only") is not False:
            positions = positions.filter(is_current=True)
        return queryset.filter(pk__in=positions.values("member_id"))

    def filter_open_to(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(**{MemberPage.OPEN_TO_FIELDS[OpenTo(v)]: True for v in value})


class CompanyFilterSet(DirectoryFilterSet):
    """Criteria of the company directory (see :func:`filter_companies`)."""

    size = KnownChoicesFilter(label=_("Size"), choices=CompanySize.choices, method="filter_size")
    speciality = django_filters.CharFilter(label=_("Speciality"), method="filter_speciality")
    order = OrderFilter(label=_("Order"), choices=_order_choices(COMPANY_SORT_FIELDS))

    page_model = CompanyPage
    sort_fields = COMPANY_SORT_FIELDS
    visible_to = staticmethod(visibility.companies_visible_to)

    def filter_size(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(size_range__in=value)

    def filter_speciality(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tagged = CompanyPage.specialities.through.objects.filter(tag__name__iexact=value)
        return queryset.filter(pk__in=tagged.values("content_object_id"))


# --------------------------------------------------------------------------
# The two entry points
# --------------------------------------------------------------------------


def filter_members(user: Any, criteria: Mapping[str, Any], *, within: Any = None) -> QuerySet:
    """Live members ``user`` may see, matching ``criteria``, ordered.

    ``within``: a member directory page; only members below it are listed and
    searched (``None``: every directory). Criteria: ``q`` (search words),
    ``industry`` and ``skill`` (slugs), ``location`` (city or country), ``city``,
    ``country`` (all three partial, any case), ``company`` (slug; with
    ``current_company_only``, default true), ``open_to`` (values that must all hold),
    ``order`` (``relevance``, ``name``, ``joined``, ``city``, each but relevance
    also as ``-key``). Invalid values are ignored; see docs/concepts/search.md.
    """
    return MemberFilterSet.for_viewer(user, criteria, within=within).qs


def filter_companies(user: Any, criteria: Mapping[str, Any], *, within: Any = None) -> QuerySet:
    """Live companies ``user`` may see, matching ``criteria``, ordered.

    Criteria: ``q``, ``industry``, ``location``, ``city``, ``country`` as for
    members, ``size`` (:class:`CompanySize` values, any of them), ``speciality``
    (a speciality's name, any case) and ``order`` (the members' keys, with
    ``joined`` the first publication, plus ``founded``).
    """
    return CompanyFilterSet.for_viewer(user, criteria, within=within).qs


__all__ = [
    "COMPANY_SORT_FIELDS",
    "MAX_QUERY_LENGTH",
    "MAX_VALUE_LENGTH",
    "MEMBER_SORT_FIELDS",
    "ORDER_NAME",
    "ORDER_RELEVANCE",
    "SEARCH_CANDIDATE_LIMIT",
    "CandidateRank",
    "CompanyFilterSet",
    "DirectoryFilterSet",
    "MemberFilterSet",
    "filter_companies",
    "filter_members",
    "search_ids",
    "search_words",
]
