"""The "Member profiles" listing of the Network menu: every member page in one flat
list, with a "Name to review" column and filter.

A profile is flagged (``MemberPage.name_needs_review``) when ``manage.py
repair_profile_names`` replaced a name taken from the account; editors find those
here (the dashboard panel links to the filtered list) and can set the name in the
page editor. Built on Wagtail's own :class:`PageListingViewSet`, so the listing,
its search and its bulk actions obey the user's page permissions like the explorer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import RadioSelect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from ..models import MemberPage
from ..services import roles
from .listings import YesNoColumn
from .profile_search import OwnIndexSearchMixin

#: The listing's filter for flagged profiles (the dashboard links to it).
NEEDS_REVIEW_QUERY = "?name_needs_review=true"


class NameNeedsReviewFilter(ChoiceFilter):
    def filter(self, qs, value):
        if value in ("true", "false"):
            return qs.filter(name_needs_review=value == "true")
        return qs


class MemberProfileFilterSet(PageFilterSet):
    name_needs_review = NameNeedsReviewFilter(
        label=_("Name to review"),
        empty_label=_("Any"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        widget=RadioSelect,
    )

    class Meta:
        model = MemberPage
        fields: list[str] = []


def may_list_profiles(user: Any) -> bool:
    """Superusers and editors whose Wagtail groups grant page permissions: the same
    people the explorer shows member pages to. Company admins and moderators edit
    no member page and do not get the menu item."""
    return bool(user.is_superuser or roles.group_page_permissions(user).exists())


class MemberProfilesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_list_profiles(request.user)


class MemberProfilesIndexView(OwnIndexSearchMixin, IndexView):
    """Wagtail's page listing; its search finds every member page (the shared page
    index holds only public ones, see wagtail_network/search.py).

    Refused, like its menu item, to whom :func:`may_list_profiles` does not admit:
    Wagtail's own check lets in anyone with a right on any page (a company admin),
    who then saw an empty list whose Owner and Edited-by filters named accounts.
    """

    def dispatch(self, request, *args, **kwargs):
        if not may_list_profiles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberProfilesViewSet(PageListingViewSet):
    """Every member page, newest change first, filterable by "Name to review"."""

    model = MemberPage
    index_view_class = MemberProfilesIndexView
    name = "wagtail_network_member_profiles"
    url_prefix = "network/member-profiles"
    icon = "user"
    menu_label = _("Member profiles")
    menu_name = "network-member-profiles"
    menu_item_class = MemberProfilesMenuItem
    filterset_class = MemberProfileFilterSet
    columns = [
        *IndexView.base_columns,
        YesNoColumn("name_needs_review", label=_("Name to review"), width="12%"),
    ]


def needs_review_url() -> str:
    """The listing filtered on flagged profiles ("" where it is not registered)."""
    try:
        return reverse("wagtail_network_member_profiles:index") + NEEDS_REVIEW_QUERY
    except NoReverseMatch:
        return ""


__all__ = ["MemberProfilesViewSet", "may_list_profiles", "needs_review_url"]
