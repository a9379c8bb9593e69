"""The member's notification pages: the list (paged, newest first, constant queries),
opening one, marking read (with and without htmx), the preferences form, and the
e-mails' one-click unsubscribe link that works without signing in.

Notifications are made by the real services (an invitation, an acceptance), so
recipients and rules are the ones members meet."""

from __future__ import annotations

import re

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from wagtail_network import notifications, services
from wagtail_network.models import Notification, NotificationSettings

pytestmark = pytest.mark.django_db

LIST = "/network/notifications/"
READ = "/network/notifications/read/"
PREFERENCES = "/network/notifications/preferences/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def directory():
    return MemberIndexPageFactory(parent=site_root())


@pytest.fixture
def member(directory):
    def make(name: str):
        return MemberPageFactory(
            parent=directory, title=name.title(), slug=name, user=UserFactory(username=name)
        )

    return make


@pytest.fixture
def bob(member):
    return member("bob")


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invitations_to(recipient, members) -> list[Notification]:
    for sender in members:
        services.request_connection(sender.user, recipient)
    return list(Notification.objects.filter(recipient=recipient.user).order_by("pk"))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def region(html: str) -> str:
    return html.split('id="wn-notifications-list"', 1)[1].split("</section>", 1)[0]


# --------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------


def test_the_list_sends_anonymous_visitors_to_sign_in():
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_the_invitation_newest_first_with_unread_marker_and_links(member, bob):
    alice, carol = member("alice"), member("carol")
    first, second = invitations_to(bob, [alice, carol])
    response = client_of(bob.user).get(LIST)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    html = response.content.decode()
    listed = region(html)
    assert listed.index("Carol invited you to connect.") < listed.index(
        "Alice invited you to connect."
    )
    assert f'href="/network/notifications/{first.pk}/"' in listed
    assert "Unread:" in text_of(listed)
    assert listed.count("wn-notification--unread") == 2
    assert re.search(r'<time datetime="[^"]+"', listed)
    assert f'name="notification" value="{second.pk}"' in listed
    assert "Mark all read" in listed
    assert 'href="/network/notifications/preferences/"' in html


def test_the_list_says_when_there_is_nothing(bob):
    html = client_of(bob.user).get(LIST).content.decode()
    assert "No notifications yet." in html
    assert "Mark all read" not in html


def test_the_list_is_paged_by_twenty_and_bad_page_numbers_fall_back(member, bob):
    senders = [member(f"m{i:02d}") for i in range(21)]
    invitations_to(bob, senders)
    client = client_of(bob.user)
    first = region(client.get(LIST).content.decode())
    assert first.count('class="wn-mn-item wn-notification') == 20
    assert "M20 invited you" in first and "M00 invited you" not in first
    second = region(client.get(LIST + "?page=2").content.decode())
    assert second.count('class="wn-mn-item wn-notification') == 1
    assert "M00 invited you" in second
    for bad in ("abc", "0", "-1", "99999", "9" * 40):
        response = client.get(LIST, {"page": bad})
        assert response.status_code == 200


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(db_connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_one_or_twenty_five_notifications(member, bob):
    senders = [member(f"s{i:02d}") for i in range(25)]
    invitations_to(bob, senders[:1])
    client = client_of(bob.user)
    _queries_for_list(client)  # warms Wagtail's cached site root paths
    one = _queries_for_list(client)
    invitations_to(bob, senders[1:])
    assert _queries_for_list(client) == one


def test_a_blocked_actor_s_notification_leaves_the_list_and_the_count(member, bob):
    alice, carol = member("alice"), member("carol")
    invitations_to(bob, [alice, carol])
    services.block_member(bob.user, alice)
    html = client_of(bob.user).get(LIST).content.decode()
    assert "Alice" not in region(html)
    assert "Carol invited you" in region(html)
    assert notifications.unread_count(bob.user) == 1
    assert "1 unread" in text_of(html.split('id="wn-notifications-count"', 1)[1][:300])


# --------------------------------------------------------------------------
# Opening one
# --------------------------------------------------------------------------


def test_opening_marks_read_and_redirects_to_the_kind_s_link(member, bob):
    (n,) = invitations_to(bob, [member("alice")])
    response = client_of(bob.user).get(reverse("wagtail_network:notification_open", args=[n.pk]))
    assert response.status_code == 303
    assert response["Location"] == "/network/#invitations"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_another_user_s_notification_is_a_404_and_changes_nothing(member, bob):
    (n,) = invitations_to(bob, [member("alice")])
    other = client_of(member("mallory").user)
    assert other.get(f"/network/notifications/{n.pk}/").status_code == 404
    assert other.get("/network/notifications/" + "9" * 30 + "/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_needs_a_sign_in(member, bob):
    (n,) = invitations_to(bob, [member("alice")])
    assert Client().get(f"/network/notifications/{n.pk}/").status_code == 302


@pytest.fixture
def linked_kind():
    """A kind whose link the test sets (another app's kind, say), removed afterwards."""
    from dataclasses import replace

    from wagtail_network.notifications import kinds

    links = {"to": ""}
    kind = replace(kinds.INVITATION_RECEIVED, key="test_linked", link=lambda n: links["to"])
    kinds.register_kind(kind)
    yield links
    kinds._registry.pop("test_linked", None)


@pytest.mark.parametrize(
    "link", ["", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "\\\\evil"]
)
def test_opening_never_redirects_off_the_site(member, bob, linked_kind, link):
    (n,) = invitations_to(bob, [member("alice")])
    Notification.objects.filter(pk=n.pk).update(kind="test_linked")
    linked_kind["to"] = link
    response = client_of(bob.user).get(f"/network/notifications/{n.pk}/")
    assert response.status_code == 303
    assert response["Location"] == LIST


# --------------------------------------------------------------------------
# Marking read
# --------------------------------------------------------------------------


def test_marking_read_is_post_only(bob):
    assert client_of(bob.user).get(READ).status_code == 405


def test_marking_one_read_redirects_back_to_its_page(member, bob):
    first, second = invitations_to(bob, [member("alice"), member("carol")])
    response = client_of(bob.user).post(READ + "?page=2", {"notification": [first.pk]})
    assert response.status_code == 303
    assert response["Location"] == LIST + "?page=2"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_read(member, bob):
    invitations_to(bob, [member("alice"), member("carol")])
    response = client_of(bob.user).post(READ, {"all": "1"}, follow=True)
    assert notifications.unread_count(bob.user) == 0
    assert "All notifications marked as read." in response.content.decode()


def test_marking_read_ignores_garbage_and_other_users_ids(member, bob):
    (mine,) = invitations_to(bob, [member("alice")])
    carol = member("carol")
    (theirs,) = invitations_to(carol, [member("dave")])
    response = client_of(bob.user).post(
        READ, {"notification": ["abc", "", "9" * 40, "-3", str(theirs.pk), "1e9"]}
    )
    assert response.status_code == 303
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None


def test_marking_read_with_htmx_answers_the_region_and_the_count(member, bob):
    first, second = invitations_to(bob, [member("alice"), member("carol")])
    response = client_of(bob.user).post(READ, {"notification": first.pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="wn-notifications-list"' in html
    assert 'hx-select-oob="#wn-messages:innerHTML,#wn-notifications-count:outerHTML"' in html
    count = html.split('<span id="wn-notifications-count"', 1)[1][:300]
    assert "1 unread" in text_of(count)
    assert "Notification marked as read." in html
    assert region(html).count("wn-notification--unread") == 1


def test_marking_read_needs_a_sign_in(member, bob):
    (n,) = invitations_to(bob, [member("alice")])
    assert Client().post(READ, {"all": "1"}).status_code == 302
    # htmx loads the login page instead of swapping it into the list.
    response = Client().post(READ, {"all": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    n.refresh_from_db()
    assert n.read_at is None


# --------------------------------------------------------------------------
# Preferences
# --------------------------------------------------------------------------


def _choices(**changed) -> dict[str, str]:
    data = {kind.key: notifications.default_channel(kind) for kind in notifications.all_kinds()}
    data["email_language"] = ""
    data.update(changed)
    return data


def test_preferences_show_every_kind_with_its_label_and_audience(bob):
    html = client_of(bob.user).get(PREFERENCES).content.decode()
    for kind in notifications.all_kinds():
        assert f'name="{kind.key}"' in html
        assert str(kind.label) in html
        assert str(kind.audience) in html
    assert "Language of your e-mails" in html
    assert "The site&#x27;s language" in html or "The site's language" in html


def test_saving_preferences_stores_them_and_redirects_with_a_message(bob):
    client = client_of(bob.user)
    response = client.post(PREFERENCES, _choices(invitation_received="off", email_language="nl"))
    assert response.status_code == 303
    assert response["Location"] == PREFERENCES
    assert notifications.channel_for(bob.user, "invitation_received") == "off"
    assert notifications.language_for(bob.user) == "nl"
    page = client.get(PREFERENCES).content.decode()
    assert "Your notification settings are saved." in page
    assert re.search(r'<option value="off" selected>', page.split('name="invitation_received"')[1])


def test_invalid_preferences_are_a_400_with_the_typed_values_and_nothing_saved(bob):
    response = client_of(bob.user).post(
        PREFERENCES, _choices(invitation_received="loud", endorsement_received="off")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice." in html
    after = html.split('name="endorsement_received"')[1].split("</select>")[0]
    assert '<option value="off" selected>' in after
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_an_unknown_language_is_refused(bob):
    response = client_of(bob.user).post(PREFERENCES, _choices(email_language="xx"))
    assert response.status_code == 400
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_a_user_without_a_profile_has_preferences_too():
    editor = UserFactory(username="editor")
    client = client_of(editor)
    assert client.get(PREFERENCES).status_code == 200
    assert client.post(PREFERENCES, _choices(profile_waiting="digest")).status_code == 303
    assert notifications.channel_for(editor, "profile_waiting") == "digest"
    assert client.get(LIST).status_code == 200


def test_preferences_need_a_sign_in():
    assert Client().get(PREFERENCES).status_code == 302
    assert Client().post(PREFERENCES, _choices()).status_code == 302


def test_switching_a_kind_off_stops_its_notifications(member, bob):
    client_of(bob.user).post(PREFERENCES, _choices(invitation_received="off"))
    invitations_to(bob, [member("alice")])
    assert not Notification.objects.filter(recipient=bob.user).exists()


# --------------------------------------------------------------------------
# Unsubscribing
# --------------------------------------------------------------------------


def unsubscribe_url(user, kind: str) -> str:
    return reverse(
        "wagtail_network:unsubscribe", args=[notifications.unsubscribe_token(user, kind)]
    )


def test_the_link_unsubscribes_at_once_without_signing_in(bob):
    url = unsubscribe_url(bob.user, "invitation_received")
    response = Client(enforce_csrf_checks=True).get(url)
    assert response.status_code == 200
    assert notifications.channel_for(bob.user, "invitation_received") == "in_app"
    html = text_of(response.content.decode())
    assert (
        "You will no longer get e-mails about Invitations to connect (they stay on the site)."
        in html
    )
    assert "Undo" in html
    assert PREFERENCES in response.content.decode()


def test_undo_sets_the_kind_back_to_email(bob):
    url = unsubscribe_url(bob.user, "invitation_received")
    client = Client(enforce_csrf_checks=True)
    undo = re.search(r'name="undo" value="([^"]+)"', client.get(url).content.decode()).group(1)
    response = client.post(url, {"resubscribe": "1", "undo": undo})
    assert response.status_code == 200
    assert notifications.channel_for(bob.user, "invitation_received") == "email"
    assert "You will get e-mails about Invitations to connect again." in text_of(
        response.content.decode()
    )


def test_undo_never_switches_on_a_kind_the_member_turned_off(bob):
    notifications.set_preferences(bob.user, {"invitation_received": "off"})
    url = unsubscribe_url(bob.user, "invitation_received")
    client = Client(enforce_csrf_checks=True)
    html = client.get(url).content.decode()
    undo = re.search(r'name="undo" value="([^"]*)"', html)
    client.post(url, {"resubscribe": "1", "undo": undo.group(1) if undo else ""})
    client.post(url, {"resubscribe": "1"})
    assert notifications.channel_for(bob.user, "invitation_received") == "off"


def test_the_digest_link_stops_every_digest_kind_and_undo_restores_those(bob):
    notifications.set_preferences(
        bob.user, {"invitation_received": "digest", "endorsement_received": "digest"}
    )
    url = unsubscribe_url(bob.user, notifications.DIGEST)
    client = Client(enforce_csrf_checks=True)
    html = client.get(url).content.decode()
    channels = notifications.channels_for(bob.user)
    assert channels["invitation_received"] == channels["endorsement_received"] == "in_app"
    undo = re.search(r'name="undo" value="([^"]+)"', html).group(1)
    client.post(url, {"resubscribe": "1", "undo": undo})
    channels = notifications.channels_for(bob.user)
    assert channels["invitation_received"] == channels["endorsement_received"] == "digest"
    assert channels["invitation_accepted"] == "email"


def test_a_tampered_undo_list_changes_nothing(bob):
    url = unsubscribe_url(bob.user, notifications.DIGEST)
    client = Client(enforce_csrf_checks=True)
    client.post(url, {"resubscribe": "1", "undo": "garbage"})
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_one_click_post_unsubscribes(bob):
    url = unsubscribe_url(bob.user, "endorsement_received")
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert notifications.channel_for(bob.user, "endorsement_received") == "in_app"


@pytest.mark.parametrize(
    "token",
    ["garbage", "x" * 5000, "%00", "eyJhIjoxfQ:1abc:def"],
)
def test_an_invalid_token_is_a_400_page_and_changes_nothing(bob, token):
    response = Client().get(f"/network/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_a_tampered_token_is_refused(bob):
    token = notifications.unsubscribe_token(bob.user, "invitation_received")
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    response = Client().post(f"/network/notifications/unsubscribe/{tampered}/")
    assert response.status_code == 400
    assert notifications.channel_for(bob.user, "invitation_received") == "email"
