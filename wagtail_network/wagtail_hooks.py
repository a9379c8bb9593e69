"""Wagtail admin integration: permission policies, the "Network" menu, bulk
actions, the page chooser filter, the dashboard panel and audit-log actions."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from . import visibility
from .admin import policies as permission_policies
from .services import roles

# First, before any viewset or view asks for a policy: Wagtail refuses to register
# one for a model once it has built a fallback policy for it.
permission_policies.register_policies()

from . import log_actions  # noqa: E402
from .admin import privacy as privacy_admin  # noqa: E402
from .admin.dashboard import NetworkSummaryPanel  # noqa: E402
from .admin.menu import BULK_ACTIONS, NetworkViewSetGroup  # noqa: E402

register_snippet(NetworkViewSetGroup)

# After Wagtail's own (order=100): our logged delete replaces the stock one for
# endorsements and recommendations, as the registry keeps the last per action.
for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    """Every action the service layer logs (admin writes go through it too)."""
    log_actions.register(actions)


def choosable_pages_q(user) -> Q | None:
    """The pages a user without Wagtail page permissions may choose, or ``None``
    for users (superusers and editors) who keep Wagtail's unfiltered chooser."""
    if user.is_superuser or roles.group_page_permissions(user).exists():
        return None
    allowed = Q(pk__in=visibility.pages_visible_to(user, Page.objects.all()).values("pk"))
    if permission_policies.is_company_admin(user):
        policy = permission_policies.page_permission_policy
        allowed |= Q(pk__in=policy.explorable_instances(user).values("pk"))
    return allowed


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser(pages, request):
    """Users without Wagtail page permissions (company admins, moderators, anyone
    else let into the admin) choose among the pages they may see on the site, plus,
    for company admins, their own companies' pages (drafts included) and the
    ancestors needed to reach them. They never see another company's draft or a
    hidden profile here. Superusers and editors keep Wagtail's unfiltered chooser."""
    allowed = choosable_pages_q(request.user)
    if allowed is None:
        return pages
    # Browsing the chooser at a page heads the list with that page's title: a page
    # the user may not choose answers 404, as a missing one does.
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None and not Page.objects.filter(allowed, pk=parent_id).exists():
        raise Http404
    return pages.filter(allowed)


@hooks.register("construct_explorer_page_queryset")
def refuse_unexplorable_parent(parent_page, pages, request):
    """The explorer lists a page's children under that page's title. Wagtail only
    checks that the page lies below the user's explorable root, which for a
    company admin of two companies is their directory: every other company in it
    would open, headed with its name, with an empty list. A page the user may not
    explore answers 404, as a missing one does (its title never shows)."""
    user = request.user
    if not user.is_superuser:
        policy = permission_policies.page_permission_policy
        if not policy.explorable_instances(user).filter(pk=parent_page.pk).exists():
            raise Http404
    return pages


@hooks.register("construct_homepage_panels")
def add_network_summary_panel(request, panels) -> None:
    if NetworkSummaryPanel.is_shown_to(request.user):
        panels.append(NetworkSummaryPanel(request))


@hooks.register("register_page_header_buttons")
def company_admins_button(page, user, view_name=None, next_url=None):
    """A "Company admins" entry in a company page's header menu, for those who may
    grant and revoke company-admin rights there (guardian grants are invisible in
    Wagtail's Users and Groups screens)."""
    from .admin.buttons import page_header_buttons
    from .models import CompanyPage

    return page_header_buttons(
        page,
        user,
        CompanyPage,
        roles.can_manage_company_admins,
        [(_("Company admins"), "wagtail_network_company_admins:company", "group", 60)],
    )


# Privacy rights for editors: export or erase a member (wagtail_network/admin/privacy.py).
hooks.register("register_admin_urls", privacy_admin.admin_urls)
hooks.register("register_page_header_buttons", privacy_admin.member_privacy_buttons)
hooks.register("register_log_actions", privacy_admin.register_log_actions)


def _refuse_company_admin_removal(request, pages):
    from django.shortcuts import redirect
    from wagtail.admin import messages

    for page in pages:
        if permission_policies.deletes_only_through_company_grant(request.user, page):
            messages.error(
                request,
                _("Company admins cannot delete or move company pages; ask an editor."),
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_delete_page")
def keep_company_pages_from_company_admins(request, page):
    """Company admins edit and publish their company but do not delete it."""
    return _refuse_company_admin_removal(request, [page])


@hooks.register("before_move_page")
def keep_company_pages_in_place(request, page, destination=None):
    return _refuse_company_admin_removal(request, [page])


@hooks.register("before_bulk_action")
def keep_company_pages_from_bulk_removal(request, action_type, objects, action_class_instance):
    from wagtail.models import Page as BasePage

    if action_type not in ("delete", "move"):
        return None
    return _refuse_company_admin_removal(
        request, [obj for obj in objects if isinstance(obj, BasePage)]
    )


# Profiles that not every visitor may see are kept out of Wagtail's shared page
# index (wagtail_network/search.py); editors find every profile they may work on
# in the "Network profiles" search area, which reads the plugin's own index.
@hooks.register("register_admin_viewset")
def register_profile_search_viewset():
    from .admin.profile_search import profile_search_viewset

    return profile_search_viewset


@hooks.register("register_admin_search_area")
def register_profile_search_area():
    from .admin.profile_search import ProfileSearchArea

    return ProfileSearchArea()
