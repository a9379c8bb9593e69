"""Endorsements and recommendations (PRODUCT.md "Endorsements and recommendations")."""

from __future__ import annotations

import pytest
from django.test import override_settings
from wagtail.models import ModelLogEntry

from tests.factories import SkillFactory, UserFactory, connect
from tests.services.helpers import raises, snapshot
from wagtail_network import services, visibility
from wagtail_network.errors import ErrorCode
from wagtail_network.models import (
    Endorsement,
    EndorsementState,
    Recommendation,
    RecommendationState,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(alice, bob, skill):
    """Alice and Bob connected; Bob lists the skill."""
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    return alice, bob


# --- endorsements -----------------------------------------------------------------


def test_connection_may_endorse_a_listed_skill(pair, skill):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    assert (endorsement.endorser_id, endorsement.member_id, endorsement.skill_id) == (
        alice.pk,
        bob.pk,
        skill.pk,
    )
    assert endorsement.state == EndorsementState.LIVE
    assert ModelLogEntry.objects.filter(action="wagtail_network.endorsement.create").exists()


def test_skill_may_be_given_by_slug_or_id(pair, skill):
    alice, bob = pair
    assert services.endorse_skill(alice.user, bob.pk, skill.slug).skill_id == skill.pk
    assert services.endorse_skill(alice.user, bob.pk, skill.pk).skill_id == skill.pk
    assert Endorsement.objects.count() == 1


def test_only_first_degree_connections_may_endorse(pair, carol, skill):
    alice, bob = pair
    connect(alice, carol)  # carol is 2nd degree to bob
    before = snapshot()
    with raises(ErrorCode.NOT_CONNECTED):
        services.endorse_skill(carol.user, bob, skill)
    assert snapshot() == before


def test_endorsing_an_unlisted_skill_is_refused(pair):
    alice, bob = pair
    other = SkillFactory(name="Cobol")
    with raises(ErrorCode.SKILL_NOT_LISTED, "skill"):
        services.endorse_skill(alice.user, bob, other)


def test_unknown_skill_is_not_found(pair):
    alice, bob = pair
    with raises(ErrorCode.NOT_FOUND, "skill"):
        services.endorse_skill(alice.user, bob, "no-such-skill")


def test_self_endorsement_is_refused(alice, skill):
    alice.skills.add(skill)
    alice.save()
    with raises(ErrorCode.SELF_ACTION):
        services.endorse_skill(alice.user, alice, skill)


def test_one_endorsement_per_endorser_member_skill(pair, skill):
    alice, bob = pair
    first = services.endorse_skill(alice.user, bob, skill)
    before = snapshot()
    second = services.endorse_skill(alice.user, bob, skill)
    assert first.pk == second.pk
    assert snapshot() == before


@override_settings(WAGTAIL_NETWORK={"ENDORSEMENT_MODERATION": True})
def test_endorsement_waits_for_a_moderator_when_moderation_is_on(pair, skill, moderator):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    assert endorsement.state == EndorsementState.PENDING
    approved = services.moderate_endorsement(moderator, endorsement, approve=True)
    assert approved.state == EndorsementState.LIVE


def test_moderator_rejects_an_endorsement(pair, skill, moderator):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    services.moderate_endorsement(moderator, endorsement.pk, approve=False)
    endorsement.refresh_from_db()
    assert endorsement.state == EndorsementState.REJECTED


def test_non_moderator_cannot_moderate_endorsements(pair, skill, carol):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.moderate_endorsement(carol.user, endorsement, approve=False)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.delete_endorsement(bob.user, endorsement)
    endorsement.refresh_from_db()
    assert endorsement.state == EndorsementState.LIVE


@override_settings(WAGTAIL_NETWORK={"ENDORSEMENT_MODERATION": True})
def test_non_moderator_cannot_see_or_moderate_a_pending_endorsement(pair, skill, carol):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    with raises(ErrorCode.NOT_FOUND):
        services.moderate_endorsement(carol.user, endorsement, approve=True)


def test_moderator_deletes_an_endorsement_with_audit_entry(pair, skill, moderator):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    services.delete_endorsement(moderator, endorsement)
    assert not Endorsement.objects.exists()
    entry = ModelLogEntry.objects.get(action="wagtail_network.endorsement.delete")
    assert entry.user_id == moderator.pk and entry.object_id == str(endorsement.pk)


def test_endorser_withdraws_an_endorsement(pair, skill):
    alice, bob = pair
    services.endorse_skill(alice.user, bob, skill)
    services.withdraw_endorsement(alice.user, bob, skill)
    assert not Endorsement.objects.exists()
    with raises(ErrorCode.NOT_FOUND):
        services.withdraw_endorsement(alice.user, bob, skill)


def test_recipient_hides_and_shows_an_endorsement(pair, skill, carol):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    services.set_endorsement_hidden(bob.user, endorsement, True)
    assert not visibility.endorsements_visible_to(carol.user).filter(pk=endorsement.pk).exists()
    services.set_endorsement_hidden(bob.user, endorsement, False)
    endorsement.refresh_from_db()
    assert not endorsement.is_hidden


def test_only_the_recipient_may_hide_an_endorsement(pair, skill):
    alice, bob = pair
    endorsement = services.endorse_skill(alice.user, bob, skill)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.set_endorsement_hidden(alice.user, endorsement, True)


# --- recommendations ----------------------------------------------------------------


def test_recommendation_waits_for_its_recipient(pair, carol):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "  Bob is great.  ")
    assert rec.state == RecommendationState.PENDING_RECIPIENT
    assert rec.text == "Bob is great."
    assert not visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()


def test_recipient_accepts_and_the_recommendation_is_published(pair, carol):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    rec = services.respond_to_recommendation(bob.user, rec, "accept")
    assert rec.state == RecommendationState.PUBLISHED
    assert visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()


@override_settings(WAGTAIL_NETWORK={"RECOMMENDATION_MODERATION": True})
def test_accepted_recommendation_waits_for_moderator_when_moderation_is_on(pair, carol, moderator):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    rec = services.respond_to_recommendation(bob.user, rec, "accept")
    assert rec.state == RecommendationState.PENDING_MODERATION
    assert not visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()
    rec = services.moderate_recommendation(moderator, rec, approve=True)
    assert rec.state == RecommendationState.PUBLISHED
    assert rec.moderated_by_id == moderator.pk


@override_settings(WAGTAIL_NETWORK={"RECOMMENDATION_MODERATION": True})
def test_moderator_cannot_publish_what_the_recipient_has_not_accepted(pair, moderator):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    with raises(ErrorCode.INVALID_STATE):
        services.moderate_recommendation(moderator, rec, approve=True)


def test_moderator_cannot_publish_a_declined_then_rejected_recommendation(pair, moderator):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "decline")
    services.moderate_recommendation(moderator, rec, approve=False)
    with raises(ErrorCode.INVALID_STATE):
        services.moderate_recommendation(moderator, rec, approve=True)


def test_moderator_rejects_a_published_recommendation(pair, moderator):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "accept")
    rec = services.moderate_recommendation(moderator, rec, approve=False)
    assert rec.state == RecommendationState.REJECTED


def test_non_moderator_cannot_moderate_recommendations(pair):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "accept")
    with raises(ErrorCode.PERMISSION_DENIED):
        services.moderate_recommendation(bob.user, rec, approve=False)
    with raises(ErrorCode.PERMISSION_DENIED):
        services.delete_recommendation(alice.user, rec)


def test_moderator_deletes_a_recommendation(pair, moderator):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.delete_recommendation(moderator, rec)
    assert not Recommendation.objects.exists()
    assert ModelLogEntry.objects.filter(action="wagtail_network.recommendation.delete").exists()


def test_recipient_declines_a_recommendation(pair, carol):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    rec = services.respond_to_recommendation(bob.user, rec, "decline")
    assert rec.state == RecommendationState.DECLINED
    assert not visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()


def test_recipient_hides_a_published_recommendation_at_any_time(pair, carol):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "accept")
    services.respond_to_recommendation(bob.user, rec, "hide")
    assert not visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()
    services.respond_to_recommendation(bob.user, rec, "unhide")
    assert visibility.recommendations_visible_to(carol.user).filter(pk=rec.pk).exists()


def test_only_the_recipient_may_respond_to_a_recommendation(pair):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    with raises(ErrorCode.PERMISSION_DENIED):
        services.respond_to_recommendation(alice.user, rec, "accept")


def test_stranger_responding_to_a_recommendation_gets_not_found(pair, carol):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    with raises(ErrorCode.NOT_FOUND):
        services.respond_to_recommendation(carol.user, rec, "accept")


def test_unknown_response_action_is_a_validation_error(pair):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    with raises(ErrorCode.VALIDATION, "action"):
        services.respond_to_recommendation(bob.user, rec, "publish")


def test_rewriting_an_unpublished_recommendation_updates_it(pair):
    alice, bob = pair
    first = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, first, "decline")
    second = services.write_recommendation(alice.user, bob, "managed", "Even better")
    assert second.pk == first.pk
    assert (second.relationship, second.text, second.state) == (
        "managed",
        "Even better",
        RecommendationState.PENDING_RECIPIENT,
    )
    assert Recommendation.objects.count() == 1


def test_rewriting_a_published_recommendation_is_refused(pair):
    alice, bob = pair
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great")
    services.respond_to_recommendation(bob.user, rec, "accept")
    with raises(ErrorCode.ALREADY_EXISTS):
        services.write_recommendation(alice.user, bob, "same_team", "Changed")
    rec.refresh_from_db()
    assert rec.text == "Great"


def test_only_first_degree_connections_may_recommend(bob, carol):
    with raises(ErrorCode.NOT_CONNECTED):
        services.write_recommendation(carol.user, bob, "same_team", "Great")
    assert not Recommendation.objects.exists()


def test_self_recommendation_is_refused(alice):
    with raises(ErrorCode.SELF_ACTION):
        services.write_recommendation(alice.user, alice, "same_team", "I am great")


@pytest.mark.parametrize(
    ("relationship", "text", "field"),
    [
        ("friend", "Great", "relationship"),
        ("same_team", "   ", "text"),
        ("same_team", "x" * 3001, "text"),
    ],
)
def test_invalid_recommendation_input_is_a_validation_error(pair, relationship, text, field):
    alice, bob = pair
    before = snapshot()
    with raises(ErrorCode.VALIDATION, field):
        services.write_recommendation(alice.user, bob, relationship, text)
    assert snapshot() == before


def test_user_without_profile_cannot_endorse(pair, skill):
    _, bob = pair
    with raises(ErrorCode.NO_PROFILE):
        services.endorse_skill(UserFactory(), bob, skill)
