"""The visibility rule set (PRODUCT.md, "Visibility and per-object permissions").

Each test names the rule it pins. The data is built once per class; every viewer
is asked through wagtail_network.visibility, the module every surface calls.
"""

from __future__ import annotations

import itertools

from django.contrib.auth.models import AnonymousUser, Permission
from django.test import TestCase, override_settings
from guardian.shortcuts import assign_perm
from wagtail.models import PageViewRestriction

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from wagtail_network import visibility as v
from wagtail_network.models import (
    Block,
    Endorsement,
    EndorsementState,
    MemberPage,
    Position,
    Recommendation,
    RecommendationState,
)
from wagtail_network.viewer import Viewer


def fresh(user):
    """The viewer a new request would have: a new user object in a new Viewer."""
    if isinstance(user, AnonymousUser):
        return Viewer(AnonymousUser())
    return Viewer(type(user).objects.get(pk=user.pk))


class VisibilityFixture(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        companies = CompanyIndexPageFactory(parent=root)
        cls.acme = CompanyPageFactory(parent=companies, title="Acme")
        cls.globex = CompanyPageFactory(parent=companies, title="Globex")

        def member(name, **kwargs):
            user = UserFactory(username=name)
            page = MemberPageFactory(parent=cls.directory, title=name.title(), user=user, **kwargs)
            return user, page

        cls.u_alice, cls.alice = member(
            "alice",
            profile_visibility="public",
            email_visibility="members",
            phone_visibility="connections",
            connections_visibility="members",
            positions_visibility="public",
        )
        cls.u_bob, cls.bob = member("bob", profile_visibility="members")
        cls.u_carol, cls.carol = member(
            "carol", profile_visibility="connections", positions_visibility="only_me"
        )
        cls.u_dave, cls.dave = member(
            "dave", email_visibility="only_me", connections_visibility="connections"
        )
        cls.u_eve, cls.eve = member("eve")
        cls.u_drafty, cls.drafty = member("drafty", live=False)
        cls.u_nobody = UserFactory(username="nobody")  # signed in, no profile
        cls.u_editor = UserFactory(username="editor")
        cls.u_editor.user_permissions.add(Permission.objects.get(codename="view_private_profiles"))
        cls.u_companyadmin = UserFactory(username="companyadmin")
        assign_perm("wagtail_network.change_companypage", cls.u_companyadmin, cls.acme)

        connect(cls.alice, cls.carol)
        connect(cls.alice, cls.bob)
        connect(cls.dave, cls.bob)
        connect(cls.eve, cls.bob)
        Block.objects.create(blocker=cls.alice, blocked=cls.eve)

        cls.carol_position = PositionFactory(member=cls.carol, company=cls.acme, title="CTO")
        cls.alice_position = PositionFactory(member=cls.alice, company=cls.globex, title="CEO")

    def visible(self, user) -> set[str]:
        return set(v.members_visible_to(fresh(user)).values_list("title", flat=True))


class ProfileVisibilityTests(VisibilityFixture):
    def test_public_profile_visible_to_anonymous_visitor(self):
        self.assertIn("Alice", self.visible(AnonymousUser()))

    def test_members_only_profile_hidden_from_anonymous_visitor(self):
        self.assertNotIn("Bob", self.visible(AnonymousUser()))

    def test_members_only_profile_visible_to_signed_in_member(self):
        self.assertIn("Bob", self.visible(self.u_dave))

    def test_members_only_profile_hidden_from_user_without_live_profile(self):
        self.assertNotIn("Bob", self.visible(self.u_nobody))
        self.assertNotIn("Bob", self.visible(self.u_drafty))

    def test_connections_only_profile_visible_to_connections_only(self):
        self.assertIn("Carol", self.visible(self.u_alice))
        self.assertNotIn("Carol", self.visible(self.u_dave))
        self.assertNotIn("Carol", self.visible(AnonymousUser()))

    def test_own_profile_always_visible_even_as_draft(self):
        self.assertIn("Drafty", self.visible(self.u_drafty))
        self.assertIn("Carol", self.visible(self.u_carol))

    def test_unpublished_profile_hidden_from_everyone_else(self):
        for user in (AnonymousUser(), self.u_alice, self.u_nobody):
            self.assertNotIn("Drafty", self.visible(user))

    def test_blocked_member_no_longer_sees_blocker(self):
        self.assertNotIn("Alice", self.visible(self.u_eve))

    def test_blocker_no_longer_sees_blocked_member(self):
        self.assertNotIn("Eve", self.visible(self.u_alice))

    def test_block_does_not_hide_members_from_third_parties(self):
        self.assertTrue({"Alice", "Eve"} <= self.visible(self.u_dave))

    def test_editor_sees_every_live_profile_whatever_its_visibility(self):
        self.assertTrue({"Alice", "Bob", "Carol", "Dave", "Eve"} <= self.visible(self.u_editor))

    def test_private_section_hides_profiles_from_visitors_wagtail_does_not_admit(self):
        PageViewRestriction.objects.create(
            page=self.directory, restriction_type=PageViewRestriction.LOGIN
        )
        self.assertEqual(self.visible(AnonymousUser()), set())
        self.assertIn("Alice", self.visible(self.u_dave))

    @override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"})
    def test_locked_profile_visibility_overrides_member_choice(self):
        self.assertNotIn("Alice", self.visible(AnonymousUser()))
        self.assertIn("Carol", self.visible(self.u_dave))

    def test_can_see_member_agrees_with_queryset(self):
        viewers = [AnonymousUser(), self.u_alice, self.u_bob, self.u_eve, self.u_nobody]
        members = [self.alice, self.bob, self.carol, self.dave, self.eve, self.drafty]
        for user, member in itertools.product(viewers, members):
            with self.subTest(user=str(user), member=member.title):
                self.assertEqual(
                    v.can_see_member(fresh(user), member),
                    member.title in self.visible(user),
                )


class FieldVisibilityTests(VisibilityFixture):
    def test_email_visible_to_members_hidden_from_visitors(self):
        self.assertFalse(v.can_see_field(AnonymousUser(), self.alice, "email"))
        self.assertTrue(v.can_see_field(fresh(self.u_dave), self.alice, "email"))

    def test_phone_visible_to_connections_only(self):
        self.assertTrue(v.can_see_field(fresh(self.u_bob), self.alice, "phone"))
        self.assertFalse(v.can_see_field(fresh(self.u_dave), self.alice, "phone"))

    def test_only_me_field_hidden_from_everyone_but_the_member_and_editors(self):
        self.assertFalse(v.can_see_field(fresh(self.u_bob), self.dave, "email"))
        self.assertTrue(v.can_see_field(fresh(self.u_dave), self.dave, "email"))
        self.assertTrue(v.can_see_field(fresh(self.u_editor), self.dave, "email"))

    @override_settings(WAGTAIL_NETWORK={"LOCKED_FIELD_VISIBILITY": {"email": "only_me"}})
    def test_locked_field_visibility_overrides_member_choice(self):
        self.assertFalse(v.can_see_field(fresh(self.u_dave), self.alice, "email"))
        self.assertNotIn(
            self.alice.pk,
            MemberPage.objects.filter(v.field_visible_q(fresh(self.u_dave), "email")).values_list(
                "pk", flat=True
            ),
        )

    def test_field_visible_q_agrees_with_can_see_field_for_every_viewer_member_and_field(self):
        viewers = [
            AnonymousUser(),
            self.u_alice,
            self.u_bob,
            self.u_carol,
            self.u_dave,
            self.u_nobody,
            self.u_editor,
        ]
        members = [self.alice, self.bob, self.carol, self.dave]
        for user, field in itertools.product(viewers, v.SENSITIVE_FIELDS):
            viewer = fresh(user)
            in_sql = set(
                MemberPage.objects.filter(v.field_visible_q(viewer, field)).values_list(
                    "pk", flat=True
                )
            )
            for member in members:
                with self.subTest(user=str(user), field=field, member=member.title):
                    self.assertEqual(member.pk in in_sql, v.can_see_field(viewer, member, field))


class NetworkDisclosureTests(VisibilityFixture):
    def test_edge_visible_to_its_endpoints(self):
        edges = v.edges_visible_to(fresh(self.u_carol))
        self.assertTrue(edges.filter(member=self.carol, other=self.alice).exists())

    def test_edge_visible_to_viewer_who_may_see_one_sides_connection_list(self):
        # Alice's list is for members; Dave is a member, so he sees Alice–Bob.
        edges = v.edges_visible_to(fresh(self.u_dave))
        self.assertTrue(edges.filter(member=self.alice, other=self.bob).exists())

    def test_edge_hidden_from_visitor_who_may_see_neither_list(self):
        edges = v.edges_visible_to(AnonymousUser())
        self.assertFalse(edges.exists())

    def test_connection_list_never_shows_a_member_the_viewer_may_not_see(self):
        # Carol (connections-only) is Alice's connection; Dave may see Alice's list,
        # but not Carol.
        titles = set(
            v.connections_of(fresh(self.u_dave), self.alice).values_list("title", flat=True)
        )
        self.assertEqual(titles, {"Bob"})

    def test_blocked_member_hidden_from_connection_lists(self):
        titles = set(
            v.connections_of(fresh(self.u_alice), self.bob).values_list("title", flat=True)
        )
        self.assertNotIn("Eve", titles)

    def test_mutual_connections_use_only_visible_edges(self):
        # Dave and Alice share Bob; Dave may see Alice's list.
        mutual = v.mutual_connections(fresh(self.u_dave), self.alice)
        self.assertEqual(list(mutual.values_list("title", flat=True)), ["Bob"])
        # Anonymous visitors have no mutual connections.
        self.assertFalse(v.mutual_connections(AnonymousUser(), self.alice).exists())


class CompanyAdminTests(VisibilityFixture):
    def test_object_grant_makes_user_admin_of_that_company_only(self):
        self.assertEqual(list(v.administered_companies(fresh(self.u_companyadmin))), [self.acme])
        self.assertTrue(v.can_edit_company(fresh(self.u_companyadmin), self.acme))
        self.assertFalse(v.can_edit_company(fresh(self.u_companyadmin), self.globex))

    def test_global_permission_does_not_grant_every_company(self):
        user = UserFactory(username="globalperm")
        user.user_permissions.add(Permission.objects.get(codename="change_companypage"))
        self.assertFalse(v.administered_companies(fresh(user)).exists())

    def test_position_claimed_at_company_always_visible_to_its_admins(self):
        # Carol's positions are "only me" and her profile connections-only.
        positions = v.positions_visible_to(fresh(self.u_companyadmin))
        self.assertIn(self.carol_position, positions)
        self.assertNotIn(
            self.alice_position,
            v.positions_visible_to(fresh(self.u_nobody)).filter(company=self.acme),
        )

    def test_hidden_positions_never_make_a_member_an_employee(self):
        employees = v.employees_of(fresh(self.u_alice), self.acme)
        self.assertNotIn(self.carol, employees)
        self.assertIn(self.alice, v.employees_of(AnonymousUser(), self.globex))


class ContentVisibilityTests(VisibilityFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        skill = SkillFactory(name="Python")
        cls.alice.skills.add(skill)
        cls.live = Endorsement.objects.create(endorser=cls.bob, member=cls.alice, skill=skill)
        cls.hidden = Endorsement.objects.create(
            endorser=cls.carol, member=cls.alice, skill=skill, is_hidden=True
        )
        cls.pending_rec = Recommendation.objects.create(
            author=cls.bob, member=cls.alice, relationship="same_team", text="Great"
        )
        cls.published_rec = Recommendation.objects.create(
            author=cls.carol,
            member=cls.alice,
            relationship="same_team",
            text="Superb",
            state=RecommendationState.PUBLISHED,
        )

    def test_hidden_endorsement_visible_only_to_recipient_and_endorser(self):
        self.assertNotIn(self.hidden, v.endorsements_visible_to(fresh(self.u_dave)))
        self.assertIn(self.hidden, v.endorsements_visible_to(fresh(self.u_alice)))

    def test_pending_endorsement_waits_for_moderation(self):
        Endorsement.objects.filter(pk=self.live.pk).update(state=EndorsementState.PENDING)
        self.assertNotIn(self.live, v.endorsements_visible_to(fresh(self.u_dave)))

    def test_recommendation_visible_only_after_recipient_accepts(self):
        visible = v.recommendations_visible_to(AnonymousUser())
        self.assertNotIn(self.pending_rec, visible)
        self.assertIn(self.pending_rec, v.recommendations_visible_to(fresh(self.u_alice)))

    def test_published_recommendation_hidden_when_author_not_visible(self):
        # Carol's profile is for connections: the visitor may not see her, so not her words.
        self.assertNotIn(self.published_rec, v.recommendations_visible_to(AnonymousUser()))
        MemberPage.objects.filter(pk=self.carol.pk).update(profile_visibility="public")
        self.assertIn(self.published_rec, v.recommendations_visible_to(AnonymousUser()))

    def test_lists_are_single_queries(self):
        viewer = fresh(self.u_dave)
        v.viewer_member(viewer)
        v.sees_everything(viewer)
        v.members_visible_to(viewer)  # warms the restriction cache
        with self.assertNumQueries(1):
            list(v.members_visible_to(viewer))
        with self.assertNumQueries(1):
            list(v.endorsements_visible_to(viewer))

    def test_positions_queryset_excludes_only_me_positions(self):
        self.assertFalse(
            v.positions_visible_to(fresh(self.u_alice)).filter(member=self.carol).exists()
        )
        self.assertTrue(Position.objects.filter(member=self.carol).exists())


class InvitationDisclosureTests(VisibilityFixture):
    """An open invitation discloses each side's profile to the other."""

    def invite(self, requester, recipient, state="pending"):
        from wagtail_network.models import Connection

        low, high = sorted([requester, recipient], key=lambda p: p.pk)
        return Connection.objects.create(
            member_low=low, member_high=high, requester=requester, recipient=recipient, state=state
        )

    def test_invited_member_sees_inviter_with_hidden_profile(self):
        # Carol's profile is for connections only; Dave is not connected to her.
        self.invite(self.carol, self.dave)
        self.assertIn("Carol", self.visible(self.u_dave))

    def test_inviter_still_sees_member_who_ignored_the_invitation(self):
        self.invite(self.dave, self.carol, state="ignored")
        self.assertIn("Carol", self.visible(self.u_dave))

    def test_withdrawn_invitation_discloses_nothing(self):
        self.invite(self.carol, self.dave, state="withdrawn")
        self.assertNotIn("Carol", self.visible(self.u_dave))

    def test_invitation_does_not_disclose_to_third_parties(self):
        self.invite(self.carol, self.dave)
        self.assertNotIn("Carol", self.visible(self.u_bob))

    def test_invitation_discloses_profile_not_its_connection_level_fields(self):
        self.invite(self.alice, self.dave)
        # Alice's phone is for connections: an invitation is not a connection.
        self.assertFalse(v.can_see_field(fresh(self.u_dave), self.alice, "phone"))

    def test_accepting_invitation_from_hidden_profile_works(self):
        from wagtail_network import services

        self.invite(self.carol, self.dave)
        connection = services.accept_connection(fresh(self.u_dave), self.carol.pk)
        self.assertEqual(connection.state, "accepted")
