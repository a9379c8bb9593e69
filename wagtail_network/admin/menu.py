"""The "Network" menu of the admin, and the bulk actions registered with it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .. import visibility
from .company_admins import CompanyAdminsViewSet
from .importing import ImportViewSet
from .moderation import (
    ApproveEndorsementsBulkAction,
    ApproveRecommendationsBulkAction,
    DismissReportsBulkAction,
    EndorsementViewSet,
    LoggedDeleteBulkAction,
    ModerationQueueViewSet,
    RecommendationViewSet,
    RejectEndorsementsBulkAction,
    RejectRecommendationsBulkAction,
    ReportViewSet,
    ResolveReportsBulkAction,
)
from .notifications import NotificationEmailViewSet
from .profiles import MemberProfilesViewSet
from .relations import (
    BlockViewSet,
    CompanyRelationshipViewSet,
    ConnectionViewSet,
    FollowViewSet,
    PositionViewSet,
)
from .screens import NetworkScreenViewSet
from .vocabulary import (
    AcceptSkillSuggestionsBulkAction,
    IndustryViewSet,
    MergeTermsBulkAction,
    RejectSkillSuggestionsBulkAction,
    SkillSuggestionViewSet,
    SkillViewSet,
)


def may_read_audit_trail(user: Any) -> bool:
    """Superusers, editors and moderators: PRODUCT.md's moderators "see the audit
    trail", and every edit or removal editors and moderators make is in it."""
    return bool(
        user.is_superuser or visibility.sees_everything(user) or visibility.can_moderate(user)
    )


class AuditTrailViewSet(NetworkScreenViewSet):
    """ "Audit trail": Wagtail's own *Reports → Site history*, reached from the
    Network menu.

    Wagtail puts Site history in its Reports menu only for users with page rights,
    so moderators (who have none) would otherwise reach it only by its URL. The
    report lets every admin user in and lists the entries on objects of the models
    they hold a permission on: for a moderator, the network's endorsements,
    recommendations, reports, connections and blocks.
    """

    name = "wagtail_network_audit_trail"
    icon = "history"
    menu_label = _("Audit trail")
    menu_name = "network-audit-trail"
    allowed = staticmethod(may_read_audit_trail)

    @property
    def menu_url(self) -> str:
        return reverse("wagtailadmin_reports:site_history")

    def get_urlpatterns(self):
        return []


class NetworkViewSetGroup(SnippetViewSetGroup):
    """One "Network" menu; each item asks its permission policy whether to show,
    and the group shows when any item does."""

    menu_label = _("Network")
    menu_name = "network"
    menu_icon = "group"
    menu_order = 250
    items = (
        ModerationQueueViewSet,
        MemberProfilesViewSet,
        SkillViewSet,
        IndustryViewSet,
        SkillSuggestionViewSet,
        ConnectionViewSet,
        EndorsementViewSet,
        RecommendationViewSet,
        ReportViewSet,
        FollowViewSet,
        BlockViewSet,
        CompanyRelationshipViewSet,
        PositionViewSet,
        CompanyAdminsViewSet,
        ImportViewSet,
        NotificationEmailViewSet,
        AuditTrailViewSet,
    )


BULK_ACTIONS = (
    ApproveEndorsementsBulkAction,
    RejectEndorsementsBulkAction,
    ApproveRecommendationsBulkAction,
    RejectRecommendationsBulkAction,
    ResolveReportsBulkAction,
    DismissReportsBulkAction,
    MergeTermsBulkAction,
    AcceptSkillSuggestionsBulkAction,
    RejectSkillSuggestionsBulkAction,
    LoggedDeleteBulkAction,
)
