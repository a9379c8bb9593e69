"""Privacy rights: exportMyData (signed, short-lived, owner-only download of one JSON
archive) and deleteMyAccount (confirmation, erasure, audit without personal data,
signal, deactivation)."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from django.contrib.contenttypes.models import ContentType
from django.test import Client, TestCase
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import APIToken, ModelLogEntry, PageLogEntry, Revision
from wagtail.search.models import IndexEntry

from tests.factories import connect
from tests.graphql.mutation_support import build_net, error_codes, mutate, post
from tests.graphql.test_protection import network
from wagtail_network import services
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionEdge,
    Endorsement,
    Follow,
    MemberPage,
    Recommendation,
    Report,
    SuggestionDismissal,
)
from wagtail_network.signals import member_account_deleted

EXPORT = "mutation { exportMyData { url expiresAt errors { code field message } } }"
DELETE = """mutation($p: String, $c: Boolean!) {
  deleteMyAccount(input: {password: $p, confirm: $c}) {
  deleted errors { code field message } } }"""


def populate(n) -> None:
    """Give alice something in every category the export and the erasure cover."""
    services.request_connection(n.u_alice, n.eve.pk, "Hello Eve")
    services.endorse_skill(n.u_bob, n.alice.pk, n.python.pk)
    services.endorse_skill(n.u_alice, n.bob.pk, n.python.pk)
    services.write_recommendation(n.u_bob, n.alice.pk, "same_team", "Alice is great")
    services.write_recommendation(n.u_alice, n.bob.pk, "managed", "Bob is great")
    services.follow_company(n.u_alice, n.acme.pk)
    services.report_content(n.u_alice, member=n.eve.pk, reason="spam", details="Alice says spam")
    services.update_my_profile(n.u_alice, headline="Revised headline")
    services.dismiss_suggestion(n.u_alice, n.eve.pk)
    services.dismiss_suggestion(n.u_eve, n.alice.pk)


def download(url: str, client: Client, **headers):
    return client.get(urlparse(url).path, headers=headers)


class Export(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        populate(cls.n)

    def export_url(self, user=None, token=None) -> str:
        payload = mutate("exportMyData", EXPORT, {}, user=user, token=token)
        assert payload["errors"] == []
        assert payload["expiresAt"]
        return payload["url"]

    def test_export_my_data_archive_holds_everything_about_the_member(self):
        client = Client()
        client.force_login(self.n.u_alice)
        url = self.export_url(user=self.n.u_alice)
        response = download(url, client)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)
        assert data["account"]["username"] == self.n.u_alice.get_username()
        assert data["profile"]["name"] == "Alice"
        assert data["profile"]["headline"] == "Revised headline"
        assert len(data["profile_revisions"]) >= 1
        assert {c["with"]["name"] for c in data["connections"]} == {"Bob"}
        to_eve = next(i for i in data["invitations_sent"] if i["with"]["name"] == "Eve")
        assert (to_eve["state"], to_eve["message"]) == ("pending", "Hello Eve")
        assert to_eve["history"][0]["state"] == "pending"
        assert [e["endorser"]["name"] for e in data["endorsements_received"]] == ["Bob"]
        assert [e["member"]["name"] for e in data["endorsements_given"]] == ["Bob"]
        assert data["recommendations_received"][0]["text"] == "Alice is great"
        assert data["recommendations_given"][0]["text"] == "Bob is great"
        assert data["follows"][0]["company"]["name"] == "Acme"
        assert data["blocks"][0]["member"]["name"] == "Dave"
        assert data["reports_made"][0]["target"]["name"] == "Eve"
        # Her own dismissals only: that Eve dismissed her is Eve's data.
        assert [d["member"]["name"] for d in data["dismissed_suggestions"]] == ["Eve"]
        assert data["dismissed_suggestions"][0]["since"]

    def test_export_never_discloses_an_ignore_to_the_inviter(self):
        services.ignore_connection(self.n.u_eve, self.n.alice.pk)
        client = Client()
        client.force_login(self.n.u_alice)
        data = json.loads(download(self.export_url(user=self.n.u_alice), client).content)
        invitation = next(i for i in data["invitations_sent"] if i["with"]["name"] == "Eve")
        assert invitation["state"] == "pending"
        assert [e["state"] for e in invitation["history"]] == ["pending"]
        assert "ignored" not in json.dumps(data)
        # The recipient's own export does show it.
        client_eve = Client()
        client_eve.force_login(self.n.u_eve)
        data_eve = json.loads(download(self.export_url(user=self.n.u_eve), client_eve).content)
        assert data_eve["invitations_received"][0]["state"] == "ignored"

    def test_export_link_works_only_for_its_owner(self):
        url = self.export_url(user=self.n.u_alice)
        other = Client()
        other.force_login(self.n.u_bob)
        assert download(url, other).status_code == 404
        assert download(url, Client()).status_code == 404

    def test_export_link_expires(self):
        url = self.export_url(user=self.n.u_alice)
        client = Client()
        client.force_login(self.n.u_alice)
        with network(EXPORT_LINK_MAX_AGE=-1):
            assert download(url, client).status_code == 404

    def test_tampered_export_link_is_refused(self):
        url = self.export_url(user=self.n.u_alice)
        client = Client()
        client.force_login(self.n.u_alice)
        assert download(url.rstrip("/") + "x/", client).status_code == 404

    def test_export_over_bearer_token(self):
        _token, plaintext = APIToken.create_token(user=self.n.u_alice, name="app")
        url = self.export_url(token=plaintext)
        response = download(url, Client(), Authorization=f"Bearer {plaintext}")
        assert response.status_code == 200
        assert json.loads(response.content)["profile"]["name"] == "Alice"

    def test_export_anonymous_is_unauthenticated(self):
        payload = mutate("exportMyData", EXPORT, {})
        assert error_codes(payload) == [("UNAUTHENTICATED", None)]
        assert payload["url"] is None

    def test_export_for_user_without_profile_has_account_only(self):
        client = Client()
        client.force_login(self.n.u_nobody)
        data = json.loads(download(self.export_url(user=self.n.u_nobody), client).content)
        assert data["account"]["username"] == self.n.u_nobody.get_username()
        assert data["profile"] is None


class Delete(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        populate(cls.n)
        Image = get_image_model()
        cls.photo = Image.objects.create(title="Alice portrait", file=get_test_image_file())
        cls.photo.get_rendition("fill-64x64")
        MemberPage.objects.filter(pk=cls.n.alice.pk).update(photo=cls.photo)

    def delete(self, password=None, confirm=True, user=None, token=None, client=None):
        status, body = post(
            DELETE, {"p": password, "c": confirm}, user=user, token=token, client=client
        )
        assert status == 200 and not body.get("errors"), body
        return body["data"]["deleteMyAccount"]

    def alice_state(self) -> dict:
        me = self.n.alice.pk
        return {
            "page": MemberPage.objects.filter(pk=me).exists(),
            "connections": Connection.objects.filter(member_low=me).count()
            + Connection.objects.filter(member_high=me).count(),
            "endorsements": Endorsement.objects.count(),
            "recommendations": Recommendation.objects.count(),
        }

    def test_delete_my_account_requires_confirm_flag(self):
        before = self.alice_state()
        payload = self.delete(password="secret-pass", confirm=False, user=self.n.u_alice)
        assert error_codes(payload) == [("VALIDATION", "confirm")]
        assert self.alice_state() == before

    def test_delete_my_account_with_wrong_password_erases_nothing(self):
        before = self.alice_state()
        payload = self.delete(
            password="wrong", token=APIToken.create_token(user=self.n.u_alice, name="t")[1]
        )
        assert error_codes(payload) == [("CONFIRMATION_REQUIRED", "password")]
        assert payload["deleted"] is False
        assert self.alice_state() == before

    def test_token_request_without_password_needs_confirmation(self):
        # A fresh sign-in only counts for the browser session that made it.
        _token, plaintext = APIToken.create_token(user=self.n.u_alice, name="t")
        type(self.n.u_alice).objects.filter(pk=self.n.u_alice.pk).update(last_login=timezone.now())
        payload = self.delete(token=plaintext)
        assert error_codes(payload) == [("CONFIRMATION_REQUIRED", "password")]
        assert MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_recent_session_login_confirms_without_password(self):
        client = Client()
        client.force_login(self.n.u_alice)  # sets last_login to now
        payload = self.delete(client=client)
        assert payload == {"deleted": True, "errors": []}
        assert not MemberPage.objects.filter(pk=self.n.alice.pk).exists()
        # The session ended with the account.
        assert "_auth_user_id" not in client.session

    def test_stale_session_login_needs_password(self):
        from datetime import timedelta

        client = Client()
        client.force_login(self.n.u_alice)
        type(self.n.u_alice).objects.filter(pk=self.n.u_alice.pk).update(
            last_login=timezone.now() - timedelta(minutes=11)
        )
        payload = self.delete(client=client)
        assert error_codes(payload) == [("CONFIRMATION_REQUIRED", "password")]

    def test_delete_my_account_erases_network_data_both_ways(self):
        me = self.n.alice.pk
        revision_ids = list(Revision.objects.filter(object_id=str(me)).values_list("pk", flat=True))
        assert revision_ids
        received = []
        member_account_deleted.connect(lambda sender, **kw: received.append(kw), weak=False)
        try:
            payload = self.delete(password="secret-pass", user=self.n.u_alice)
        finally:
            member_account_deleted.receivers.clear()
        assert payload == {"deleted": True, "errors": []}
        assert not MemberPage.objects.filter(pk=me).exists()
        assert not Revision.objects.filter(pk__in=revision_ids).exists()
        assert not Connection.objects.filter(member_low=me).exists()
        assert not Connection.objects.filter(member_high=me).exists()
        assert not ConnectionEdge.objects.filter(member=me).exists()
        assert not ConnectionEdge.objects.filter(other=me).exists()
        assert not Endorsement.objects.filter(endorser=me).exists()
        assert not Endorsement.objects.filter(member=me).exists()
        assert not Recommendation.objects.filter(author=me).exists()
        assert not Recommendation.objects.filter(member=me).exists()
        assert not Follow.objects.filter(member=me).exists()
        assert not Block.objects.filter(blocker=me).exists()
        assert not SuggestionDismissal.objects.filter(member=me).exists()
        assert not SuggestionDismissal.objects.filter(dismissed=me).exists()
        # The report stays for moderators, without who made it or their words.
        report = Report.objects.get()
        assert report.reporter is None and report.details == ""
        assert received and received[0]["user"].pk == self.n.u_alice.pk
        assert received[0]["member_id"] == me

    def test_delete_removes_photo_renditions_and_search_entries(self):
        me = self.n.alice.pk
        content_type = ContentType.objects.get_for_model(MemberPage)
        assert IndexEntry.objects.filter(object_id=str(me)).exists()
        self.delete(password="secret-pass", user=self.n.u_alice)
        Image = get_image_model()
        assert not Image.objects.filter(pk=self.photo.pk).exists()
        assert not Image.get_rendition_model().objects.filter(image_id=self.photo.pk).exists()
        assert not IndexEntry.objects.filter(object_id=str(me), content_type=content_type).exists()
        assert not IndexEntry.objects.filter(object_id=str(me)).exists()

    def test_audit_entries_stay_without_personal_data(self):
        me = self.n.alice.pk
        log(self.n.alice, "wagtail.edit", user=self.n.u_alice)
        assert PageLogEntry.objects.filter(page_id=me).exists()
        self.delete(password="secret-pass", user=self.n.u_alice)
        entries = PageLogEntry.objects.filter(page_id=me)
        assert entries.exists()  # the trail stays ...
        for entry in entries:
            assert "Alice" not in entry.label and "Alice" not in json.dumps(entry.data)
        # ... and no log entry anywhere still names her.
        assert not ModelLogEntry.objects.filter(label__contains="Alice").exists()
        assert not PageLogEntry.objects.filter(label__contains="Alice").exists()

    def test_company_admin_grants_stay_without_the_accounts_login(self):
        # The grant's entry copied the login: an e-mail address on an e-mail login model.
        from wagtail_network.services import roles

        roles.grant_company_admin(None, self.n.u_alice, self.n.acme)
        login = self.n.u_alice.get_username()
        self.delete(password="secret-pass", user=self.n.u_alice)
        entry = PageLogEntry.objects.get(
            page_id=self.n.acme.pk, action="wagtail_network.company_admin.grant"
        )
        assert entry.data == {"user_id": self.n.u_alice.pk}
        assert login not in json.dumps(entry.data)

    def test_user_is_deactivated_and_blanked_by_default(self):
        _token, plaintext = APIToken.create_token(user=self.n.u_alice, name="t")
        self.delete(password="secret-pass", user=self.n.u_alice)
        user = type(self.n.u_alice).objects.get(pk=self.n.u_alice.pk)
        assert not user.is_active
        assert (user.first_name, user.last_name) == ("", "")
        User = type(user)
        if User.USERNAME_FIELD == User.get_email_field_name():
            # The login is the (unique) address: a placeholder no mail can reach.
            assert user.email == user.get_username() == f"deleted-{user.pk}@invalid"
        else:
            assert user.email == ""
            assert user.get_username() == f"deleted-{user.pk}"
        assert not user.has_usable_password()
        assert not APIToken.objects.filter(user=user).exists()
        assert post("{ __typename }", token=plaintext)[0] == 401

    def test_two_erased_accounts_never_share_a_login(self):
        # On an e-mail login model the address is the unique login: blanking both to
        # "" would break the second erasure.
        self.delete(password="secret-pass", user=self.n.u_alice)
        self.delete(password="secret-pass", user=self.n.u_bob)
        User = type(self.n.u_alice)
        alice, bob = (User.objects.get(pk=u.pk) for u in (self.n.u_alice, self.n.u_bob))
        assert not alice.is_active and not bob.is_active
        assert alice.get_username() != bob.get_username()

    def test_deactivation_can_be_switched_off(self):
        with network(ACCOUNT_DELETION_DEACTIVATES_USER=False):
            self.delete(password="secret-pass", user=self.n.u_alice)
        user = type(self.n.u_alice).objects.get(pk=self.n.u_alice.pk)
        assert user.is_active and user.email == "alice@example.com"
        assert not MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_others_keep_their_profiles_and_other_relations(self):
        connect(self.n.bob, self.n.eve)
        self.delete(password="secret-pass", user=self.n.u_alice)
        assert MemberPage.objects.filter(pk=self.n.bob.pk).exists()
        assert ConnectionEdge.objects.filter(member=self.n.bob, other=self.n.eve).exists()

    def test_anonymous_delete_is_unauthenticated(self):
        payload = self.delete(password="x")
        assert error_codes(payload) == [("UNAUTHENTICATED", None)]

    def test_account_page_deletes_with_password(self):
        client = Client()
        client.force_login(self.n.u_alice)
        type(self.n.u_alice).objects.filter(pk=self.n.u_alice.pk).update(last_login=None)
        response = client.post(
            "/network/account/",
            {"action": "delete_account", "password": "secret-pass", "confirm": "on"},
        )
        assert response.status_code == 302
        assert not MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_account_page_refuses_wrong_password(self):
        client = Client()
        client.force_login(self.n.u_alice)
        type(self.n.u_alice).objects.filter(pk=self.n.u_alice.pk).update(last_login=None)
        response = client.post(
            "/network/account/",
            {"action": "delete_account", "password": "nope", "confirm": "on"},
        )
        assert response.status_code == 200
        assert MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_account_page_export_redirects_to_signed_link(self):
        client = Client()
        client.force_login(self.n.u_alice)
        response = client.post("/network/account/", {"action": "export"})
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200


class EditorErasure(TestCase):
    """Editors can run export and erasure for a member (PRODUCT.md, Privacy rights)."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        populate(cls.n)

    def test_editor_exports_a_member_without_an_account(self):
        from wagtail_network import privacy

        MemberPage.objects.filter(pk=self.n.bob.pk).update(user=None)
        data = privacy.export_member_data(member=MemberPage.objects.get(pk=self.n.bob.pk))
        assert data["account"] is None and data["profile"]["name"] == "Bob"
        assert {c["with"]["name"] for c in data["connections"]} == {"Alice"}

    def test_editor_erases_a_member_and_closes_the_account(self):
        from wagtail_network import privacy

        privacy.erase_member(self.n.alice, actor=self.n.u_editor)
        assert not MemberPage.objects.filter(pk=self.n.alice.pk).exists()
        assert not Endorsement.objects.exists() and not Recommendation.objects.exists()
        assert not type(self.n.u_alice).objects.get(pk=self.n.u_alice.pk).is_active

    def test_member_cannot_erase_someone_else(self):
        from wagtail_network import privacy
        from wagtail_network.errors import NetworkError

        with self.assertRaises(NetworkError) as raised:
            privacy.erase_member(self.n.bob, actor=self.n.u_alice)
        assert raised.exception.code == "NOT_FOUND"
        assert MemberPage.objects.filter(pk=self.n.bob.pk).exists()


class AdminPrivacyActions(TestCase):
    """The member page's admin header offers export and erasure to editors only."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        populate(cls.n)

    def admin_client(self, user):
        client = Client()
        client.force_login(user)
        return client

    def test_editor_downloads_member_export_from_admin(self):
        client = self.admin_client(self.n.u_editor)
        response = client.get(f"/admin/network/privacy/{self.n.alice.pk}/export/")
        assert response.status_code == 200
        assert json.loads(response.content)["profile"]["name"] == "Alice"

    def test_editor_erases_member_from_admin(self):
        client = self.admin_client(self.n.u_editor)
        url = f"/admin/network/privacy/{self.n.alice.pk}/erase/"
        assert client.get(url).status_code == 200
        response = client.post(url)
        assert response.status_code == 302
        assert not MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_company_admin_cannot_export_or_erase_members(self):
        from django.contrib.auth.models import Permission

        self.n.u_admin.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client = self.admin_client(self.n.u_admin)
        assert client.get(f"/admin/network/privacy/{self.n.alice.pk}/export/").status_code in (
            302,
            403,
        )
        assert client.post(f"/admin/network/privacy/{self.n.alice.pk}/erase/").status_code in (
            302,
            403,
        )
        assert MemberPage.objects.filter(pk=self.n.alice.pk).exists()

    def test_member_page_header_offers_export_and_erase_to_editors(self):
        client = self.admin_client(self.n.u_editor)
        html = client.get(f"/admin/pages/{self.n.alice.pk}/edit/").content.decode()
        assert f"/admin/network/privacy/{self.n.alice.pk}/export/" in html
        assert f"/admin/network/privacy/{self.n.alice.pk}/erase/" in html
