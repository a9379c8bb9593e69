"""Connection lifecycle (PRODUCT.md "Connection lifecycle"), through the service layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.factories import UserFactory
from tests.services.helpers import raises, snapshot
from wagtail_network import services
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    ConnectionStatus,
)
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db


# --- lifecycle -------------------------------------------------------------


def test_invitation_is_pending_with_message(alice, bob):
    connection = services.request_connection(alice.user, bob, "Hello Bob")
    assert connection.state == ConnectionState.PENDING
    assert connection.requester_id == alice.pk and connection.recipient_id == bob.pk
    assert connection.message == "Hello Bob"
    assert not ConnectionEdge.objects.exists()


def test_invitation_accepts_member_primary_key(alice, bob):
    connection = services.request_connection(alice.user, bob.pk)
    assert connection.recipient_id == bob.pk


def test_accept_makes_a_symmetric_connection_with_two_edges(alice, bob):
    services.request_connection(alice.user, bob)
    connection = services.accept_connection(bob.user, alice)
    assert connection.state == ConnectionState.ACCEPTED
    assert connection.responded_at is not None
    assert set(ConnectionEdge.objects.values_list("member_id", "other_id")) == {
        (alice.pk, bob.pk),
        (bob.pk, alice.pk),
    }


def test_accept_is_idempotent(alice, bob):
    services.request_connection(alice.user, bob)
    first = services.accept_connection(bob.user, alice)
    before = snapshot()
    second = services.accept_connection(bob.user, alice)
    assert first.pk == second.pk
    assert snapshot() == before


def test_accept_without_invitation_is_not_found(alice, bob):
    with raises(ErrorCode.NOT_FOUND):
        services.accept_connection(bob.user, alice)


def test_inviter_cannot_accept_own_invitation(alice, bob):
    services.request_connection(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND):
        services.accept_connection(alice.user, bob)


def test_recipient_may_accept_an_ignored_invitation(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    connection = services.accept_connection(bob.user, alice)
    assert connection.state == ConnectionState.ACCEPTED
    assert ConnectionEdge.objects.count() == 2


def test_withdraw_ends_the_invitation(alice, bob):
    services.request_connection(alice.user, bob)
    connection = services.withdraw_connection_request(alice.user, bob)
    assert connection.state == ConnectionState.WITHDRAWN
    assert connection.ended_at is not None
    assert services.connection_status(bob.user, alice) == ConnectionStatus.NONE


def test_inviter_may_withdraw_an_ignored_invitation(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    connection = services.withdraw_connection_request(alice.user, bob)
    assert connection.state == ConnectionState.WITHDRAWN


def test_recipient_cannot_withdraw_an_invitation_they_received(alice, bob):
    services.request_connection(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND):
        services.withdraw_connection_request(bob.user, alice)


def test_withdraw_of_accepted_connection_is_refused(alice, bob):
    services.request_connection(alice.user, bob)
    services.accept_connection(bob.user, alice)
    with raises(ErrorCode.ALREADY_CONNECTED):
        services.withdraw_connection_request(alice.user, bob)


@pytest.mark.parametrize("side", ["requester", "recipient"])
def test_either_side_may_remove_a_connection(alice, bob, side):
    services.request_connection(alice.user, bob)
    services.accept_connection(bob.user, alice)
    actor, other = (alice, bob) if side == "requester" else (bob, alice)
    connection = services.remove_connection(actor.user, other)
    assert connection.state == ConnectionState.REMOVED
    assert not ConnectionEdge.objects.exists()
    assert services.connection_status(alice.user, bob) == ConnectionStatus.NONE


def test_remove_without_connection_is_not_connected(alice, bob):
    with raises(ErrorCode.NOT_CONNECTED):
        services.remove_connection(alice.user, bob)


def test_remove_of_invisible_member_is_not_found(alice, make_member):
    hidden = make_member(profile_visibility="connections")
    with raises(ErrorCode.NOT_FOUND):
        services.remove_connection(alice.user, hidden)


def test_removed_pair_may_connect_again(alice, bob):
    services.request_connection(alice.user, bob)
    services.accept_connection(bob.user, alice)
    services.remove_connection(bob.user, alice)
    again = services.request_connection(bob.user, alice)
    assert again.state == ConnectionState.PENDING
    assert Connection.objects.count() == 2  # the removed one stays as history


def test_every_transition_appends_a_connection_event(alice, bob):
    connection = services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    services.accept_connection(bob.user, alice)
    services.remove_connection(alice.user, bob)
    events = list(ConnectionEvent.objects.filter(connection=connection))
    assert [(e.state, e.actor_id) for e in events] == [
        (ConnectionState.PENDING, alice.pk),
        (ConnectionState.IGNORED, bob.pk),
        (ConnectionState.ACCEPTED, bob.pk),
        (ConnectionState.REMOVED, alice.pk),
    ]


def test_every_transition_is_in_the_audit_log(alice, bob):
    connection = services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    services.accept_connection(bob.user, alice)
    services.remove_connection(alice.user, bob)
    entries = ModelLogEntry.objects.filter(object_id=str(connection.pk)).order_by("pk")
    assert [(e.action, e.user_id) for e in entries] == [
        ("wagtail_network.connection.request", alice.user.pk),
        ("wagtail_network.connection.ignore", bob.user.pk),
        ("wagtail_network.connection.accept", bob.user.pk),
        ("wagtail_network.connection.remove", alice.user.pk),
    ]


# --- reciprocal invitations ---------------------------------------------------


def test_crossing_invitation_collapses_into_accepting(alice, bob):
    services.request_connection(alice.user, bob)
    connection = services.request_connection(bob.user, alice)
    assert connection.state == ConnectionState.ACCEPTED
    assert Connection.objects.count() == 1
    assert ConnectionEdge.objects.count() == 2
    assert services.connection_status(alice.user, bob) == ConnectionStatus.CONNECTED


def test_request_after_ignoring_their_invitation_accepts_it(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    connection = services.request_connection(bob.user, alice)
    assert connection.state == ConnectionState.ACCEPTED
    assert Connection.objects.count() == 1


def test_one_live_relation_per_pair_is_a_database_constraint(alice, bob):
    from django.db import IntegrityError, transaction

    services.request_connection(alice.user, bob)
    low, high = sorted([alice.pk, bob.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(
            member_low_id=low, member_high_id=high, requester=bob, recipient=alice
        )


# --- refusals ---------------------------------------------------------------------


def test_inviting_oneself_is_self_action(alice):
    with raises(ErrorCode.SELF_ACTION, "member"):
        services.request_connection(alice.user, alice)


def test_inviting_twice_is_already_invited(alice, bob):
    services.request_connection(alice.user, bob)
    with raises(ErrorCode.ALREADY_INVITED):
        services.request_connection(alice.user, bob)


def test_inviting_a_connection_is_already_connected(alice, bob):
    services.request_connection(alice.user, bob)
    services.accept_connection(bob.user, alice)
    with raises(ErrorCode.ALREADY_CONNECTED):
        services.request_connection(alice.user, bob)
    with raises(ErrorCode.ALREADY_CONNECTED):
        services.request_connection(bob.user, alice)


def test_message_longer_than_500_characters_is_a_validation_error(alice, bob):
    before = snapshot()
    with raises(ErrorCode.VALIDATION, "message"):
        services.request_connection(alice.user, bob, "x" * 501)
    assert snapshot() == before
    assert services.request_connection(alice.user, bob, "x" * 500).message == "x" * 500


def test_anonymous_user_is_unauthenticated(bob):
    with raises(ErrorCode.UNAUTHENTICATED):
        services.request_connection(AnonymousUser(), bob)


def test_user_without_profile_gets_no_profile(bob):
    with raises(ErrorCode.NO_PROFILE):
        services.request_connection(UserFactory(), bob)


def test_draft_profile_cannot_invite(make_member, bob):
    draft = make_member(live=False)
    with raises(ErrorCode.NO_PROFILE):
        services.request_connection(draft.user, bob)


def test_missing_member_is_not_found(alice):
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.request_connection(alice.user, 999_999)
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.request_connection(alice.user, "not-an-id")


def test_invisible_member_reads_exactly_like_a_missing_one(alice, make_member):
    hidden = make_member(profile_visibility="connections")
    with raises(ErrorCode.NOT_FOUND, "member") as invisible:
        services.request_connection(alice.user, hidden)
    with raises(ErrorCode.NOT_FOUND, "member") as missing:
        services.request_connection(alice.user, 999_999)
    assert invisible.value.message == missing.value.message


def test_profile_without_an_account_cannot_be_invited(alice, directories):
    from tests.factories import MemberPageFactory

    unlinked = MemberPageFactory(parent=directories[0], user=None)
    with raises(ErrorCode.INVALID_STATE, "member"):
        services.request_connection(alice.user, unlinked)
    assert not Connection.objects.exists()


def test_unpublished_member_is_not_found(alice, make_member):
    draft = make_member(live=False)
    with raises(ErrorCode.NOT_FOUND):
        services.request_connection(alice.user, draft)


@pytest.mark.parametrize("direction", ["blocker_invites", "blocked_invites"])
def test_block_either_way_makes_invitations_not_found(alice, bob, direction):
    Block.objects.create(blocker=alice, blocked=bob)
    actor, target = (alice, bob) if direction == "blocker_invites" else (bob, alice)
    with raises(ErrorCode.NOT_FOUND):
        services.request_connection(actor.user, target)
    assert not Connection.objects.exists()


# --- ignore is never disclosed ---------------------------------------------------


def test_ignored_invitation_reads_as_pending_to_the_inviter(alice, bob):
    connection = services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.IGNORED
    assert services.invitation_state_for(alice.user, connection) == ConnectionState.PENDING
    assert services.connection_status(alice.user, bob) == ConnectionStatus.PENDING_SENT
    assert list(services.invitations_sent(alice.user)) == [connection]


def test_ignored_invitation_reads_as_ignored_to_the_recipient(alice, bob):
    connection = services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    connection.refresh_from_db()
    assert services.invitation_state_for(bob.user, connection) == ConnectionState.IGNORED
    assert services.connection_status(bob.user, alice) == ConnectionStatus.IGNORED
    assert list(services.invitations_received(bob.user)) == []
    assert list(services.invitations_received(bob.user, include_ignored=True)) == [connection]


def test_inviting_again_after_ignore_reads_already_invited_like_pending(alice, bob):
    services.request_connection(alice.user, bob)
    with raises(ErrorCode.ALREADY_INVITED) as pending:
        services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    with raises(ErrorCode.ALREADY_INVITED) as ignored:
        services.request_connection(alice.user, bob)
    assert pending.value.message == ignored.value.message


def test_ignore_is_idempotent(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    before = snapshot()
    services.ignore_connection(bob.user, alice)
    assert snapshot() == before


# --- cool-down ------------------------------------------------------------------------


@override_settings(WAGTAIL_NETWORK={"WITHDRAWAL_COOLDOWN_DAYS": 7})
def test_reinviting_within_cooldown_after_withdrawal_is_refused(alice, bob):
    services.request_connection(alice.user, bob)
    services.withdraw_connection_request(alice.user, bob)
    with raises(ErrorCode.COOLDOWN):
        services.request_connection(alice.user, bob)


@override_settings(WAGTAIL_NETWORK={"WITHDRAWAL_COOLDOWN_DAYS": 7})
def test_reinviting_after_cooldown_is_allowed(alice, bob):
    services.request_connection(alice.user, bob)
    withdrawn = services.withdraw_connection_request(alice.user, bob)
    # Time travel: the withdrawal happened eight days ago.
    Connection.objects.filter(pk=withdrawn.pk).update(ended_at=timezone.now() - timedelta(days=8))
    assert services.request_connection(alice.user, bob).state == ConnectionState.PENDING


@override_settings(WAGTAIL_NETWORK={"WITHDRAWAL_COOLDOWN_DAYS": 7})
def test_cooldown_does_not_stop_the_other_member_from_inviting(alice, bob):
    services.request_connection(alice.user, bob)
    services.withdraw_connection_request(alice.user, bob)
    assert services.request_connection(bob.user, alice).state == ConnectionState.PENDING


@override_settings(WAGTAIL_NETWORK={"WITHDRAWAL_COOLDOWN_DAYS": 0})
def test_cooldown_of_zero_days_allows_inviting_again_at_once(alice, bob):
    services.request_connection(alice.user, bob)
    services.withdraw_connection_request(alice.user, bob)
    assert services.request_connection(alice.user, bob).state == ConnectionState.PENDING


# --- cap on open invitations --------------------------------------------------------


@override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 2})
def test_invitation_cap_counts_open_invitations(alice, make_member):
    a, b, c = make_member(), make_member(), make_member()
    services.request_connection(alice.user, a)
    services.request_connection(alice.user, b)
    before = snapshot()
    with raises(ErrorCode.INVITATION_CAP_REACHED):
        services.request_connection(alice.user, c)
    assert snapshot() == before


@override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 1})
def test_ignored_invitations_count_towards_the_cap(alice, make_member):
    # Otherwise a freed slot would tell the inviter their invitation was ignored.
    a, b = make_member(), make_member()
    services.request_connection(alice.user, a)
    services.ignore_connection(a.user, alice)
    with raises(ErrorCode.INVITATION_CAP_REACHED):
        services.request_connection(alice.user, b)


@override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 1})
def test_accepted_and_withdrawn_invitations_free_the_cap(alice, make_member):
    a, b, c = make_member(), make_member(), make_member()
    services.request_connection(alice.user, a)
    services.accept_connection(a.user, alice)
    services.request_connection(alice.user, b)
    services.withdraw_connection_request(alice.user, b)
    assert services.request_connection(alice.user, c).state == ConnectionState.PENDING


@override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 1})
def test_accepting_a_crossing_invitation_is_not_capped(alice, bob, carol):
    services.request_connection(alice.user, carol)
    services.request_connection(bob.user, alice)
    assert services.request_connection(alice.user, bob).state == ConnectionState.ACCEPTED


# --- connection status --------------------------------------------------------------


def test_connection_status_for_each_state(alice, bob, carol, make_member):
    dave, erin = make_member(), make_member()
    services.request_connection(alice.user, bob)  # sent
    services.request_connection(carol.user, alice)  # received
    services.request_connection(alice.user, dave)
    services.accept_connection(dave.user, alice)  # connected
    services.block_member(alice.user, erin)  # blocked by alice
    statuses = services.connection_statuses(
        alice.user, [alice.pk, bob.pk, carol.pk, dave.pk, erin.pk]
    )
    assert statuses == {
        alice.pk: ConnectionStatus.SELF,
        bob.pk: ConnectionStatus.PENDING_SENT,
        carol.pk: ConnectionStatus.PENDING_RECEIVED,
        dave.pk: ConnectionStatus.CONNECTED,
        erin.pk: ConnectionStatus.BLOCKED,
    }


def test_an_ignore_reads_pending_to_the_inviter_and_ignored_to_the_recipient(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    assert services.connection_status(alice.user, bob) == ConnectionStatus.PENDING_SENT
    assert services.connection_status(bob.user, alice) == ConnectionStatus.IGNORED


def test_connection_status_of_an_unknown_id_is_none(alice):
    assert services.connection_statuses(alice.user, [987_654]) == {987_654: ConnectionStatus.NONE}


def test_blocked_member_never_reads_blocked_status(alice, bob):
    services.block_member(alice.user, bob)
    assert services.connection_status(bob.user, alice) == ConnectionStatus.NONE


def test_connection_status_for_anonymous_is_none(alice, bob):
    services.request_connection(alice.user, bob)
    assert services.connection_status(AnonymousUser(), bob) == ConnectionStatus.NONE


def test_connection_statuses_run_in_constant_queries(alice, make_member, django_assert_num_queries):
    members = [make_member() for _ in range(12)]
    for other in members[:4]:
        services.request_connection(alice.user, other)
    small = [m.pk for m in members[:3]]
    large = [m.pk for m in members] + list(range(10_000, 10_100))
    alice_user = Viewer.of(alice.user)  # one viewer, as one request has
    services.connection_statuses(alice_user, [])  # looks up the viewer's member
    with django_assert_num_queries(1):
        services.connection_statuses(alice_user, small)
    with django_assert_num_queries(1):
        result = services.connection_statuses(alice_user, large)
    assert len(result) == 112


# --- nothing written on failure -------------------------------------------------------


def test_failed_operations_write_nothing(alice, bob, carol):
    services.request_connection(alice.user, bob)
    before = snapshot()
    failures = [
        lambda: services.request_connection(alice.user, bob),
        lambda: services.request_connection(alice.user, alice),
        lambda: services.accept_connection(alice.user, bob),
        lambda: services.accept_connection(carol.user, alice),
        lambda: services.withdraw_connection_request(bob.user, alice),
        lambda: services.remove_connection(alice.user, bob),
        lambda: services.ignore_connection(alice.user, bob),
    ]
    for failure in failures:
        with pytest.raises(NetworkError):
            failure()
    assert snapshot() == before


def test_services_accept_request_user_as_a_lazy_proxy(alice, bob, carol):
    from django.utils.functional import SimpleLazyObject

    def lazy(member):
        return SimpleLazyObject(lambda: member.user)

    services.request_connection(lazy(alice), bob)
    assert services.accept_connection(lazy(bob), alice).state == ConnectionState.ACCEPTED
    services.block_member(lazy(carol), alice)
    assert services.connection_status(lazy(alice), bob) == ConnectionStatus.CONNECTED
    assert services.remove_connection(lazy(alice), bob).state == ConnectionState.REMOVED
