"""The operator's list of notification e-mails (issue 12: "a failed send is retried
with back-off and never lost silently"): failed ones are shown with their error and
can be sent again; the list is only for those holding the model's change permission."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.admin.data import AdminData
from tests.factories import invite
from wagtail_network.models import EmailState, Notification, NotificationEmail

INDEX = "wagtail_network_notification_emails:index"


class NotificationEmailScreenTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.failed = NotificationEmail.objects.create(
            recipient=cls.bob_user,
            kind="invitation_received",
            address="bob@example.com",
            subject="Alice invited you to connect.",
            state=EmailState.FAILED,
            attempts=5,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        cls.sent = NotificationEmail.objects.create(
            recipient=cls.alice_user,
            kind="invitation_accepted",
            address="alice@example.com",
            subject="Bob accepted your invitation to connect.",
            state=EmailState.SENT,
            attempts=1,
        )
        cls.notification = Notification.objects.create(
            recipient=cls.bob_user,
            kind="invitation_received",
            actor=cls.alice,
            connection=invite(cls.alice, cls.bob),
            email=cls.failed,
            email_state=EmailState.FAILED,
        )

    def test_the_operator_lists_failed_emails_with_a_send_again_button(self):
        self.login(self.superuser)
        response = self.client.get(reverse(INDEX), {"state": "failed"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Alice invited you to connect." in html
        assert "Bob accepted your invitation" not in html
        assert (
            reverse("wagtail_network_notification_emails:send_again", args=[self.failed.pk]) in html
        )

    def test_the_inspect_view_shows_the_last_error(self):
        self.login(self.superuser)
        url = reverse("wagtail_network_notification_emails:inspect", args=[self.failed.pk])
        assert "SMTPServerDisconnected" in self.client.get(url).content.decode()

    def test_a_malformed_id_is_not_found(self):
        self.login(self.superuser)
        for bad in ("abc", "%00", "9" * 30):
            response = self.client.get(f"/admin/network/notification-emails/inspect/{bad}/")
            assert response.status_code == 404

    def test_sending_again_starts_the_attempts_over_and_sends_it(self):
        self.login(self.superuser)
        url = reverse("wagtail_network_notification_emails:send_again", args=[self.failed.pk])
        assert self.client.get(url).status_code == 200  # asks first
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        assert response.status_code == 302
        self.failed.refresh_from_db()
        assert self.failed.state == EmailState.SENT and self.failed.attempts == 1
        assert [m.to for m in mail.outbox] == [[self.bob_user.email]]
        assert ModelLogEntry.objects.filter(
            action="wagtail_network.notification_email.send_again"
        ).exists()

    def test_an_email_that_did_not_fail_cannot_be_sent_again(self):
        self.login(self.superuser)
        url = reverse("wagtail_network_notification_emails:send_again", args=[self.sent.pk])
        assert self.client.post(url).status_code == 404
        self.sent.refresh_from_db()
        assert self.sent.state == EmailState.SENT

    def test_editors_and_moderators_neither_list_nor_resend(self):
        for user in (self.editor, self.moderator, self.company_admin):
            self.login(user)
            assert self.client.get(reverse(INDEX)).status_code in (302, 403)
            url = reverse("wagtail_network_notification_emails:send_again", args=[self.failed.pk])
            assert self.client.post(url).status_code == 404
        self.failed.refresh_from_db()
        assert self.failed.state == EmailState.FAILED

    def test_a_group_given_the_change_permission_may_operate_it(self):
        self.editor.user_permissions.add(
            Permission.objects.get(codename="change_notificationemail")
        )
        self.login(type(self.editor).objects.get(pk=self.editor.pk))
        assert self.client.get(reverse(INDEX)).status_code == 200
