"""The service layer: every state change of the network goes through here.

GraphQL mutations, admin actions and views call these functions and nothing
else. Each operation

1. resolves the actor (``request.user``) and its member profile
   (anonymous → ``UNAUTHENTICATED``, no profile → ``NO_PROFILE``);
2. resolves its targets (instances or primary keys) through
   :mod:`wagtail_network.visibility` — a target the actor may not see raises
   ``NOT_FOUND`` exactly as a missing id does;
3. validates and checks permissions, raising exactly one
   :class:`~wagtail_network.errors.NetworkError` on an expected failure;
4. writes inside ``transaction.atomic`` (so a raised error leaves nothing
   written), appends history (:class:`ConnectionEvent`) and an entry in Wagtail's
   audit log (action names in :mod:`wagtail_network.log_actions`).

Concurrency: every change to the relation between two members first locks both
member rows in primary-key order (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writers with IMMEDIATE transactions). Two requests about the same pair
therefore run one after the other, and the second sees what the first wrote: two
crossing invitations end as one accepted connection, a double accept or a double
endorsement as one row, none of them as an error. The database constraints stay
the last line of defence; an ``IntegrityError`` is caught inside a savepoint and
the row re-read.

The package holds one module per aggregate (``connections``, ``relations`` for
blocks and follows, ``endorsements`` with recommendations, ``companies`` with
positions and relationships, ``reports``, ``profiles``, ``names`` for profile
names taken from accounts, ``roles`` for role groups and company-admin grants,
``vocabulary`` for merging terms and reviewing skill suggestions); every public
function is re-exported here, so callers write ``services.request_connection(...)``.

The rules and error codes are documented in ``docs/concepts/connections.md``.
"""

from __future__ import annotations

from ..profile_forms import ProfileInvalid
from .base import recorded_changes
from .companies import (
    COMPANY_FIELDS,
    COMPANY_TEXT_FIELDS,
    company_directory,
    confirm_company_relationship,
    confirm_position,
    create_company,
    propose_company_relationship,
    remove_company_relationship,
    unverify_position,
    update_company,
)
from .connections import (
    MESSAGE_MAX_LENGTH,
    OPEN_INVITATION_STATES,
    accept_connection,
    connection_status,
    connection_statuses,
    degree,
    degrees,
    ignore_connection,
    invitation_state_for,
    invitations_received,
    invitations_sent,
    remove_connection,
    request_connection,
    withdraw_connection_request,
)
from .endorsements import (
    RECOMMENDATION_ACTIONS,
    RECOMMENDATION_MAX_LENGTH,
    delete_endorsement,
    delete_recommendation,
    endorse_skill,
    moderate_endorsement,
    moderate_recommendation,
    respond_to_recommendation,
    set_endorsement_hidden,
    withdraw_endorsement,
    write_recommendation,
)
from .names import account_name_reasons, repair_profile_names
from .profiles import (
    POSITION_FIELDS,
    PROFILE_BOOL_FIELDS,
    PROFILE_FIELDS,
    PROFILE_TEXT_FIELDS,
    PROFILE_VISIBILITY_FIELDS,
    claim_position,
    member_directory,
    plain_text_to_rich_text,
    save_member_profile,
    update_my_profile,
)
from .relations import (
    block_member,
    blocked_members,
    dismiss_suggestion,
    follow_company,
    unblock_member,
    unfollow_company,
)
from .reports import (
    REPORT_DETAILS_MAX_LENGTH,
    report_content,
    resolve_report,
)
from .roles import (
    ensure_role_groups,
    grant_company_admin,
    revoke_company_admin,
)
from .vocabulary import (
    accept_skill_suggestions,
    may_review_skill_suggestions,
    merge_terms,
    reject_skill_suggestions,
)

__all__ = [
    "COMPANY_FIELDS",
    "COMPANY_TEXT_FIELDS",
    "MESSAGE_MAX_LENGTH",
    "OPEN_INVITATION_STATES",
    "POSITION_FIELDS",
    "PROFILE_BOOL_FIELDS",
    "PROFILE_FIELDS",
    "PROFILE_TEXT_FIELDS",
    "PROFILE_VISIBILITY_FIELDS",
    "RECOMMENDATION_ACTIONS",
    "RECOMMENDATION_MAX_LENGTH",
    "REPORT_DETAILS_MAX_LENGTH",
    "accept_connection",
    "accept_skill_suggestions",
    "account_name_reasons",
    "block_member",
    "blocked_members",
    "claim_position",
    "company_directory",
    "confirm_company_relationship",
    "confirm_position",
    "create_company",
    "connection_status",
    "connection_statuses",
    "degree",
    "degrees",
    "dismiss_suggestion",
    "delete_endorsement",
    "delete_recommendation",
    "endorse_skill",
    "ensure_role_groups",
    "follow_company",
    "grant_company_admin",
    "ignore_connection",
    "invitation_state_for",
    "invitations_received",
    "invitations_sent",
    "may_review_skill_suggestions",
    "member_directory",
    "merge_terms",
    "moderate_endorsement",
    "moderate_recommendation",
    "plain_text_to_rich_text",
    "propose_company_relationship",
    "recorded_changes",
    "reject_skill_suggestions",
    "remove_company_relationship",
    "remove_connection",
    "repair_profile_names",
    "report_content",
    "request_connection",
    "resolve_report",
    "respond_to_recommendation",
    "revoke_company_admin",
    "ProfileInvalid",
    "save_member_profile",
    "set_endorsement_hidden",
    "unblock_member",
    "unfollow_company",
    "unverify_position",
    "update_company",
    "update_my_profile",
    "withdraw_connection_request",
    "withdraw_endorsement",
    "write_recommendation",
]
