"""Mutations of the connection lifecycle, blocks and follows: every success path and
every typed failure, with the database unchanged after each failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from wagtail.models import ModelLogEntry

from tests.factories import CompanyPageFactory
from tests.graphql.mutation_support import build_net, error_codes, gid, mutate, post
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
    Follow,
)

MEMBER_FIELDS = "member { id name connectionStatus } errors { code field message }"


def member_mutation(name: str, extra_args: str = "") -> str:
    return f"""mutation($id: ID!{", $message: String" if extra_args else ""}) {{
      {name}(input: {{memberId: $id{extra_args}}}) {{ {MEMBER_FIELDS} }} }}"""


REQUEST = member_mutation("requestConnection", ", message: $message")
ACCEPT = member_mutation("acceptConnection")
IGNORE = member_mutation("ignoreConnection")
WITHDRAW = member_mutation("withdrawConnectionRequest")
REMOVE = member_mutation("removeConnection")
UNBLOCK = member_mutation("unblockMember")
BLOCK = """mutation($id: ID!) { blockMember(input: {memberId: $id}) {
  blockedMemberId errors { code field message } } }"""
FOLLOW = """mutation($id: ID!) { followCompany(input: {companyId: $id}) {
  company { name followedByViewer } errors { code field message } } }"""
UNFOLLOW = FOLLOW.replace("followCompany", "unfollowCompany")
MEMBER_BY_SLUG = "query($slug: String!) { member(slug: $slug) { name connectionStatus } }"


def snapshot() -> dict[str, int]:
    """Row counts of everything a network mutation may write."""
    return {
        "connections": Connection.objects.count(),
        "states": sorted(Connection.objects.values_list("pk", "state")),
        "edges": ConnectionEdge.objects.count(),
        "events": ConnectionEvent.objects.count(),
        "blocks": Block.objects.count(),
        "follows": Follow.objects.count(),
        "endorsements": Endorsement.objects.count(),
        "log": ModelLogEntry.objects.count(),
    }


class NetworkMutationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def run_mutation(self, name, query, variables, user):
        return mutate(name, query, variables, user=user)

    def assert_refused(self, name, query, variables, user, expected):
        """The mutation answers exactly ``expected`` errors and writes nothing."""
        before = snapshot()
        payload = mutate(name, query, variables, user=user)
        assert error_codes(payload) == expected, payload
        assert snapshot() == before
        return payload


class RequestConnection(NetworkMutationTest):
    def test_request_connection_creates_pending_invitation(self):
        payload = mutate(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.eve.pk), "message": "Hi Eve"},
            user=self.n.u_alice,
        )
        assert payload["errors"] == []
        assert payload["member"] == {
            "id": gid("Member", self.n.eve.pk),
            "name": "Eve",
            "connectionStatus": "PENDING_SENT",
        }
        connection = Connection.objects.get(requester=self.n.alice, recipient=self.n.eve)
        assert connection.state == ConnectionState.PENDING
        assert connection.message == "Hi Eve"
        assert connection.events.count() == 1

    def test_malformed_member_id_is_not_found_on_the_field(self):
        for bad in ("garbage", "", "TWVtYmVyOg==", gid("Member", 0), gid("Member", -3)):
            self.assert_refused(
                "requestConnection",
                REQUEST,
                {"id": bad},
                self.n.u_alice,
                [("NOT_FOUND", "memberId")],
            )

    def test_id_of_another_type_is_not_found(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Company", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_invisible_member_reads_exactly_like_a_missing_one(self):
        # carol's profile is for her connections only; alice is not one.
        invisible = self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.carol.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )
        missing = self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", 999_999)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )
        assert invisible == missing

    def test_blocked_member_cannot_invite_blocker_and_gets_not_found(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.alice.pk)},
            self.n.u_dave,
            [("NOT_FOUND", "memberId")],
        )

    def test_blocker_cannot_invite_blocked_member(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.dave.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_cannot_invite_yourself(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.alice.pk)},
            self.n.u_alice,
            [("SELF_ACTION", "memberId")],
        )

    def test_cannot_invite_an_existing_connection(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.bob.pk)},
            self.n.u_alice,
            [("ALREADY_CONNECTED", None)],
        )

    def test_second_invitation_is_already_invited(self):
        variables = {"id": gid("Member", self.n.eve.pk)}
        mutate("requestConnection", REQUEST, variables, user=self.n.u_alice)
        self.assert_refused(
            "requestConnection", REQUEST, variables, self.n.u_alice, [("ALREADY_INVITED", None)]
        )

    def test_message_longer_than_500_is_a_validation_error(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.eve.pk), "message": "x" * 501},
            self.n.u_alice,
            [("VALIDATION", "message")],
        )

    def test_anonymous_request_is_unauthenticated(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.eve.pk)},
            None,
            [("UNAUTHENTICATED", None)],
        )

    def test_user_without_profile_gets_no_profile(self):
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_nobody,
            [("NO_PROFILE", None)],
        )

    def test_crossing_invitations_become_one_connection(self):
        mutate(
            "requestConnection", REQUEST, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        payload = mutate(
            "requestConnection", REQUEST, {"id": gid("Member", self.n.alice.pk)}, user=self.n.u_eve
        )
        assert payload["member"]["connectionStatus"] == "CONNECTED"
        assert (
            Connection.objects.filter(member_low__in=[self.n.alice, self.n.eve])
            .filter(member_high__in=[self.n.alice, self.n.eve])
            .count()
            == 1
        )

    def test_invitation_cap_reached(self):
        from tests.graphql.test_protection import network

        with network(INVITATION_CAP=1):
            first = mutate(
                "requestConnection",
                REQUEST,
                {"id": gid("Member", self.n.eve.pk)},
                user=self.n.u_bob,
            )
            assert first["errors"] == []
            self.assert_refused(
                "requestConnection",
                REQUEST,
                {"id": gid("Member", self.n.dave.pk)},
                self.n.u_bob,
                [("INVITATION_CAP_REACHED", None)],
            )


class Respond(NetworkMutationTest):
    def invite(self, inviter_user, invitee):
        mutate("requestConnection", REQUEST, {"id": gid("Member", invitee.pk)}, user=inviter_user)

    def test_accept_connection_connects_both_ways(self):
        self.invite(self.n.u_eve, self.n.alice)
        payload = mutate(
            "acceptConnection", ACCEPT, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert payload["errors"] == []
        assert payload["member"]["connectionStatus"] == "CONNECTED"
        assert ConnectionEdge.objects.filter(member=self.n.alice, other=self.n.eve).exists()
        assert ConnectionEdge.objects.filter(member=self.n.eve, other=self.n.alice).exists()

    def test_accept_without_invitation_is_not_found(self):
        self.assert_refused(
            "acceptConnection",
            ACCEPT,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_inviter_cannot_accept_own_invitation(self):
        self.invite(self.n.u_alice, self.n.eve)
        self.assert_refused(
            "acceptConnection",
            ACCEPT,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_ignored_invitation_still_reads_pending_to_the_inviter(self):
        self.invite(self.n.u_eve, self.n.alice)
        payload = mutate(
            "ignoreConnection", IGNORE, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert payload["errors"] == []
        assert payload["member"]["connectionStatus"] == "IGNORED"
        _status, body = post(MEMBER_BY_SLUG, {"slug": "alice"}, user=self.n.u_eve)
        assert body["data"]["member"]["connectionStatus"] == "PENDING_SENT"

    def test_ignored_invitation_can_still_be_accepted(self):
        self.invite(self.n.u_eve, self.n.alice)
        mutate(
            "ignoreConnection", IGNORE, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        payload = mutate(
            "acceptConnection", ACCEPT, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert payload["member"]["connectionStatus"] == "CONNECTED"

    def test_ignore_without_invitation_is_not_found(self):
        self.assert_refused(
            "ignoreConnection",
            IGNORE,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_withdraw_connection_request_then_cooldown(self):
        self.invite(self.n.u_alice, self.n.eve)
        payload = mutate(
            "withdrawConnectionRequest",
            WITHDRAW,
            {"id": gid("Member", self.n.eve.pk)},
            user=self.n.u_alice,
        )
        assert payload["errors"] == []
        assert payload["member"]["connectionStatus"] == "NONE"
        assert Connection.objects.get(requester=self.n.alice, recipient=self.n.eve).state == (
            ConnectionState.WITHDRAWN
        )
        self.assert_refused(
            "requestConnection",
            REQUEST,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("COOLDOWN", None)],
        )

    def test_withdraw_after_cooldown_allows_new_invitation(self):
        from django.utils import timezone

        self.invite(self.n.u_alice, self.n.eve)
        mutate(
            "withdrawConnectionRequest",
            WITHDRAW,
            {"id": gid("Member", self.n.eve.pk)},
            user=self.n.u_alice,
        )
        Connection.objects.filter(requester=self.n.alice).update(
            ended_at=timezone.now() - timedelta(days=365)
        )
        payload = mutate(
            "requestConnection", REQUEST, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert payload["errors"] == []

    def test_withdraw_without_invitation_is_not_found(self):
        self.assert_refused(
            "withdrawConnectionRequest",
            WITHDRAW,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_withdraw_an_accepted_connection_is_already_connected(self):
        self.assert_refused(
            "withdrawConnectionRequest",
            WITHDRAW,
            {"id": gid("Member", self.n.bob.pk)},
            self.n.u_alice,
            [("ALREADY_CONNECTED", None)],
        )

    def test_remove_connection_deletes_both_edges_and_keeps_history(self):
        payload = mutate(
            "removeConnection",
            REMOVE,
            {"id": gid("Member", self.n.bob.pk)},
            user=self.n.u_alice,
        )
        assert payload["errors"] == []
        assert payload["member"]["connectionStatus"] == "NONE"
        assert not ConnectionEdge.objects.filter(member__in=[self.n.alice, self.n.bob]).exists()
        assert Connection.objects.get(member_low__in=[self.n.alice, self.n.bob]).state == (
            ConnectionState.REMOVED
        )

    def test_remove_when_not_connected_is_not_connected(self):
        self.assert_refused(
            "removeConnection",
            REMOVE,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_CONNECTED", None)],
        )

    def test_remove_invisible_member_is_not_found(self):
        self.assert_refused(
            "removeConnection",
            REMOVE,
            {"id": gid("Member", self.n.carol.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )


class Blocking(NetworkMutationTest):
    def test_block_member_ends_connection_and_hides_both_ways(self):
        payload = mutate(
            "blockMember", BLOCK, {"id": gid("Member", self.n.bob.pk)}, user=self.n.u_alice
        )
        assert payload == {"blockedMemberId": gid("Member", self.n.bob.pk), "errors": []}
        assert Block.objects.filter(blocker=self.n.alice, blocked=self.n.bob).exists()
        assert not ConnectionEdge.objects.filter(member=self.n.alice, other=self.n.bob).exists()
        # The blocked member no longer sees the blocker anywhere: "not found".
        _status, body = post(MEMBER_BY_SLUG, {"slug": "alice"}, user=self.n.u_bob)
        assert body["data"]["member"] is None

    def test_block_removes_endorsements_between_them(self):
        Endorsement.objects.create(endorser=self.n.bob, member=self.n.alice, skill=self.n.python)
        mutate("blockMember", BLOCK, {"id": gid("Member", self.n.bob.pk)}, user=self.n.u_alice)
        assert not Endorsement.objects.filter(member=self.n.alice).exists()

    def test_blocked_member_cannot_block_back_the_invisible_blocker(self):
        self.assert_refused(
            "blockMember",
            BLOCK,
            {"id": gid("Member", self.n.alice.pk)},
            self.n.u_dave,
            [("NOT_FOUND", "memberId")],
        )

    def test_block_self_is_self_action(self):
        self.assert_refused(
            "blockMember",
            BLOCK,
            {"id": gid("Member", self.n.alice.pk)},
            self.n.u_alice,
            [("SELF_ACTION", "memberId")],
        )

    def test_block_malformed_id_is_not_found(self):
        self.assert_refused(
            "blockMember", BLOCK, {"id": "%%%"}, self.n.u_alice, [("NOT_FOUND", "memberId")]
        )

    def test_unblock_member_makes_them_visible_again(self):
        payload = mutate(
            "unblockMember", UNBLOCK, {"id": gid("Member", self.n.dave.pk)}, user=self.n.u_alice
        )
        assert payload["errors"] == []
        assert payload["member"]["name"] == "Dave"
        assert not Block.objects.exists()

    def test_unblock_member_not_blocked_is_not_found(self):
        self.assert_refused(
            "unblockMember",
            UNBLOCK,
            {"id": gid("Member", self.n.eve.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_blocked_member_cannot_unblock_the_blocker(self):
        self.assert_refused(
            "unblockMember",
            UNBLOCK,
            {"id": gid("Member", self.n.alice.pk)},
            self.n.u_dave,
            [("NOT_FOUND", "memberId")],
        )


class Follows(NetworkMutationTest):
    def test_follow_company_and_unfollow(self):
        payload = mutate(
            "followCompany", FOLLOW, {"id": gid("Company", self.n.acme.pk)}, user=self.n.u_alice
        )
        assert payload == {"company": {"name": "Acme", "followedByViewer": True}, "errors": []}
        again = mutate(
            "followCompany", FOLLOW, {"id": gid("Company", self.n.acme.pk)}, user=self.n.u_alice
        )
        assert again["errors"] == [] and Follow.objects.count() == 1  # idempotent
        payload = mutate(
            "unfollowCompany", UNFOLLOW, {"id": gid("Company", self.n.acme.pk)}, user=self.n.u_alice
        )
        assert payload["company"]["followedByViewer"] is False
        assert not Follow.objects.exists()

    def test_follow_unpublished_company_is_not_found(self):
        draft = CompanyPageFactory(parent=self.n.companies, title="Stealth", live=False)
        self.assert_refused(
            "followCompany",
            FOLLOW,
            {"id": gid("Company", draft.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "companyId")],
        )

    def test_follow_with_member_id_is_not_found(self):
        self.assert_refused(
            "followCompany",
            FOLLOW,
            {"id": gid("Member", self.n.acme.pk)},
            self.n.u_alice,
            [("NOT_FOUND", "companyId")],
        )

    def test_follow_anonymous_is_unauthenticated(self):
        self.assert_refused(
            "followCompany",
            FOLLOW,
            {"id": gid("Company", self.n.acme.pk)},
            None,
            [("UNAUTHENTICATED", None)],
        )


@pytest.mark.parametrize("field", ["memberId"])
def test_required_input_field_missing_is_a_graphql_validation_error(field, db):
    status, body = post("mutation { requestConnection(input: {}) { errors { code } } }")
    assert status == 200
    assert body["data"] is None
    assert field in body["errors"][0]["message"]
