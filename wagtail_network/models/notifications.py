"""Notifications: what happened that a user should learn of, how they want to learn of
it, and the e-mails sent about it.

A notification stores facts, never text: its kind and the rows it is about (explicit
foreign keys, so that deleting an endorsement or erasing a member deletes what was
said about them). Its words are rendered when it is shown or mailed, in the
recipient's language, and only while the visibility rules still let the recipient
see what it is about (:mod:`wagtail_network.notifications`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    """How a member learns of one kind of notification."""

    IN_APP = "in_app", _("On the site only")
    EMAIL = "email", _("On the site and by e-mail at once")
    DIGEST = "digest", _("On the site and in a daily e-mail")
    OFF = "off", _("Off")


class EmailState(models.TextChoices):
    NONE = "", _("No e-mail")
    PENDING = "pending", _("Waiting to be sent")
    DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (no longer visible, switched off or no address)")
    FAILED = "failed", _("Failed")


class NotificationEmail(models.Model):
    """One e-mail to a user: a notification's own, or a digest of several. Kept as the
    history of what was mailed (part of the member's data export) and as the record
    a failed send is retried from."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="network_notification_emails",
    )
    #: The notification kind, or ``"digest"``.
    kind = models.CharField(_("kind"), max_length=50)
    address = models.EmailField(_("address"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=EmailState.choices, default=EmailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="wn_email_retry")]

    def __str__(self) -> str:
        return self.subject or self.kind


class Notification(models.Model):
    """Something that happened which ``recipient`` should learn of."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="network_notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    #: The member whose action it reports (the inviter, the endorser, …).
    actor = models.ForeignKey(
        "wagtail_network.MemberPage",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: The member it is about when that is not the actor (a profile waiting for an editor).
    member = models.ForeignKey(
        "wagtail_network.MemberPage",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    company = models.ForeignKey(
        "wagtail_network.CompanyPage",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    connection = models.ForeignKey(
        "wagtail_network.Connection",
        verbose_name=_("connection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    endorsement = models.ForeignKey(
        "wagtail_network.Endorsement",
        verbose_name=_("endorsement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recommendation = models.ForeignKey(
        "wagtail_network.Recommendation",
        verbose_name=_("recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.ForeignKey(
        "wagtail_network.Position",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    report = models.ForeignKey(
        "wagtail_network.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: For kinds that other apps register (posts, comments, messages): the id of
    #: the row it is about, in the model the kind names.
    object_id = models.PositiveBigIntegerField(_("id of what it is about"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=20, choices=EmailState.choices, default=EmailState.NONE, blank=True
    )
    email = models.ForeignKey(
        NotificationEmail,
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="wn_notification_list"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="wn_notification_unread",
            ),
            models.Index(
                fields=["email_state", "recipient"],
                condition=models.Q(email_state="digest"),
                name="wn_notification_digest",
            ),
            models.Index(
                fields=["read_at"],
                condition=models.Q(read_at__isnull=False),
                name="wn_notification_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationSettings(models.Model):
    """A user's choices: the language their e-mails are written in, and per kind the
    channel (:class:`NotificationChannel`). Kinds left out take the site's default
    (``WAGTAIL_NETWORK["NOTIFICATIONS"]``). Kept on the account, not on the member
    page: a page field would be rewritten by the next revision published, and
    editors and moderators without a profile receive notifications too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="network_notification_settings",
    )
    language = models.CharField(_("language"), max_length=20, blank=True)
    #: ``{kind: channel}``.
    channels = models.JSONField(_("channels"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user_id)
