""" "View my profile as …" (/network/profile/view-as/<audience>/): the member's saved
profile through a stand-in viewer (``Viewer.stand_in``) and the same visibility rules
as the real page. A stand-in never sees more than a real viewer of its kind, and with
nothing else between them (no invitation, no shared group) exactly as much."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import AnonymousUser
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    connect,
    invite,
    site_root,
)
from wagtail_network import visibility
from wagtail_network.models import Block, MemberPage
from wagtail_network.viewer import STAND_IN_PK, Viewer

AUDIENCES = ("visitor", "member", "connection")
FIELD_CHOICES = ("public", "members", "connections", "only_me")


def view_as_url(audience: str) -> str:
    return reverse("wagtail_network:view_profile_as", args=[audience])


def shown(response) -> dict:
    """What a member page response shows of the profile (404: nothing)."""
    if response.status_code == 404 or b"would find no profile here" in response.content:
        return {"found": False}
    context = response.context
    return {
        "found": True,
        "email": context["show_email"],
        "phone": context["show_phone"],
        "connections": context["show_connections"],
        "connection_count": context["connection_count"] or 0,
        "positions": len(context["positions"]),
        "skills": len(context["skills"]),
    }


def at_most(stand_in: dict, real: dict) -> bool:
    """Whether the stand-in saw nothing that the real viewer did not."""
    if not stand_in["found"]:
        return True
    if not real["found"]:
        return False
    return all(stand_in[key] <= real[key] for key in stand_in)


class StandInViewerTests(TestCase):
    """The stand-in itself: who it is to the visibility module."""

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.user = UserFactory(username="owner")
        cls.member = MemberPageFactory(parent=cls.directory, title="Owner", user=cls.user)
        cls.other = MemberPageFactory(parent=cls.directory, title="Other")

    def test_visitor_stand_in_is_anonymous(self):
        viewer = Viewer.stand_in("visitor", self.member)
        self.assertIsInstance(viewer.user, AnonymousUser)
        self.assertIsNone(visibility.viewer_member(viewer))

    def test_member_stand_in_is_a_network_member_matching_no_row(self):
        viewer = Viewer.stand_in("member", self.member)
        self.assertTrue(visibility.is_network_member(viewer))
        self.assertEqual(visibility.viewer_member(viewer).pk, STAND_IN_PK)
        self.assertFalse(MemberPage.objects.filter(pk=STAND_IN_PK).exists())
        self.assertFalse(visibility.sees_everything(viewer))
        self.assertFalse(visibility.can_moderate(viewer))
        self.assertFalse(visibility.is_connected(viewer, self.member))
        self.assertFalse(visibility.administered_companies(viewer).exists())

    def test_connection_stand_in_is_connected_to_the_member_only(self):
        viewer = Viewer.stand_in("connection", self.member)
        self.assertTrue(visibility.is_connected(viewer, self.member))
        self.assertFalse(visibility.is_connected(viewer, self.other))

    def test_stand_in_keeps_who_it_is_across_refresh(self):
        viewer = Viewer.stand_in("connection", self.member)
        viewer.refresh()
        self.assertTrue(visibility.is_network_member(viewer))
        self.assertTrue(visibility.is_connected(viewer, self.member))

    def test_real_viewer_has_no_assumed_connections(self):
        viewer = Viewer.of(self.user)
        self.assertEqual(visibility.assumed_connection_ids(viewer), frozenset())
        self.assertFalse(viewer.is_stand_in)

    def test_unknown_audience_is_refused(self):
        with self.assertRaises(ValueError):
            Viewer.stand_in("editor", self.member)

    def test_stand_in_is_never_connected_to_anyone_in_sql(self):
        connect(self.member, self.other)
        viewer = Viewer.stand_in("connection", self.member)
        # The member's own connections are not the stand-in's.
        self.assertEqual(
            list(
                MemberPage.objects.filter(visibility._connected_q(viewer)).values_list(
                    "pk", flat=True
                )
            ),
            [self.member.pk],
        )
        self.assertFalse(visibility.mutual_connections(viewer, self.member).exists())


class ViewAsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        companies = CompanyIndexPageFactory(parent=root)
        cls.company = CompanyPageFactory(parent=companies, title="Acme")
        cls.owner_user = UserFactory(username="owner")
        cls.owner = MemberPageFactory(
            parent=cls.directory,
            title="Owner",
            user=cls.owner_user,
            contact_email="owner@example.com",
        )
        cls.owner.skills.add(SkillFactory(name="Python"))
        cls.owner.save()
        PositionFactory(member=cls.owner, company=cls.company, title="Engineer")
        # Real viewers of each kind, to compare the stand-ins with.
        cls.member_user = UserFactory(username="member")
        cls.member = MemberPageFactory(parent=cls.directory, title="Member", user=cls.member_user)
        cls.connection_user = UserFactory(username="friend")
        cls.friend = MemberPageFactory(
            parent=cls.directory, title="Friend", user=cls.connection_user
        )
        connect(cls.owner, cls.friend)
        cls.third = MemberPageFactory(parent=cls.directory, title="Third")
        connect(cls.owner, cls.third)

    def setUp(self):
        self.client.force_login(self.owner_user)

    def set_visibility(self, **fields) -> None:
        MemberPage.objects.filter(pk=self.owner.pk).update(**fields)

    def real(self, audience: str) -> dict:
        client = Client()
        if audience == "member":
            client.force_login(self.member_user)
        elif audience == "connection":
            client.force_login(self.connection_user)
        return shown(client.get(self.owner.url))

    def test_view_as_needs_sign_in(self):
        response = Client().get(view_as_url("member"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("next=", response["Location"])

    def test_unknown_audience_is_not_found(self):
        self.assertEqual(self.client.get("/network/profile/view-as/editor/").status_code, 404)

    def test_user_without_profile_goes_to_join(self):
        client = Client()
        client.force_login(UserFactory(username="newcomer"))
        response = client.get(view_as_url("visitor"))
        self.assertRedirects(response, reverse("wagtail_network:edit_profile"))

    def test_email_shown_only_to_a_connection_when_set_so(self):
        self.set_visibility(profile_visibility="members", email_visibility="connections")
        visitor = self.client.get(view_as_url("visitor"))
        member = self.client.get(view_as_url("member"))
        connection = self.client.get(view_as_url("connection"))
        self.assertContains(visitor, "A visitor would find no profile here (Page not found).")
        self.assertNotContains(visitor, "owner@example.com")
        self.assertEqual(member.status_code, 200)
        self.assertNotContains(member, "owner@example.com")
        self.assertContains(member, "Owner")
        self.assertContains(connection, "owner@example.com")

    def test_visitor_finds_no_members_only_profile(self):
        self.set_visibility(profile_visibility="members")
        response = self.client.get(view_as_url("visitor"))
        self.assertContains(response, "This is how a visitor sees your profile")
        self.assertContains(response, "A visitor would find no profile here (Page not found).")
        # As a real visitor would: the page itself answers 404.
        self.assertEqual(Client().get(self.owner.url).status_code, 404)

    def test_preview_has_banner_and_no_action_forms(self):
        self.set_visibility(profile_visibility="public")
        for audience in AUDIENCES:
            with self.subTest(audience):
                response = self.client.get(view_as_url(audience))
                self.assertContains(response, 'id="wn-preview-banner"')
                self.assertContains(response, reverse("wagtail_network:edit_profile"))
                html = response.content.decode()
                main = html[html.index('id="wn-profile"') :]
                self.assertNotIn(reverse("wagtail_network:act", args=["connect"]), main)
                self.assertNotIn(reverse("wagtail_network:act", args=["endorse"]), main)
                self.assertNotIn("Sign in to connect", main)
                self.assertNotIn("This is you", main)
                self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_preview_shows_the_saved_profile_not_a_draft(self):
        self.set_visibility(profile_visibility="public")
        page = MemberPage.objects.get(pk=self.owner.pk)
        page.headline = "Unsaved draft headline"
        page.save_revision(user=self.owner_user)
        response = self.client.get(view_as_url("member"))
        self.assertNotContains(response, "Unsaved draft headline")

    def test_unpublished_profile_is_found_by_nobody(self):
        self.set_visibility(profile_visibility="public", live=False)
        for audience in AUDIENCES:
            with self.subTest(audience):
                response = self.client.get(view_as_url(audience))
                self.assertContains(response, "would find no profile here (Page not found).")

    def test_nav_stays_the_real_users(self):
        self.set_visibility(profile_visibility="public")
        response = self.client.get(view_as_url("visitor"))
        # The site around the preview is still the signed-in member's (Sign out, not Sign in).
        self.assertContains(response, "Sign out")

    def test_stand_ins_see_exactly_what_real_viewers_of_their_kind_see(self):
        """Every combination of profile and field visibility: the stand-in's page shows
        the same fields as a real visitor's, member's and connection's."""
        combos = itertools.product(
            ("public", "members", "connections"), FIELD_CHOICES, FIELD_CHOICES
        )
        for profile, email, fields in combos:
            self.set_visibility(
                profile_visibility=profile,
                email_visibility=email,
                phone_visibility=fields,
                connections_visibility=fields,
                positions_visibility=fields,
            )
            for audience in AUDIENCES:
                with self.subTest(profile=profile, email=email, fields=fields, audience=audience):
                    stand_in = shown(self.client.get(view_as_url(audience)))
                    real = self.real(audience)
                    self.assertEqual(stand_in, real)

    def test_stand_in_sees_no_more_than_a_member_with_an_invitation(self):
        # An open invitation discloses the profile to the invited member; the
        # stand-in has none, so it sees less, never more.
        self.set_visibility(profile_visibility="connections")
        invite(self.owner, self.member)
        real = self.real("member")
        stand_in = shown(self.client.get(view_as_url("member")))
        self.assertTrue(real["found"])
        self.assertFalse(stand_in["found"])
        self.assertTrue(at_most(stand_in, real))

    def test_blocks_of_the_owner_do_not_reach_the_stand_in(self):
        # The owner blocked someone: the stand-in is not that someone, and sees the profile.
        self.set_visibility(profile_visibility="members")
        Block.objects.create(blocker=self.owner, blocked=self.member)
        self.assertFalse(self.real("member")["found"])
        self.assertTrue(shown(self.client.get(view_as_url("member")))["found"])

    @override_settings(WAGTAIL_NETWORK={"LOCKED_FIELD_VISIBILITY": {"email": "only_me"}})
    def test_site_lock_applies_to_stand_ins(self):
        self.set_visibility(profile_visibility="public", email_visibility="public")
        response = self.client.get(view_as_url("connection"))
        self.assertNotContains(response, "owner@example.com")

    def test_own_profile_page_links_to_editor_and_view_as(self):
        self.set_visibility(profile_visibility="public")
        response = self.client.get(self.owner.url)
        self.assertContains(response, 'href="/network/profile/"')
        for audience in AUDIENCES:
            self.assertContains(response, f'href="{view_as_url(audience)}"')
        # Nobody else gets them.
        other = Client()
        other.force_login(self.member_user)
        self.assertNotContains(other.get(self.owner.url), view_as_url("member"))
