"""Wagtail's page API (``wagtail.api.v2``), made to obey the network's rule set.

Wagtail's own pages endpoint treats every live, unrestricted page as public, so a
members-only or connections-only profile would be served to anyone; and it hands
``?search=`` to the search backend as it came, so a quote or a bracket (search
syntax to SQLite FTS and PostgreSQL) answered 500 with the SQL in the body. Host
sites that expose the page API register this endpoint instead of Wagtail's::

    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail_network.api import NetworkPagesAPIViewSet

    api_router = WagtailAPIRouter("wagtailapi")
    api_router.register_endpoint("pages", NetworkPagesAPIViewSet)

It needs ``rest_framework`` and ``wagtail.api.v2`` in INSTALLED_APPS, as Wagtail's does.
"""

from __future__ import annotations

from typing import Any

from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from .filters import search_words
from .viewer import Viewer
from .visibility import pages_visible_to

#: The values Wagtail's search backends accept for ``?search_operator=``.
SEARCH_OPERATORS = ("and", "or")


class _WithQuery:
    """A request whose query string is replaced: everything else is the request's."""

    def __init__(self, request: Any, query: Any) -> None:
        self._wrapped = request
        self.GET = self.query_params = query

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


class WordsSearchFilter(SearchFilter):
    """Wagtail's ``?search=`` filter, given the visitor's words only.

    The query goes through :func:`wagtail_network.filters.search_words`, the one
    normalisation every surface uses (quotes, brackets, operators and control
    characters are separators; at most ``SEARCH_MAX_LENGTH`` characters are read);
    an unknown ``search_operator`` is a 400 instead of an error in the backend.
    """

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if "search" not in request.GET:
            return super().filter_queryset(request, queryset, view)
        query = request.GET.copy()
        query["search"] = search_words(query.get("search", ""))
        operator = query.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        if not query["search"]:
            # No words: nothing matches, as in the directories (and the backends
            # are not asked an empty query).
            return queryset.none()
        return super().filter_queryset(_WithQuery(request, query), queryset, view)


class BoundedPagination(WagtailPagination):
    """Wagtail's offset pagination with the offset bounded: past 2**63 the database
    refuses the OFFSET (a server error on SQLite); past :data:`OFFSET_MAX` there is
    nothing to list anyway. A larger offset answers 400 like a negative one."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        offset = request.GET.get("offset", "0")
        # Length first: int() refuses thousands of digits with a ValueError of its own.
        if offset.isascii() and offset.isdigit() and (len(offset) > 10 or int(offset) > OFFSET_MAX):
            raise BadRequestError(f"offset cannot be higher than {OFFSET_MAX}")
        return super().paginate_queryset(queryset, request, view)


class NetworkPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, with member and company pages filtered per viewer,
    ``?search=`` read as words (:class:`WordsSearchFilter`) and the offset bounded
    (:class:`BoundedPagination`)."""

    pagination_class = BoundedPagination
    filter_backends = [
        WordsSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]

    def get_base_queryset(self):
        return pages_visible_to(Viewer.for_request(self.request), super().get_base_queryset())


#: Largest ``?offset=`` the page API takes.
OFFSET_MAX = 2**31 - 1

__all__ = ["OFFSET_MAX", "BoundedPagination", "NetworkPagesAPIViewSet", "WordsSearchFilter"]
