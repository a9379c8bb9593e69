"""Privacy rights in the Wagtail admin: editors export or erase a member.

PRODUCT.md: "Editors can run export and erasure for a member from the admin." A
member page's header menu offers both to editors who may see every profile
(``view_private_profiles``) and may delete the page (or superusers). Both go
through :mod:`wagtail_network.privacy`, the same code as the member's own
``exportMyData`` and ``deleteMyAccount``, and both are in the audit log (without
personal data: the erased member's entries are scrubbed).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from .. import privacy, visibility
from ..errors import NetworkError
from ..models import MemberPage
from .buttons import page_header_buttons


def can_run_privacy_actions(user: Any, member: MemberPage) -> bool:
    """Editors who see every profile and may delete this page, and superusers."""
    if not visibility.is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    return visibility.sees_everything(user) and member.permissions_for_user(user).can_delete()


def _member_or_403(request, pk: int) -> MemberPage:
    member = get_object_or_404(MemberPage, pk=pk)
    if not can_run_privacy_actions(request.user, member):
        raise PermissionDenied
    return member


class MemberExportView(View):
    """Download the member's data archive (the same JSON as ``exportMyData``)."""

    def get(self, request, pk: int):
        member = _member_or_403(request, pk)
        archive = privacy.export_member_data(member=member)
        log(member, "wagtail_network.privacy.export", user=request.user, data={"member": pk})
        response = HttpResponse(
            json.dumps(archive, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="member-{pk}-{stamp}.json"'
        response["Cache-Control"] = "no-store, private"
        return response


class MemberEraseView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then erase the member (page, relations, photo; account closed)."""

    template_name = "wagtail_network/admin/confirm_action.html"
    page_title = _("Erase member")
    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        self.member = _member_or_403(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.member.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "question": gettext(
                    "Erase this member for good? Their profile with its revisions and photo, "
                    "their connections, invitations, endorsements and recommendations given "
                    "and received, follows and blocks are deleted; their site account is "
                    "closed. Audit entries stay without their name."
                ),
                "object": self.member.title,
                "button_label": gettext("Yes, erase"),
                "cancel_url": reverse("wagtailadmin_pages:edit", args=[self.member.pk]),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        parent_id = self.member.get_parent().pk
        try:
            privacy.erase_member(self.member, actor=request.user)
        except NetworkError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[self.member.pk]))
        messages.success(request, gettext("The member was erased."))
        return HttpResponseRedirect(reverse("wagtailadmin_explore", args=[parent_id]))


def admin_urls() -> list:
    """For the ``register_admin_urls`` hook."""
    return [
        path(
            "network/privacy/<int:pk>/export/",
            MemberExportView.as_view(),
            name="wagtail_network_privacy_export",
        ),
        path(
            "network/privacy/<int:pk>/erase/",
            MemberEraseView.as_view(),
            name="wagtail_network_privacy_erase",
        ),
    ]


def member_privacy_buttons(page, user, view_name=None, next_url=None):
    """For the ``register_page_header_buttons`` hook: export and erase on member pages."""
    return page_header_buttons(
        page,
        user,
        MemberPage,
        can_run_privacy_actions,
        [
            (_("Export member data"), "wagtail_network_privacy_export", "download", 70),
            (_("Erase member"), "wagtail_network_privacy_erase", "bin", 71),
        ],
    )


def register_log_actions(actions: Any) -> None:
    """For the ``register_log_actions`` hook: the admin export is audit-logged."""
    if "wagtail_network.privacy.export" not in actions.formatters:
        actions.register_action(
            "wagtail_network.privacy.export",
            _("Export member data"),
            _("Member data exported"),
        )
