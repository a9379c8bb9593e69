"""Blocking (PRODUCT.md: removes connection and invitations both ways, hides both
sides from each other, stops invitations, endorsements and recommendations) and
following companies."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import ModelLogEntry

from tests.factories import CompanyPageFactory, connect
from tests.services.helpers import raises, snapshot
from wagtail_network import services, visibility
from wagtail_network.errors import ErrorCode
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
    Follow,
    Recommendation,
)

pytestmark = pytest.mark.django_db


def test_block_removes_the_connection_and_keeps_history(alice, bob):
    connection = connect(alice, bob)
    services.block_member(alice.user, bob)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.REMOVED
    assert not ConnectionEdge.objects.exists()
    assert ConnectionEvent.objects.filter(
        connection=connection, state=ConnectionState.REMOVED, actor=alice
    ).exists()


@pytest.mark.parametrize("inviter", ["blocker", "blocked"])
def test_block_withdraws_pending_invitations_both_ways(alice, bob, inviter):
    if inviter == "blocker":
        connection = services.request_connection(alice.user, bob)
    else:
        connection = services.request_connection(bob.user, alice)
    services.block_member(alice.user, bob)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.WITHDRAWN
    assert not Connection.objects.filter(state__in=["pending", "ignored", "accepted"]).exists()


def test_block_deletes_endorsements_and_recommendations_both_ways(alice, bob, skill):
    connect(alice, bob)
    alice.skills.add(skill)
    bob.skills.add(skill)
    alice.save()
    bob.save()
    services.endorse_skill(alice.user, bob, skill)
    services.endorse_skill(bob.user, alice, skill)
    services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.write_recommendation(bob.user, alice, "same_team", "Great too")
    services.block_member(bob.user, alice)
    assert not Endorsement.objects.exists()
    assert not Recommendation.objects.exists()
    entry = ModelLogEntry.objects.get(action="wagtail_network.block")
    assert len(entry.data["deleted_endorsements"]) == 2
    assert len(entry.data["deleted_recommendations"]) == 2


def test_blocked_member_cannot_see_blocker_profile(alice, bob):
    services.block_member(alice.user, bob)
    assert not visibility.members_visible_to(bob.user).filter(pk=alice.pk).exists()


def test_blocked_member_cannot_invite_the_blocker(alice, bob):
    services.block_member(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.request_connection(bob.user, alice)


def test_blocker_cannot_invite_the_blocked_member(alice, bob):
    services.block_member(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.request_connection(alice.user, bob)


def test_blocked_member_cannot_endorse_or_recommend_the_blocker(alice, bob, skill):
    connect(alice, bob)
    alice.skills.add(skill)
    alice.save()
    services.block_member(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND):
        services.endorse_skill(bob.user, alice, skill)
    with raises(ErrorCode.NOT_FOUND):
        services.write_recommendation(bob.user, alice, "same_team", "Hi")


def test_blocked_member_cannot_block_back_or_learn_of_the_block(alice, bob):
    services.block_member(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.block_member(bob.user, alice)


def test_block_is_idempotent(alice, bob):
    first = services.block_member(alice.user, bob)
    before = snapshot()
    assert services.block_member(alice.user, bob).pk == first.pk
    assert snapshot() == before


def test_blocker_sees_blocked_members_only_in_their_block_list(alice, bob, carol):
    services.block_member(alice.user, bob)
    assert list(services.blocked_members(alice.user)) == [bob]
    assert list(services.blocked_members(bob.user)) == []


def test_blocking_oneself_is_self_action(alice):
    with raises(ErrorCode.SELF_ACTION):
        services.block_member(alice.user, alice)


def test_blocking_an_invisible_member_is_not_found(alice, make_member):
    hidden = make_member(profile_visibility="connections")
    with raises(ErrorCode.NOT_FOUND):
        services.block_member(alice.user, hidden)


def test_member_can_block_an_inviter_whose_profile_they_cannot_see(alice, make_member):
    hidden = make_member(profile_visibility="connections")
    invitation = services.request_connection(hidden.user, alice)
    services.block_member(alice.user, hidden)
    invitation.refresh_from_db()
    assert invitation.state == ConnectionState.WITHDRAWN
    assert Block.objects.filter(blocker=alice, blocked=hidden).exists()


def test_unblock_lifts_the_block_but_restores_nothing(alice, bob):
    connect(alice, bob)
    services.block_member(alice.user, bob)
    services.unblock_member(alice.user, bob)
    assert not Block.objects.exists()
    assert not ConnectionEdge.objects.exists()
    assert services.request_connection(bob.user, alice).state == ConnectionState.PENDING


def test_invitation_ended_by_the_other_members_block_starts_no_cooldown(alice, bob):
    services.request_connection(bob.user, alice)
    services.block_member(alice.user, bob)
    services.unblock_member(alice.user, bob)
    assert services.request_connection(bob.user, alice).state == ConnectionState.PENDING


def test_blockers_own_invitation_ended_by_the_block_starts_the_cooldown(alice, bob):
    services.request_connection(alice.user, bob)
    services.block_member(alice.user, bob)
    services.unblock_member(alice.user, bob)
    with raises(ErrorCode.COOLDOWN):
        services.request_connection(alice.user, bob)


def test_only_the_blocker_can_unblock(alice, bob):
    services.block_member(alice.user, bob)
    with raises(ErrorCode.NOT_FOUND):
        services.unblock_member(bob.user, alice)
    assert Block.objects.count() == 1


def test_block_and_unblock_are_in_the_audit_log(alice, bob):
    services.block_member(alice.user, bob)
    services.unblock_member(alice.user, bob)
    actions = list(
        ModelLogEntry.objects.filter(action__startswith="wagtail_network.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["wagtail_network.block", "wagtail_network.unblock"]


# --- follows ------------------------------------------------------------------------


def test_follow_company_is_idempotent(alice, company):
    first = services.follow_company(alice.user, company)
    second = services.follow_company(alice.user, company.pk)
    assert first.pk == second.pk
    assert Follow.objects.count() == 1


def test_unfollow_company_removes_the_follow(alice, company):
    services.follow_company(alice.user, company)
    services.unfollow_company(alice.user, company)
    services.unfollow_company(alice.user, company)  # idempotent
    assert not Follow.objects.exists()


def test_member_can_unfollow_a_company_that_was_unpublished(alice, company):
    services.follow_company(alice.user, company)
    company.unpublish()
    services.unfollow_company(alice.user, company)
    assert not Follow.objects.exists()
    with raises(ErrorCode.NOT_FOUND, "company"):
        services.unfollow_company(alice.user, company)


def test_following_an_unpublished_company_is_not_found(alice, directories):
    draft = CompanyPageFactory(parent=directories[1], live=False)
    with raises(ErrorCode.NOT_FOUND, "company"):
        services.follow_company(alice.user, draft)
    assert not Follow.objects.exists()


def test_following_needs_a_signed_in_member(company):
    with raises(ErrorCode.UNAUTHENTICATED):
        services.follow_company(AnonymousUser(), company)
