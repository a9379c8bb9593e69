"""Notifications over GraphQL: ``viewer.notifications`` (with ``unreadCount``),
``node(id:)`` for a notification, ``viewer.notificationPreferences`` and the
``markNotificationsRead`` / ``updateNotificationPreferences`` mutations.

Every notification is made by the real services (an invitation, an endorsement, a
recommendation, a position claimed and confirmed), so the rows are the ones a
member would get; the rules of disclosure are the notifications module's
(``visible_notifications``), read here through the real schema and view.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from guardian.shortcuts import assign_perm
from wagtail.models import Site

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
    connect,
)
from tests.graphql.conftest import post_graphql
from wagtail_network import notifications, services
from wagtail_network.models import (
    MemberPage,
    Notification,
    NotificationChannel,
    NotificationSettings,
)
from wagtail_network.notifications import kinds as kinds_module
from wagtail_network.notifications.kinds import NotificationKind

pytestmark = pytest.mark.django_db

ORIGIN = "https://network.example.org"
BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}

LIST = """
query($first: Int, $after: String, $unreadOnly: Boolean) {
  viewer { notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount unreadCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind message url isRead readAt createdAt actor { id name } } }
  } }
}
"""

NODE = """
query($id: ID!) { node(id: $id) { id ... on Notification { kind message actor { name } } } }
"""

PREFERENCES = """
{ viewer { notificationPreferences {
  language languages { code name } channels { kind label audience channel }
} } }
"""

MARK = """
mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { markedCount unreadCount errors { code field message } }
}
"""

UPDATE = """
mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { language channels { kind channel } }
    errors { code field message }
  }
}
"""


class Net:
    """Attribute bag: users ``u_*``, member pages without prefix."""


@pytest.fixture
def net(default_site: Site) -> Net:
    """alice (public) is connected to bob; carol (public) is not connected to anyone;
    acmeadmin administers Acme and has no profile; nobody has no profile.

    alice then gets, oldest first: carol's invitation, bob's endorsement (Python),
    bob's recommendation."""
    default_site.hostname = "network.example.org"
    default_site.port = 443
    default_site.save()
    root = default_site.root_page
    n = Net()
    n.directory = MemberIndexPageFactory(parent=root)
    companies = CompanyIndexPageFactory(parent=root)
    n.acme = CompanyPageFactory(parent=companies, title="Acme", slug="acme")
    n.python = SkillFactory(name="Python")
    n.django = SkillFactory(name="Django")

    def member(name: str, **kwargs: Any) -> tuple[Any, MemberPage]:
        user = UserFactory(username=name)
        page = MemberPageFactory(
            parent=n.directory, title=name.title(), slug=name, user=user, **kwargs
        )
        return user, page

    n.u_alice, n.alice = member("alice", profile_visibility="public")
    n.u_bob, n.bob = member("bob", profile_visibility="public")
    n.u_carol, n.carol = member("carol", profile_visibility="public")
    n.u_nobody = UserFactory(username="nobody")
    n.u_acmeadmin = UserFactory(username="acmeadmin")
    assign_perm("wagtail_network.change_companypage", n.u_acmeadmin, n.acme)
    through = MemberPage.skills.through
    through.objects.bulk_create(
        [
            through(memberpage=n.alice, skill=n.python),
            through(memberpage=n.alice, skill=n.django),
        ]
    )
    connect(n.alice, n.bob)

    services.request_connection(n.u_carol, n.alice.pk, "Hello Alice")
    services.endorse_skill(n.u_bob, n.alice.pk, n.python.pk)
    services.write_recommendation(n.u_bob, n.alice.pk, "same_team", "Great colleague")
    n.invitation, n.endorsement, n.recommendation = Notification.objects.filter(
        recipient=n.u_alice
    ).order_by("created_at", "pk")
    return n


def gql(query: str, variables: dict[str, Any] | None = None, user: Any = None, **headers):
    client = Client(headers=headers) if headers else None
    with override_settings(WAGTAIL_NETWORK=BUDGET):
        return post_graphql(query, variables, user=user, client=client)


def gid(notification: Notification) -> str:
    from graphql_schema.base.ids import global_id

    return global_id("Notification", notification.pk)


def listed(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["viewer"]["notifications"]["edges"]]


@pytest.fixture
def test_kind():
    """A kind of a test app's own: its sentence says which language it was written
    in, it links nowhere, and it has no actor."""
    kind = NotificationKind(
        key="test_language",
        label="Test",
        audience="Tests",
        describe=lambda n: f"written in {translation.get_language()}",
        link=lambda n: "",
    )
    notifications.register_kind(kind)
    yield kind
    kinds_module._registry.pop(kind.key, None)


# --------------------------------------------------------------------------
# viewer.notifications
# --------------------------------------------------------------------------


def test_notifications_list_the_viewers_own_newest_first_with_each_field(net) -> None:
    body = gql(LIST, user=net.u_alice)
    nodes = listed(body)
    connection_ = body["data"]["viewer"]["notifications"]

    assert [n["kind"] for n in nodes] == [
        "recommendation_received",
        "endorsement_received",
        "invitation_received",
    ]
    assert connection_["totalCount"] == 3
    assert connection_["unreadCount"] == 3
    recommendation, endorsement, invitation = nodes
    assert invitation["id"] == gid(net.invitation)
    assert invitation["message"] == "Carol invited you to connect."
    assert invitation["url"] == f"{ORIGIN}/network/#invitations"
    assert invitation["actor"] == {"id": _member_gid(net.carol), "name": "Carol"}
    assert invitation["isRead"] is False
    assert invitation["readAt"] is None
    assert invitation["createdAt"].startswith(net.invitation.created_at.date().isoformat())
    assert endorsement["message"] == "Bob endorsed you for Python."
    assert endorsement["actor"]["name"] == "Bob"
    assert recommendation["message"] == "Bob wrote you a recommendation."
    assert recommendation["url"] == f"{ORIGIN}/network/#waiting"


def _member_gid(page: MemberPage) -> str:
    from graphql_schema.base.ids import global_id

    return global_id("Member", page.pk)


def test_another_users_list_holds_none_of_alices_notifications(net) -> None:
    # bob is told of nothing yet (he endorsed and recommended, carol invited alice).
    body = gql(LIST, user=net.u_bob)

    assert listed(body) == []
    assert body["data"]["viewer"]["notifications"]["totalCount"] == 0
    assert body["data"]["viewer"]["notifications"]["unreadCount"] == 0


def test_an_anonymous_visitor_has_no_viewer_and_so_no_notifications(net) -> None:
    body = gql("{ viewer { notifications { totalCount } } }")

    assert body["data"] == {"viewer": None}
    assert "errors" not in body


def test_invitation_accepted_links_to_the_accepting_members_page(net) -> None:
    services.accept_connection(net.u_alice, net.carol.pk)

    nodes = listed(gql(LIST, user=net.u_carol))

    assert [n["kind"] for n in nodes] == ["invitation_accepted"]
    assert nodes[0]["message"] == "Alice accepted your invitation to connect."
    assert nodes[0]["url"] == f"{ORIGIN}/members/alice/"
    assert nodes[0]["actor"]["name"] == "Alice"


def test_unread_only_lists_the_unread_and_read_ones_say_when(net) -> None:
    notifications.mark_read(net.u_alice, [net.endorsement.pk])

    everything = listed(gql(LIST, user=net.u_alice))
    body = gql(LIST, {"unreadOnly": True}, user=net.u_alice)
    unread = listed(body)

    read = next(n for n in everything if n["kind"] == "endorsement_received")
    assert read["isRead"] is True
    assert read["readAt"] is not None
    assert [n["kind"] for n in unread] == ["recommendation_received", "invitation_received"]
    assert body["data"]["viewer"]["notifications"]["totalCount"] == 2
    assert body["data"]["viewer"]["notifications"]["unreadCount"] == 2


def test_pages_follow_each_other_by_cursor_without_repeating(net) -> None:
    first = gql(LIST, {"first": 2}, user=net.u_alice)
    page = first["data"]["viewer"]["notifications"]
    second = gql(LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]}, user=net.u_alice)

    assert page["pageInfo"]["hasNextPage"] is True
    assert [n["kind"] for n in listed(second)] == ["invitation_received"]
    assert second["data"]["viewer"]["notifications"]["pageInfo"]["hasNextPage"] is False


def test_a_garbage_cursor_is_refused_as_invalid_argument(net) -> None:
    body = gql(LIST, {"after": "not a cursor"}, user=net.u_alice)

    assert body["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


def test_message_is_written_in_the_requests_language(net, test_kind) -> None:
    notifications.notify(test_kind.key, [net.u_alice])

    dutch = listed(gql(LIST, user=net.u_alice, **{"Accept-Language": "nl"}))
    english = listed(gql(LIST, user=net.u_alice, **{"Accept-Language": "en"}))

    assert dutch[0]["message"] == "written in nl"
    assert english[0]["message"] == "written in en"


def test_url_and_actor_are_null_for_a_kind_that_links_nowhere_without_actor(net, test_kind) -> None:
    notifications.notify(test_kind.key, [net.u_alice])

    newest = listed(gql(LIST, user=net.u_alice))[0]

    assert newest["kind"] == "test_language"
    assert newest["url"] is None
    assert newest["actor"] is None


# --------------------------------------------------------------------------
# What a notification never discloses
# --------------------------------------------------------------------------


def test_a_blocked_actors_notifications_are_gone_from_the_list_count_and_node(net) -> None:
    services.block_member(net.u_alice, net.carol.pk)

    body = gql(LIST, user=net.u_alice)
    by_id = gql(NODE, {"id": gid(net.invitation)}, user=net.u_alice)

    assert "invitation_received" not in [n["kind"] for n in listed(body)]
    assert body["data"]["viewer"]["notifications"]["unreadCount"] == 2
    assert body["data"]["viewer"]["notifications"]["totalCount"] == 2
    assert by_id["data"]["node"] is None


def test_a_block_by_the_actor_hides_their_notifications_too(net) -> None:
    # The block table alone (not the service, which also deletes what each was told):
    # the list's own rule must leave the row out.
    from wagtail_network.models import Block

    Block.objects.create(blocker=net.carol, blocked=net.alice)

    body = gql(LIST, user=net.u_alice)

    assert "invitation_received" not in [n["kind"] for n in listed(body)]
    assert body["data"]["viewer"]["notifications"]["unreadCount"] == 2
    assert Notification.objects.filter(pk=net.invitation.pk).exists()


def test_another_users_notification_is_never_visible_by_node_id(net) -> None:
    mine = gql(NODE, {"id": gid(net.invitation)}, user=net.u_alice)
    bobs = gql(NODE, {"id": gid(net.invitation)}, user=net.u_bob)
    carols = gql(NODE, {"id": gid(net.invitation)}, user=net.u_carol)
    anonymous = gql(NODE, {"id": gid(net.invitation)})

    assert mine["data"]["node"]["kind"] == "invitation_received"
    assert mine["data"]["node"]["actor"] == {"name": "Carol"}
    # Not even the actor sees what the recipient was told.
    assert bobs["data"]["node"] is None
    assert carols["data"]["node"] is None
    assert anonymous["data"]["node"] is None


def test_a_missing_or_malformed_notification_id_reads_null(net) -> None:
    from graphql_schema.base.ids import global_id

    missing = gql(NODE, {"id": global_id("Notification", 10**9)}, user=net.u_alice)
    garbage = gql(NODE, {"id": global_id("Notification", "x")}, user=net.u_alice)

    assert missing["data"]["node"] is None
    assert garbage["data"]["node"] is None


def test_an_actor_whose_profile_is_withdrawn_takes_the_row_out(net) -> None:
    # carol unpublished her profile: alice may no longer see it, so her invitation
    # (still open) is no longer in alice's list (visible_notifications decides).
    MemberPage.objects.filter(pk=net.carol.pk).update(live=False)

    body = gql(LIST, user=net.u_alice)

    assert [n["kind"] for n in listed(body)] == [
        "recommendation_received",
        "endorsement_received",
    ]
    assert body["data"]["viewer"]["notifications"]["totalCount"] == 2
    assert gql(NODE, {"id": gid(net.invitation)}, user=net.u_alice)["data"]["node"] is None


def test_an_actor_whose_profile_became_connections_only_stays_visible_to_whom_they_invited(
    net,
) -> None:
    # An open invitation discloses each side's profile to the other (the
    # visibility module), so the invitation and its actor stay.
    MemberPage.objects.filter(pk=net.carol.pk).update(profile_visibility="connections")

    nodes = listed(gql(LIST, user=net.u_alice))

    assert nodes[-1]["kind"] == "invitation_received"
    assert nodes[-1]["actor"]["name"] == "Carol"


def test_a_hidden_endorsement_is_no_longer_announced(net) -> None:
    endorsement = net.endorsement.endorsement
    services.set_endorsement_hidden(net.u_alice, endorsement.pk, True)

    kinds = [n["kind"] for n in listed(gql(LIST, user=net.u_alice))]

    assert "endorsement_received" not in kinds


def test_a_company_admin_sees_a_claim_by_a_private_member_with_a_null_actor(net) -> None:
    # The kind does not ask that the admin see the member's profile (actor_visible
    # is off): the row stays, its sentence names the member as the site's listing
    # of positions does, but `actor` is a Member only where the viewer may see one.
    MemberPage.objects.filter(pk=net.carol.pk).update(profile_visibility="connections")
    services.claim_position(net.u_carol, net.acme.pk, "Engineer")

    nodes = listed(gql(LIST, user=net.u_acmeadmin))

    assert [n["kind"] for n in nodes] == ["position_claimed"]
    assert nodes[0]["message"] == "Carol says they work at Acme as Engineer."
    assert nodes[0]["actor"] is None
    assert nodes[0]["url"].startswith(ORIGIN + "/")


def test_a_confirmed_position_links_to_the_company(net) -> None:
    position = services.claim_position(net.u_alice, net.acme.pk, "Engineer")
    services.confirm_position(net.u_acmeadmin, position.pk)

    nodes = listed(gql(LIST, user=net.u_alice))

    assert nodes[0]["kind"] == "position_confirmed"
    assert nodes[0]["message"] == "Acme confirmed your position as Engineer."
    assert nodes[0]["url"] == f"{ORIGIN}/companies/acme/"
    assert nodes[0]["actor"] is None


# --------------------------------------------------------------------------
# viewer.notificationPreferences
# --------------------------------------------------------------------------


def test_preferences_list_every_kind_with_its_default_channel_and_the_languages(net) -> None:
    body = gql(PREFERENCES, user=net.u_alice)

    assert "errors" not in body, body
    prefs = body["data"]["viewer"]["notificationPreferences"]
    assert prefs["language"] is None
    assert prefs["languages"] == [
        {"code": "en", "name": "English"},
        {"code": "nl", "name": "Nederlands"},
    ]
    channels = {c["kind"]: c for c in prefs["channels"]}
    assert [c["kind"] for c in prefs["channels"]] == [k.key for k in notifications.all_kinds()]
    assert channels["invitation_received"] == {
        "kind": "invitation_received",
        "label": "Invitations to connect",
        "audience": "When a member invites you to connect.",
        "channel": "EMAIL",
    }
    assert channels["report_resolved"]["channel"] == "IN_APP"


def test_preferences_read_the_stored_choices(net) -> None:
    notifications.set_preferences(
        net.u_alice, {"endorsement_received": NotificationChannel.DIGEST}, "nl"
    )

    prefs = gql(PREFERENCES, user=net.u_alice)["data"]["viewer"]["notificationPreferences"]

    assert prefs["language"] == "nl"
    channels = {c["kind"]: c["channel"] for c in prefs["channels"]}
    assert channels["endorsement_received"] == "DIGEST"
    assert channels["invitation_received"] == "EMAIL"


def test_preferences_work_without_a_member_profile(net) -> None:
    prefs = gql(PREFERENCES, user=net.u_nobody)["data"]["viewer"]["notificationPreferences"]

    assert len(prefs["channels"]) == len(notifications.all_kinds())


# --------------------------------------------------------------------------
# markNotificationsRead
# --------------------------------------------------------------------------


def _mark(user: Any, **input: Any) -> dict[str, Any]:
    body = gql(MARK, {"input": input}, user=user)
    assert "errors" not in body, body
    return body["data"]["markNotificationsRead"]


def test_mark_read_by_ids_ignores_other_users_ids_and_garbage(net) -> None:
    services.accept_connection(net.u_alice, net.carol.pk)
    carols = Notification.objects.get(recipient=net.u_carol)

    result = _mark(
        net.u_alice,
        ids=[gid(net.invitation), gid(carols), "garbage", _member_gid(net.bob)],
    )

    assert result == {"markedCount": 1, "unreadCount": 2, "errors": []}
    net.invitation.refresh_from_db()
    carols.refresh_from_db()
    assert net.invitation.read_at is not None
    assert carols.read_at is None


def test_mark_read_again_marks_nothing(net) -> None:
    _mark(net.u_alice, ids=[gid(net.invitation)])

    assert _mark(net.u_alice, ids=[gid(net.invitation)])["markedCount"] == 0


def test_mark_all_read(net) -> None:
    result = _mark(net.u_alice, all=True)

    assert result == {"markedCount": 3, "unreadCount": 0, "errors": []}
    body = gql(LIST, {"unreadOnly": True}, user=net.u_alice)
    assert listed(body) == []


def test_mark_read_without_ids_or_all_is_a_validation_error(net) -> None:
    for input in ({}, {"all": False}, {"ids": None}):
        result = _mark(net.u_alice, **input)
        assert result["errors"][0]["code"] == "VALIDATION", input
        assert result["errors"][0]["field"] is None
        assert result["markedCount"] == 0
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_read_with_both_ids_and_all_is_a_validation_error(net) -> None:
    result = _mark(net.u_alice, ids=[gid(net.invitation)], all=True)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("VALIDATION", "all")]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_read_refuses_more_ids_than_the_limit(net) -> None:
    from wagtail_network import limits

    result = _mark(net.u_alice, ids=[gid(net.invitation)] * (limits.ID_LIST_MAX_ITEMS + 1))

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("VALIDATION", "ids")]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_read_anonymously_is_unauthenticated(net) -> None:
    result = _mark(None, all=True)

    assert [e["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


# --------------------------------------------------------------------------
# updateNotificationPreferences
# --------------------------------------------------------------------------


def _update(user: Any, **input: Any) -> dict[str, Any]:
    body = gql(UPDATE, {"input": input}, user=user)
    assert "errors" not in body, body
    return body["data"]["updateNotificationPreferences"]


def test_update_preferences_stores_the_channels_sent_and_the_language(net) -> None:
    result = _update(
        net.u_alice,
        channels=[{"kind": "endorsement_received", "channel": "OFF"}],
        language="nl",
    )

    assert result["errors"] == []
    assert result["preferences"]["language"] == "nl"
    channels = {c["kind"]: c["channel"] for c in result["preferences"]["channels"]}
    assert channels["endorsement_received"] == "OFF"
    assert channels["invitation_received"] == "EMAIL"
    assert notifications.channel_for(net.u_alice, "endorsement_received") == "off"
    assert notifications.language_for(net.u_alice) == "nl"


def test_a_kind_switched_off_over_graphql_is_no_longer_notified(net) -> None:
    _update(net.u_alice, channels=[{"kind": "endorsement_received", "channel": "OFF"}])

    services.endorse_skill(net.u_bob, net.alice.pk, net.django.pk)

    kinds = [n["kind"] for n in listed(gql(LIST, user=net.u_alice))]
    assert kinds.count("endorsement_received") == 1  # the one before


def test_a_kind_switched_to_email_mails_the_next_one_in_the_chosen_language(
    net, django_capture_on_commit_callbacks
) -> None:
    _update(
        net.u_alice,
        channels=[{"kind": "endorsement_received", "channel": "EMAIL"}],
        language="nl",
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.endorse_skill(net.u_bob, net.alice.pk, net.django.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [net.u_alice.email]
    newest = listed(gql(LIST, user=net.u_alice))[0]
    assert newest["kind"] == "endorsement_received"
    assert newest["isRead"] is False


def test_update_preferences_leaves_what_was_not_sent(net) -> None:
    _update(net.u_alice, language="nl")
    result = _update(net.u_alice, channels=[{"kind": "invitation_received", "channel": "DIGEST"}])

    assert result["preferences"]["language"] == "nl"
    _update(net.u_alice, language=None)
    assert notifications.preferences_for(net.u_alice)["language"] == ""
    assert notifications.channel_for(net.u_alice, "invitation_received") == "digest"


def test_update_preferences_with_an_unknown_kind_names_the_item_and_writes_nothing(net) -> None:
    result = _update(
        net.u_alice,
        channels=[
            {"kind": "invitation_received", "channel": "OFF"},
            {"kind": "no_such_kind", "channel": "OFF"},
        ],
        language="nl",
    )

    assert result["preferences"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("VALIDATION", "channels.1.kind")
    ]
    assert not NotificationSettings.objects.filter(user=net.u_alice).exists()


def test_update_preferences_with_an_unknown_language_is_a_validation_error(net) -> None:
    result = _update(net.u_alice, language="xx")

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("VALIDATION", "language")]
    assert not NotificationSettings.objects.filter(user=net.u_alice).exists()


def test_update_preferences_refuses_a_kind_over_its_length(net) -> None:
    result = _update(net.u_alice, channels=[{"kind": "x" * 51, "channel": "OFF"}])

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("VALIDATION", "channels.0.kind")
    ]


def test_update_preferences_anonymously_is_unauthenticated(net) -> None:
    result = _update(None, language="nl")

    assert [e["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert NotificationSettings.objects.count() == 0


def test_update_preferences_works_without_a_member_profile(net) -> None:
    result = _update(
        net.u_nobody, channels=[{"kind": "report_resolved", "channel": "EMAIL"}], language="en"
    )

    assert result["errors"] == []
    assert result["preferences"]["language"] == "en"
    assert notifications.channel_for(net.u_nobody, "report_resolved") == "email"


# --------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------


def _count_queries(query: str, variables: dict[str, Any], user: Any) -> tuple[int, Any]:
    client = Client()
    client.force_login(user)
    with override_settings(WAGTAIL_NETWORK=BUDGET):
        # Warm what is cached across requests (Wagtail's site root paths in
        # Django's cache, read for page URLs) with the same operation first.
        client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": query, "variables": variables}),
                content_type="application/json",
            )
    body = json.loads(response.content)
    assert "errors" not in body, body
    return len(queries), body


def _twenty_of_mixed_kinds(net: Net) -> None:
    """alice's 20 notifications of five kinds: the fixture's 3, another endorsement, a
    confirmed position, an accepted invitation and 14 invitations."""
    services.endorse_skill(net.u_bob, net.alice.pk, net.django.pk)
    position = services.claim_position(net.u_alice, net.acme.pk, "Engineer")
    services.confirm_position(net.u_acmeadmin, position.pk)
    dan_user = UserFactory(username="dan")
    dan = MemberPageFactory(
        parent=net.directory, title="Dan", slug="dan", user=dan_user, profile_visibility="public"
    )
    services.request_connection(net.u_alice, dan.pk)
    services.accept_connection(dan_user, net.alice.pk)
    for i in range(14):
        user = UserFactory(username=f"inviter{i}")
        MemberPageFactory(
            parent=net.directory,
            title=f"Inviter {i}",
            slug=f"inviter-{i}",
            user=user,
            profile_visibility="public",
        )
        services.request_connection(user, net.alice.pk)
    assert Notification.objects.filter(recipient=net.u_alice).count() == 20


def test_a_page_of_notifications_costs_the_same_queries_for_1_or_20_of_mixed_kinds(net) -> None:
    _twenty_of_mixed_kinds(net)
    notifications.mark_read(net.u_alice, [net.endorsement.pk])

    one, body_one = _count_queries(LIST, {"first": 1}, net.u_alice)
    twenty, body_twenty = _count_queries(LIST, {"first": 20}, net.u_alice)

    kinds = {e["node"]["kind"] for e in body_twenty["data"]["viewer"]["notifications"]["edges"]}
    assert kinds == {
        "invitation_received",
        "invitation_accepted",
        "endorsement_received",
        "recommendation_received",
        "position_confirmed",
    }
    edges = body_twenty["data"]["viewer"]["notifications"]["edges"]
    assert len(body_one["data"]["viewer"]["notifications"]["edges"]) == 1
    assert len(edges) == 20
    assert all(e["node"]["message"] and e["node"]["url"] for e in edges)
    print(f"\nviewer.notifications: {one} queries for 1, {twenty} for 20")
    assert one == twenty == EXPECTED_LIST_QUERIES


def test_a_page_of_ids_and_dates_alone_costs_the_same_queries_for_1_or_20(net) -> None:
    # No sentence asked for: the actors they name are not loaded, and no row
    # fetches a column the optimizer left out (a hostile review saw 12/29/69).
    _twenty_of_mixed_kinds(net)
    query = """query($first: Int) { viewer { notifications(first: $first) {
        edges { node { id kind isRead readAt createdAt } } } } }"""
    one, _ = _count_queries(query, {"first": 1}, net.u_alice)
    twenty, body = _count_queries(query, {"first": 20}, net.u_alice)
    assert len(body["data"]["viewer"]["notifications"]["edges"]) == 20
    assert one == twenty


def test_a_notification_by_node_id_costs_a_fixed_number_of_queries(net) -> None:
    count, body = _count_queries(NODE, {"id": gid(net.endorsement)}, net.u_alice)

    assert body["data"]["node"]["message"] == "Bob endorsed you for Python."
    print(f"\nnode(id:) Notification: {count} queries")
    assert count == EXPECTED_NODE_QUERIES


def test_an_unread_badge_costs_one_query_beyond_the_session(net) -> None:
    # Only unreadCount: no page of notifications is read at all.
    count, body = _count_queries("{ viewer { notifications { unreadCount } } }", {}, net.u_alice)

    assert body["data"]["viewer"]["notifications"]["unreadCount"] == 3
    print(f"\nviewer.notifications.unreadCount: {count} queries")
    assert count == 3  # the session, its user, the count


def test_total_count_alone_still_counts_the_visible_list(net) -> None:
    services.block_member(net.u_alice, net.carol.pk)

    body = gql("{ viewer { notifications { totalCount } } }", user=net.u_alice)

    assert body["data"]["viewer"]["notifications"]["totalCount"] == 2


def test_preferences_cost_a_fixed_number_of_queries(net) -> None:
    count, _body = _count_queries(PREFERENCES, {}, net.u_alice)

    print(f"\nviewer.notificationPreferences: {count} queries")
    assert count == EXPECTED_PREFERENCES_QUERIES


#: Pinned counts, warm (``_count_queries`` asks once first): the viewer's member row,
#: permissions and private sections are kept across the account's requests
#: (graphql_schema/shared_facts.py). The list: the session and its user, the page of
#: notifications (joined to what the sentences read, its total in the same query), the
#: actors the sentences name, the actors as the viewer may see them (``actor``),
#: ``unreadCount``, and the Site of the request (the origin of ``url``). The node: the
#: same without the total, the count and the Site.
EXPECTED_LIST_QUERIES = 7
EXPECTED_NODE_QUERIES = 5
#: The session and its user, then the settings row (once, whether or not the user has one).
EXPECTED_PREFERENCES_QUERIES = 3
