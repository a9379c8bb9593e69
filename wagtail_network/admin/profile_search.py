"""The admin's "Network profiles" search: every profile an editor may work on.

Wagtail's admin page search reads the shared page index, which holds only the
profiles every visitor may see (see :mod:`wagtail_network.search`): an editor
would no longer find a members-only profile there. This screen searches the
plugin's own index instead, among the pages the user may explore in the admin
(Wagtail's page permissions, plus company admins' grants through the registered
page permission policy: a company admin finds only their own companies). It is
one of the admin's search areas, so Wagtail's search results page links to it
with the query carried over (``?q=``).

Built on Wagtail's :class:`~wagtail.admin.viewsets.pages.PageListingViewSet`: the
listing, its columns (title with the edit link, type, status), ordering and
pagination are Wagtail's; only the search step is replaced.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.ui.tables.pages import (
    PageStatusColumn,
    PageTitleColumn,
    PageTypeColumn,
    ParentPageColumn,
)
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from ..filters import CandidateRank, search_ids
from ..models import CompanyPage, MemberPage, ProfileSearchEntry

#: The page actions that let a user into page listings (as Wagtail's own).
LISTING_PERMISSIONS = {"add", "change", "publish", "bulk_delete", "lock", "unlock"}


class ProfileSearchView(IndexView):
    """Member and company pages the user may explore, searched in the plugin's index."""

    page_title = _("Network profiles")
    header_icon = "user"
    # Wagtail's page listing results, plus (as on its search results page) the
    # other search areas with the same words and the number of matches.
    results_template_name = "wagtail_network/admin/profile_search_results.html"
    # Set by the viewset; kept here so that the view works on its own too.
    filterset_class = None

    def get_base_queryset(self) -> QuerySet:
        # Always by permission, whatever WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS
        # says: this screen lists profiles that the site may not show to everyone.
        explorable = self.permission_policy.explorable_instances(self.request.user)
        pages = Page.objects.type(MemberPage, CompanyPage).filter(
            pk__in=explorable.values_list("pk", flat=True)
        )
        return self.annotate_queryset(pages)

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching:
            return queryset
        # Every entry, drafts included: editors work on unpublished profiles too.
        ids = search_ids(ProfileSearchEntry.objects.all(), self.search_query)
        queryset = queryset.filter(pk__in=ids)
        if not self.is_explicitly_ordered:
            queryset = queryset.order_by(CandidateRank(ids).asc(nulls_last=True), F("pk").asc())
        return queryset


class ProfileSearchViewSet(PageListingViewSet):
    """The "Network profiles" listing (registered through ``register_admin_viewset``)."""

    model = Page
    index_view_class = ProfileSearchView
    icon = "user"
    menu_label = _("Network profiles")
    add_to_admin_menu = False
    filterset_class = None
    columns = [
        PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        PageTypeColumn("type", label=_("Type"), accessor="page_type_display_name", width="15%"),
        PageStatusColumn("status", label=_("Status"), sort_key="live", width="12%"),
        ParentPageColumn("parent", label=_("Directory")),
        DateColumn(
            "latest_revision_created_at",
            label=_("Updated"),
            sort_key="latest_revision_created_at",
            width="12%",
        ),
    ]

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        # No "Add" button: profiles are added in their directory.
        return super().get_common_view_kwargs(**{"add_url_name": None, **kwargs})


#: The viewset instance; its URLs live under ``/admin/network/profiles/``.
profile_search_viewset = ProfileSearchViewSet("network_profiles", url_prefix="network/profiles")


class ProfileSearchArea(SearchArea):
    """ "Network profiles" among the admin's search areas, for users who may list pages."""

    def __init__(self) -> None:
        super().__init__(
            _("Network profiles"),
            reverse(profile_search_viewset.get_url_name("index")),
            name="network-profiles",
            icon_name="user",
            order=150,  # after Wagtail's "Pages" (100), which stays the sidebar's search
        )

    def is_shown(self, request: Any) -> bool:
        policy = policy_registry.get_by_type(Page)
        return bool(policy.user_has_any_permission(request.user, LISTING_PERMISSIONS))


__all__ = [
    "ProfileSearchArea",
    "ProfileSearchView",
    "ProfileSearchViewSet",
    "profile_search_viewset",
]
