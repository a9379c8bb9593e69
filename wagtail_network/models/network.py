"""Relations between members and companies: connections, follows, blocks,
dismissed suggestions, endorsements, recommendations, reports and company relationships.

Every rule that a database constraint can hold is held by one, so that a race
between two requests can never leave two live rows where the product allows one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..limits import ControlCharactersMixin
from .choices import (
    LIVE_CONNECTION_STATES,
    CompanyRelationshipKind,
    ConnectionState,
    EndorsementState,
    RecommendationRelationship,
    RecommendationState,
    ReportReason,
    ReportState,
)

MEMBER = "wagtail_network.MemberPage"
COMPANY = "wagtail_network.CompanyPage"


class Connection(ControlCharactersMixin, models.Model):
    """One invitation and, once accepted, the connection it became.

    The pair is stored ordered (``member_low`` < ``member_high``) so that a single
    partial unique constraint holds "one live relation per unordered pair". Ended
    rows (withdrawn, removed) stay as history.
    """

    member_low = models.ForeignKey(
        MEMBER, verbose_name=_("member (lower id)"), on_delete=models.CASCADE, related_name="+"
    )
    # No index of its own on member_high, requester or recipient: the composite
    # indexes below lead with each (one index less to write per row at scale).
    member_high = models.ForeignKey(
        MEMBER,
        verbose_name=_("member (higher id)"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    requester = models.ForeignKey(
        MEMBER,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="invitations_sent",
        db_index=False,
    )
    recipient = models.ForeignKey(
        MEMBER,
        verbose_name=_("invited"),
        on_delete=models.CASCADE,
        related_name="invitations_received",
        db_index=False,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ConnectionState.choices, default=ConnectionState.PENDING
    )
    message = models.TextField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now, db_index=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_low", "member_high"],
                condition=Q(state__in=LIVE_CONNECTION_STATES),
                name="wn_one_live_connection_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(member_low__lt=F("member_high")),
                name="wn_connection_pair_ordered_no_self",
            ),
            models.CheckConstraint(
                condition=(
                    Q(requester=F("member_low"), recipient=F("member_high"))
                    | Q(requester=F("member_high"), recipient=F("member_low"))
                ),
                name="wn_connection_parties_match_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "state"], name="wn_conn_recipient_state"),
            models.Index(fields=["requester", "state"], name="wn_conn_requester_state"),
            models.Index(fields=["member_high", "member_low"], name="wn_conn_pair_reverse"),
        ]

    def __str__(self) -> str:
        # Named by its members, never by ids; the state has its own column.
        return gettext("%(requester)s ↔ %(recipient)s") % {
            "requester": self.requester,
            "recipient": self.recipient,
        }

    def other(self, member_id: int) -> int:
        return self.member_high_id if member_id == self.member_low_id else self.member_low_id


class ConnectionEdge(models.Model):
    """The symmetric adjacency of accepted connections: two rows per connection.

    ``(member, other)`` is the primary access path; degrees, mutual connections and
    suggestions are joins over this table walked from either side through its
    unique index, without OR conditions or unions.
    """

    # Walked only through the two composite indexes below ((member, other) unique,
    # (other, member)), which lead with each column: single-column indexes would
    # only add two index writes per edge (2,000,000 edges at 1,000,000 connections).
    member = models.ForeignKey(
        MEMBER,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="edges",
        db_index=False,
    )
    other = models.ForeignKey(
        MEMBER,
        verbose_name=_("connection"),
        on_delete=models.CASCADE,
        related_name="reverse_edges",
        db_index=False,
    )
    connection = models.ForeignKey(
        Connection,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="edges",
    )
    created_at = models.DateTimeField(_("connected at"), default=timezone.now)

    class Meta:
        verbose_name = _("connection edge")
        verbose_name_plural = _("connection edges")
        constraints = [
            models.UniqueConstraint(fields=["member", "other"], name="wn_edge_unique_pair"),
            models.CheckConstraint(condition=~Q(member=F("other")), name="wn_edge_no_self"),
        ]
        indexes = [models.Index(fields=["other", "member"], name="wn_edge_other_member")]

    def __str__(self) -> str:
        return gettext("%(member)s ↔ %(other)s") % {"member": self.member, "other": self.other}


class ConnectionEvent(models.Model):
    """History of a connection: who moved it to which state, and when."""

    connection = models.ForeignKey(
        Connection, verbose_name=_("connection"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        MEMBER,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=ConnectionState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("connection event")
        verbose_name_plural = _("connection events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return gettext("%(connection)s: %(state)s on %(date)s") % {
            "connection": self.connection,
            "state": self.get_state_display(),
            "date": date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT"),
        }


class Follow(models.Model):
    member = models.ForeignKey(
        MEMBER, verbose_name=_("member"), on_delete=models.CASCADE, related_name="follows"
    )
    company = models.ForeignKey(
        COMPANY, verbose_name=_("company"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("following since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["member", "company"], name="wn_one_follow_per_pair")
        ]
        indexes = [models.Index(fields=["company", "member"], name="wn_follow_company")]

    def __str__(self) -> str:
        return gettext("%(member)s follows %(company)s") % {
            "member": self.member,
            "company": self.company,
        }


class Block(models.Model):
    blocker = models.ForeignKey(
        MEMBER, verbose_name=_("blocked by"), on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        MEMBER,
        verbose_name=_("blocked member"),
        on_delete=models.CASCADE,
        related_name="blocks_received",
    )
    created_at = models.DateTimeField(_("blocked at"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="wn_one_block_per_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="wn_block_no_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="wn_block_reverse")]

    def __str__(self) -> str:
        return gettext("%(blocker)s blocked %(blocked)s") % {
            "blocker": self.blocker,
            "blocked": self.blocked,
        }


class SuggestionDismissal(models.Model):
    """A suggestion the member dismissed ("people you may know"): the dismissed
    member is never suggested to them again. Only ever seen by the dismisser; it
    tells the dismissed member nothing."""

    member = models.ForeignKey(
        MEMBER,
        verbose_name=_("dismissed by"),
        on_delete=models.CASCADE,
        related_name="suggestion_dismissals",
    )
    dismissed = models.ForeignKey(
        MEMBER,
        verbose_name=_("dismissed member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed suggestion")
        verbose_name_plural = _("dismissed suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "dismissed"], name="wn_one_dismissal_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(member=F("dismissed")), name="wn_dismissal_no_self"
            ),
        ]
        # Erasing an account deletes the rows naming it on either side.
        indexes = [models.Index(fields=["dismissed"], name="wn_dismissal_dismissed")]

    def __str__(self) -> str:
        return gettext("%(member)s dismissed the suggestion %(dismissed)s") % {
            "member": self.member,
            "dismissed": self.dismissed,
        }


class Endorsement(models.Model):
    endorser = models.ForeignKey(
        MEMBER,
        verbose_name=_("endorsed by"),
        on_delete=models.CASCADE,
        related_name="endorsements_given",
    )
    member = models.ForeignKey(
        MEMBER,
        verbose_name=_("endorsed member"),
        on_delete=models.CASCADE,
        related_name="endorsements_received",
    )
    skill = models.ForeignKey(
        "wagtail_network.Skill",
        verbose_name=_("skill"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=EndorsementState.choices, default=EndorsementState.LIVE
    )
    is_hidden = models.BooleanField(_("hidden by the recipient"), default=False)
    created_at = models.DateTimeField(_("endorsed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endorser", "member", "skill"], name="wn_one_endorsement_per_skill"
            ),
            models.CheckConstraint(
                condition=~Q(endorser=F("member")), name="wn_endorsement_no_self"
            ),
        ]
        indexes = [models.Index(fields=["member", "skill", "state"], name="wn_endorsement_member")]

    def __str__(self) -> str:
        return gettext("%(endorser)s endorses %(member)s for %(skill)s") % {
            "endorser": self.endorser,
            "member": self.member,
            "skill": self.skill,
        }


class Recommendation(ControlCharactersMixin, models.Model):
    author = models.ForeignKey(
        MEMBER,
        verbose_name=_("written by"),
        on_delete=models.CASCADE,
        related_name="recommendations_given",
    )
    member = models.ForeignKey(
        MEMBER,
        verbose_name=_("recommended member"),
        on_delete=models.CASCADE,
        related_name="recommendations_received",
    )
    relationship = models.CharField(
        _("relationship"), max_length=30, choices=RecommendationRelationship.choices
    )
    text = models.TextField(_("text"), max_length=3000)
    state = models.CharField(
        _("state"),
        max_length=30,
        choices=RecommendationState.choices,
        default=RecommendationState.PENDING_RECIPIENT,
    )
    is_hidden = models.BooleanField(_("hidden by the recipient"), default=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "member"], name="wn_one_recommendation_per_author"
            ),
            models.CheckConstraint(
                condition=~Q(author=F("member")), name="wn_recommendation_no_self"
            ),
        ]
        indexes = [models.Index(fields=["member", "state"], name="wn_recommendation_member")]

    def __str__(self) -> str:
        return gettext("%(author)s recommends %(member)s") % {
            "author": self.author,
            "member": self.member,
        }


class Report(ControlCharactersMixin, models.Model):
    """A member's report of a profile, company, endorsement or recommendation."""

    reporter = models.ForeignKey(
        MEMBER,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    target_member = models.ForeignKey(
        MEMBER,
        verbose_name=_("reported member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    target_company = models.ForeignKey(
        COMPANY,
        verbose_name=_("reported company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    target_endorsement = models.ForeignKey(
        Endorsement,
        verbose_name=_("reported endorsement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    target_recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("reported recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        permissions = [
            ("moderate_network", _("Can moderate endorsements, recommendations and reports")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target_member__isnull=False,
                        target_company__isnull=True,
                        target_endorsement__isnull=True,
                        target_recommendation__isnull=True,
                    )
                    | Q(
                        target_member__isnull=True,
                        target_company__isnull=False,
                        target_endorsement__isnull=True,
                        target_recommendation__isnull=True,
                    )
                    | Q(
                        target_member__isnull=True,
                        target_company__isnull=True,
                        target_endorsement__isnull=False,
                        target_recommendation__isnull=True,
                    )
                    | Q(
                        target_member__isnull=True,
                        target_company__isnull=True,
                        target_endorsement__isnull=True,
                        target_recommendation__isnull=False,
                    )
                ),
                name="wn_report_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(reason)s (%(state)s)") % {
            "reason": self.get_reason_display(),
            "state": self.get_state_display(),
        }

    @property
    def target(self):
        return (
            self.target_member
            or self.target_company
            or self.target_endorsement
            or self.target_recommendation
        )


class CompanyRelationship(models.Model):
    """A declared relationship between two companies, live once both sides (or an
    editor) confirm it."""

    from_company = models.ForeignKey(
        COMPANY,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="relationships_from",
    )
    to_company = models.ForeignKey(
        COMPANY,
        verbose_name=_("other company"),
        on_delete=models.CASCADE,
        related_name="relationships_to",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CompanyRelationshipKind.choices)
    confirmed_by_from = models.BooleanField(_("confirmed by the company"), default=False)
    confirmed_by_to = models.BooleanField(_("confirmed by the other company"), default=False)
    confirmed_by_editor = models.BooleanField(_("confirmed by an editor"), default=False)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    class Meta:
        verbose_name = _("company relationship")
        verbose_name_plural = _("company relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["from_company", "to_company", "kind"], name="wn_one_relationship_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(from_company=F("to_company")), name="wn_relationship_no_self"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(company)s – %(kind)s – %(other)s") % {
            "company": self.from_company,
            "kind": self.get_kind_display(),
            "other": self.to_company,
        }

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_by_editor or (self.confirmed_by_from and self.confirmed_by_to)
