"""The member's account page as a visitor's browser shows it: each message once,
dates in the visitor's regional format, the deletion checkbox beside its label."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from tests.graphql.mutation_support import build_net
from wagtail_network.services import tokens

REVOKED = "revoked"


def _signed_in(user, language: str | None = None) -> Client:
    client = Client(headers={"Accept-Language": language} if language else {})
    client.force_login(user)
    return client


class AccountPage(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def _revoke(self, client: Client) -> str:
        token, _plaintext = tokens.create_token(self.n.u_alice, "laptop")
        response = client.post(
            "/network/account/", {"action": "revoke_token", "token_id": token.pk}, follow=True
        )
        assert response.status_code == 200
        return response.content.decode()

    def test_a_message_is_shown_once_after_revoking_a_token(self):
        html = self._revoke(_signed_in(self.n.u_alice))
        assert html.count("Token “laptop” revoked.") == 1

    def test_a_message_is_shown_once_when_the_host_base_template_shows_none(self):
        # A host's base.html (as `wagtail start` writes it) renders no messages:
        # the account page shows them itself.
        from django.conf import settings

        with self.settings(
            TEMPLATES=[
                {
                    **settings.TEMPLATES[0],
                    "DIRS": [],
                    "APP_DIRS": False,
                    "OPTIONS": {
                        **settings.TEMPLATES[0]["OPTIONS"],
                        "loaders": [
                            (
                                "django.template.loaders.locmem.Loader",
                                {
                                    "base.html": "<html><body>{% block content %}"
                                    "{% endblock %}</body></html>"
                                },
                            ),
                            "django.template.loaders.app_directories.Loader",
                        ],
                    },
                }
            ]
        ):
            html = self._revoke(_signed_in(self.n.u_alice))
        assert html.count("Token “laptop” revoked.") == 1

    def _token_dates(self, language: str) -> str:
        token, _plaintext = tokens.create_token(self.n.u_alice, "dated")
        created = timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 30))
        type(token).objects.filter(pk=token.pk).update(created=created)
        html = _signed_in(self.n.u_alice, language).get("/network/account/").content.decode()
        match = re.search(r'<time datetime="2026-03-04T15:30[^"]*">([^<]+)</time>', html)
        assert match, html
        return match.group(1)

    @override_settings(TIME_ZONE="UTC")
    def test_dates_follow_the_visitors_regional_format(self):
        # The site serves "en" only; the browser's region decides the order.
        assert self._token_dates("en-GB,en;q=0.8").startswith("04/03/2026")
        assert self._token_dates("en-US,en;q=0.8").startswith("03/04/2026")
        # A preferred language the page is not in does not pick the format.
        assert self._token_dates("de-DE,en-GB;q=0.5").startswith("04/03/2026")

    @override_settings(TIME_ZONE="UTC")
    def test_dates_on_a_dutch_page_use_the_dutch_format(self):
        assert self._token_dates("nl-NL,nl;q=0.9").startswith("4-3-2026")

    def test_the_deletion_checkbox_sits_beside_its_label(self):
        html = _signed_in(self.n.u_alice).get("/network/account/").content.decode()
        match = re.search(
            r'<div class="wn-check">\s*<input type="checkbox" name="confirm"[^>]*id="(?P<id>[^"]+)"'
            r'[^>]*>\s*<label for="(?P<for>[^"]+)"',
            html,
        )
        assert match, html
        assert match.group("id") == match.group("for")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9", "en-gb"),
        ("en;q=0.5,en-AU;q=0.9", "en-au"),
        ("fr-FR", "en"),
        ("", "en"),
        ("en-GB;q=garbage,en-US", "en-us"),
        ("*", "en"),
    ],
)
def test_the_visitors_format_locale_shares_the_pages_language(rf, header, expected):
    from django.utils import translation

    from wagtail_network.templatetags.wagtail_network_tags import visitor_format_locale

    request = rf.get("/", headers={"Accept-Language": header})
    with translation.override("en"):
        assert visitor_format_locale(request) == expected


@override_settings(ROOT_URLCONF="tests.urlconfs.join_page")
class ProfileLinks(TestCase):
    """The account page offers "Join the network" to a user without a profile and
    the links to edit and view one's profile to a member."""

    @classmethod
    def setUpTestData(cls):
        directory = MemberIndexPageFactory(parent=site_root())
        cls.newcomer = UserFactory(username="newcomer")
        cls.u_member = UserFactory(username="member")
        cls.member = MemberPageFactory(parent=directory, user=cls.u_member, title="Mia Member")
        cls.u_draft = UserFactory(username="drafted")
        MemberPageFactory(parent=directory, user=cls.u_draft, live=False)

    def _page(self, user) -> str:
        return _signed_in(user).get("/network/account/").content.decode()

    def _join_url(self) -> str:
        return reverse("wagtail_network:edit_profile")

    def test_a_user_without_a_profile_is_invited_to_join_the_network(self):
        html = self._page(self.newcomer)
        section = html.split('aria-labelledby="wn-join-heading"', 1)[1].split("</section>", 1)[0]
        assert "Join the network</h2>" in section
        assert f'<a href="{self._join_url()}" class="wn-button">Join the network</a>' in section
        assert "Edit your profile" not in html

    def test_a_member_gets_links_to_edit_and_view_their_profile(self):
        html = self._page(self.u_member)
        assert f'<a href="{self._join_url()}" class="wn-button">Edit your profile</a>' in html
        assert f'href="{self.member.url}" class="wn-button wn-button--secondary">View your' in html
        assert 'id="wn-join-heading"' not in html

    def test_an_unpublished_profile_can_be_edited_but_not_viewed_yet(self):
        html = self._page(self.u_draft)
        assert "Edit your profile" in html
        assert "View your profile" not in html
        assert 'id="wn-join-heading"' not in html

    @override_settings(ROOT_URLCONF="tests.urlconfs.no_join_page")
    def test_without_a_join_page_the_account_page_offers_no_dead_link(self):
        html = self._page(self.newcomer)
        assert 'id="wn-join-heading"' not in html
        assert "You have no member profile yet." in html
