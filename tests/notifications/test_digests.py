"""The daily digest command: one e-mail per member with everything waiting for it,
in their language, with a one-click unsubscribe on the site's real origin, built
with no request at all."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from tests.factories import SkillFactory, connect
from wagtail_network import notifications, services
from wagtail_network.management.commands import send_notification_digests as command
from wagtail_network.models import EmailState, Notification, NotificationEmail
from wagtail_network.notifications import delivery

pytestmark = pytest.mark.django_db

DIGEST = {"invitation_received": "digest", "endorsement_received": "digest"}


def run(*args, verbosity=1) -> str:
    out = StringIO()
    call_command("send_notification_digests", *args, stdout=out, verbosity=verbosity)
    return out.getvalue()


@pytest.fixture
def waiting(make_member, alice, bob, django_capture_on_commit_callbacks):
    """Bob, who reads Dutch and chose the digest, has an invitation from Carol and an
    endorsement from Alice waiting for it."""
    carol = make_member("Carol")
    notifications.set_preferences(bob.user, DIGEST, language="nl")
    python = SkillFactory(name="Python")
    bob.skills.add(python)
    bob.save()
    connect(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_connection(carol.user, bob)
        services.endorse_skill(alice.user, bob, python)
    assert set(
        Notification.objects.filter(recipient=bob.user).values_list("email_state", flat=True)
    ) == {EmailState.DIGEST}
    # Nothing was mailed at once.
    assert mail.outbox == []
    return bob


def test_two_digest_notifications_make_one_email_with_both(waiting, immediate_tasks, site_origin):
    output = run()

    assert "1 digest(s) and 0 retry(ies) enqueued" in output
    [message] = mail.outbox
    assert message.to == [waiting.user.email]
    assert "Carol" in message.body and "Alice" in message.body
    assert "Python" in message.body
    email = NotificationEmail.objects.get(recipient=waiting.user)
    assert email.kind == "digest" and email.state == EmailState.SENT
    assert set(email.notifications.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert email.notifications.count() == 2


def test_the_digest_is_written_in_the_recipients_language(waiting, immediate_tasks, site_origin):
    with translation.override("en"):  # the command's own language is not the member's
        run()

    [message] = mail.outbox
    email = NotificationEmail.objects.get(recipient=waiting.user)
    assert email.language == "nl"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="nl">' in html


def test_the_digest_has_one_click_unsubscribe_headers_on_the_sites_origin(
    waiting, immediate_tasks, site_origin
):
    run()

    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", header).group(1)
    assert url.startswith(site_origin + "/")
    # The same link is in the body, and it unsubscribes from the digest.
    assert url in message.body
    token = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    user, kind = notifications.read_unsubscribe_token(token)
    assert (user.pk, kind) == (waiting.user.pk, notifications.DIGEST)
    # Every other link names the site's origin too.
    for link in re.findall(r"https?://[^\s\"<>]+", message.body):
        assert link.startswith(site_origin + "/"), link


def test_a_second_run_sends_nothing_more(waiting, immediate_tasks, site_origin):
    run()
    assert "0 digest(s) and 0 retry(ies) enqueued" in run()
    assert len(mail.outbox) == 1


def test_the_dry_run_counts_and_changes_nothing(waiting, immediate_tasks):
    output = run("--dry-run")

    assert "1 digest(s) and 0 retry(ies) would be enqueued" in output
    assert mail.outbox == []
    assert not NotificationEmail.objects.exists()


def test_retries_only_leaves_the_digests_waiting(waiting, immediate_tasks):
    assert "0 digest(s)" in run("--retries-only")
    assert mail.outbox == []
    assert Notification.objects.filter(email_state=EmailState.DIGEST).count() == 2


def test_verbosity_0_prints_nothing_and_2_names_each_email(waiting, immediate_tasks):
    assert run(verbosity=0) == ""
    NotificationEmail.objects.all().delete()
    Notification.objects.update(email_state=EmailState.DIGEST, email=None)
    assert re.search(r"digest e-mail \d+ enqueued", run(verbosity=2))


def test_a_digest_notification_that_became_invisible_is_left_out_of_the_digest(
    waiting, immediate_tasks, site_origin
):
    carol_invitation = Notification.objects.get(kind="invitation_received")
    services.withdraw_connection_request(carol_invitation.actor.user, waiting)

    run()

    [message] = mail.outbox
    assert "Carol" not in message.body and "Alice" in message.body
    carol_invitation.refresh_from_db()
    assert carol_invitation.email_state == EmailState.SKIPPED


def test_the_dry_runs_counts_match_what_delivery_enqueues(alice, bob, dummy_tasks):
    """The command's dry-run counts repeat delivery's conditions: keep them in step."""
    for user in (alice.user, bob.user):
        Notification.objects.create(
            recipient=user, kind="report_resolved", email_state=EmailState.DIGEST
        )
    now = timezone.now()
    stale = now - delivery.STALE_SENDING - timedelta(seconds=1)
    rows = [
        NotificationEmail(
            recipient=bob.user,
            kind="digest",
            state=EmailState.PENDING,
            next_attempt_at=now - timedelta(seconds=1),
        ),
        NotificationEmail(
            recipient=bob.user,
            kind="digest",
            state=EmailState.PENDING,
            next_attempt_at=now + timedelta(hours=1),
        ),
        NotificationEmail(
            recipient=bob.user, kind="digest", state=EmailState.PENDING, created_at=stale
        ),
        NotificationEmail(recipient=bob.user, kind="digest", state=EmailState.PENDING),
        NotificationEmail(
            recipient=bob.user, kind="digest", state=delivery.SENDING, next_attempt_at=stale
        ),
        NotificationEmail(
            recipient=bob.user, kind="digest", state=delivery.SENDING, next_attempt_at=now
        ),
        NotificationEmail(
            recipient=bob.user, kind="digest", state=EmailState.SENT, next_attempt_at=stale
        ),
    ]
    NotificationEmail.objects.bulk_create(rows)

    expected_digests = command.waiting_digest_recipients(now)
    expected_retries = command.due_emails(now)

    assert expected_retries == len(delivery.retry_due_emails(now)) == 3
    assert expected_digests == len(delivery.build_digests(now)) == 2
