"""Audit-log actions written by the service layer, with translated labels.

Every state change in :mod:`wagtail_network.services` writes one entry to
Wagtail's audit log through ``wagtail.log_actions.log`` under one of the action
names below. Wagtail logs unknown action names too, but the admin's history and
"Site history" reports can only label and filter on registered ones, so the app
registers them all through the ``register_log_actions`` hook::

    # wagtail_hooks.py
    from wagtail import hooks
    from wagtail_network import log_actions

    hooks.register("register_log_actions", log_actions.register)
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

PREFIX = "wagtail_network."

#: action name → (label, message shown in the history listing)
ACTIONS: dict[str, tuple[Any, Any]] = {
    # Connections
    "wagtail_network.connection.request": (
        _("Invite to connect"),
        _("Invitation to connect sent"),
    ),
    "wagtail_network.connection.accept": (_("Accept invitation"), _("Invitation accepted")),
    "wagtail_network.connection.ignore": (_("Ignore invitation"), _("Invitation ignored")),
    "wagtail_network.connection.withdraw": (
        _("Withdraw invitation"),
        _("Invitation withdrawn"),
    ),
    "wagtail_network.connection.remove": (_("Remove connection"), _("Connection removed")),
    # Blocks and follows
    "wagtail_network.block": (_("Block member"), _("Member blocked")),
    "wagtail_network.unblock": (_("Unblock member"), _("Member unblocked")),
    "wagtail_network.follow": (_("Follow company"), _("Company followed")),
    "wagtail_network.unfollow": (_("Unfollow company"), _("Company unfollowed")),
    "wagtail_network.suggestion.dismiss": (
        _("Dismiss suggestion"),
        _("Suggested member dismissed"),
    ),
    # Endorsements
    "wagtail_network.endorsement.create": (_("Endorse skill"), _("Skill endorsed")),
    "wagtail_network.endorsement.withdraw": (
        _("Withdraw endorsement"),
        _("Endorsement withdrawn"),
    ),
    "wagtail_network.endorsement.hide": (_("Hide endorsement"), _("Endorsement hidden")),
    "wagtail_network.endorsement.unhide": (_("Show endorsement"), _("Endorsement shown again")),
    "wagtail_network.endorsement.approve": (
        _("Approve endorsement"),
        _("Endorsement approved"),
    ),
    "wagtail_network.endorsement.reject": (_("Reject endorsement"), _("Endorsement rejected")),
    "wagtail_network.endorsement.delete": (_("Delete endorsement"), _("Endorsement deleted")),
    # Recommendations
    "wagtail_network.recommendation.write": (
        _("Write recommendation"),
        _("Recommendation written"),
    ),
    "wagtail_network.recommendation.update": (
        _("Rewrite recommendation"),
        _("Recommendation rewritten"),
    ),
    "wagtail_network.recommendation.accept": (
        _("Accept recommendation"),
        _("Recommendation accepted by its recipient"),
    ),
    "wagtail_network.recommendation.decline": (
        _("Decline recommendation"),
        _("Recommendation declined by its recipient"),
    ),
    "wagtail_network.recommendation.hide": (
        _("Hide recommendation"),
        _("Recommendation hidden"),
    ),
    "wagtail_network.recommendation.unhide": (
        _("Show recommendation"),
        _("Recommendation shown again"),
    ),
    "wagtail_network.recommendation.approve": (
        _("Approve recommendation"),
        _("Recommendation approved"),
    ),
    "wagtail_network.recommendation.reject": (
        _("Reject recommendation"),
        _("Recommendation rejected"),
    ),
    "wagtail_network.recommendation.delete": (
        _("Delete recommendation"),
        _("Recommendation deleted"),
    ),
    # Positions, reports, company relationships, profiles
    "wagtail_network.position.confirm": (_("Confirm position"), _("Position confirmed")),
    "wagtail_network.position.unverify": (
        _("Withdraw position confirmation"),
        _("Position confirmation withdrawn"),
    ),
    "wagtail_network.report.create": (_("Report content"), _("Content reported")),
    "wagtail_network.report.resolve": (_("Handle report"), _("Report handled")),
    "wagtail_network.company_relationship.propose": (
        _("Propose company relationship"),
        _("Company relationship proposed"),
    ),
    "wagtail_network.company_relationship.confirm": (
        _("Confirm company relationship"),
        _("Company relationship confirmed"),
    ),
    "wagtail_network.company_relationship.remove": (
        _("Remove company relationship"),
        _("Company relationship removed"),
    ),
    "wagtail_network.profile.join": (
        _("Join the network"),
        _("Member profile created by its member"),
    ),
    "wagtail_network.profile.repair_name": (
        _("Replace a name from the account"),
        _("Name taken from the account's username or e-mail address replaced by a neutral one"),
    ),
    # Vocabularies and company admins (editors' admin writes)
    "wagtail_network.vocabulary.merge": (
        _("Merge duplicate terms"),
        _("Duplicate term merged into this one"),
    ),
    "wagtail_network.skill_suggestion.accept": (
        _("Accept skill suggestion"),
        _("Suggested skill accepted and added to the members who suggested it"),
    ),
    "wagtail_network.skill_suggestion.reject": (
        _("Reject skill suggestion"),
        _("Suggested skill rejected"),
    ),
    "wagtail_network.notification_email.send_again": (
        _("Send a failed e-mail again"),
        _("Failed notification e-mail sent again"),
    ),
    "wagtail_network.company_admin.grant": (
        _("Grant company admin"),
        _("Company admin rights granted"),
    ),
    "wagtail_network.company_admin.revoke": (
        _("Revoke company admin"),
        _("Company admin rights revoked"),
    ),
}


def register(actions: Any) -> None:
    """Register every action the service layer logs (the ``register_log_actions`` hook).

    ``actions`` is Wagtail's ``LogActionRegistry``. Registering twice is harmless
    for lookups but would duplicate filter choices, so already known actions are
    skipped.
    """
    for action, (label, message) in ACTIONS.items():
        if action in actions.formatters:
            continue
        actions.register_action(action, label, message)


__all__ = ["ACTIONS", "PREFIX", "register"]
