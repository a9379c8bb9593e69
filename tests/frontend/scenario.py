"""A small network shared by the frontend tests, built once per test class.

Who is who (PRODUCT.md roles):

* ``alice`` — public profile, e-mail for members, phone for connections, public
  positions (Engineer at Acme), skills Python and Django, open to mentoring;
  connected to bob and carol.
* ``bob`` — public profile, positions "only me" (a hidden current position at
  Globex), connection list for connections only; connected to alice.
* ``carol`` — profile for connections only; works at Acme; connected to alice.
* ``dave`` — profile for signed-in members only.
* ``eve`` — public profile; eve blocked alice.
* ``frank`` — public profile, no connections: the plain signed-in member.
* ``drafty`` — an unpublished profile.
* ``editor`` — holds ``view_private_profiles`` (editors and moderators see everything).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.test import TestCase

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    IndustryFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from wagtail_network.models import (
    Block,
    CompanyRelationship,
    Endorsement,
    EndorsementState,
    Follow,
    Recommendation,
    RecommendationState,
)


class NetworkScenario(TestCase):
    """Base class: the network described in the module docstring, built once."""

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.company_index = CompanyIndexPageFactory(parent=root)
        cls.software = IndustryFactory(name="Software")
        cls.finance = IndustryFactory(name="Finance")
        cls.python = SkillFactory(name="Python")
        cls.django = SkillFactory(name="Django")
        cls.cobol = SkillFactory(name="Cobol")

        cls.acme = CompanyPageFactory(
            parent=cls.company_index,
            title="Acme",
            industry=cls.software,
            size_range="11-50",
            city="Utrecht",
            country="Netherlands",
            founded_year=1999,
            website="https://acme.example.com",
            contact_email="hello@acme.example.com",
        )
        cls.globex = CompanyPageFactory(
            parent=cls.company_index,
            title="Globex",
            industry=cls.finance,
            size_range="501-1000",
            city="Rotterdam",
            country="Netherlands",
        )
        cls.initech = CompanyPageFactory(
            parent=cls.company_index, title="Initech", live=False, city="Utrecht"
        )
        cls.umbrella = CompanyPageFactory(
            parent=cls.company_index, title="Umbrella", city="London", country="United Kingdom"
        )

        def member(name: str, **kwargs):
            user = UserFactory(username=name)
            page = MemberPageFactory(
                parent=cls.directory,
                title=f"{name.title()} Tester",
                slug=name,
                user=user,
                contact_email=f"{name}-secret@mail.example.com",
                contact_phone=f"+31 6 {len(name)}000 000{len(name)}",
                **kwargs,
            )
            return user, page

        cls.u_alice, cls.alice = member(
            "alice",
            headline="Backend developer",
            city="Amsterdam",
            industry=cls.software,
            open_to_mentoring=True,
            email_visibility="members",
            phone_visibility="connections",
            connections_visibility="members",
            positions_visibility="public",
            languages="Dutch, English",
        )
        cls.u_bob, cls.bob = member(
            "bob",
            headline="Analyst",
            city="Rotterdam",
            industry=cls.finance,
            positions_visibility="only_me",
            connections_visibility="connections",
        )
        cls.u_carol, cls.carol = member("carol", profile_visibility="connections", city="Utrecht")
        cls.u_dave, cls.dave = member("dave", profile_visibility="members", city="London")
        cls.u_eve, cls.eve = member("eve", city="Leiden")
        cls.u_frank, cls.frank = member("frank", city="Delft", country="Netherlands")
        cls.u_drafty, cls.drafty = member("drafty", live=False)

        cls.u_editor = UserFactory(username="editor")
        cls.u_editor.user_permissions.add(
            Permission.objects.get(
                codename="view_private_profiles", content_type__app_label="wagtail_network"
            )
        )

        cls.alice.skills.add(cls.python, cls.django)
        cls.alice.save()
        cls.bob.skills.add(cls.cobol)
        cls.bob.save()

        PositionFactory(
            member=cls.alice,
            company=cls.acme,
            title="Engineer",
            start_date=datetime.date(2020, 1, 1),
            verified_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        )
        PositionFactory(member=cls.bob, company=cls.globex, title="Secret analyst")
        PositionFactory(member=cls.carol, company=cls.acme, title="Designer")

        connect(cls.alice, cls.bob)
        connect(cls.alice, cls.carol)
        Block.objects.create(blocker=cls.eve, blocked=cls.alice)

        Endorsement.objects.create(endorser=cls.bob, member=cls.alice, skill=cls.python)
        Endorsement.objects.create(
            endorser=cls.carol, member=cls.alice, skill=cls.python, is_hidden=True
        )
        Endorsement.objects.create(
            endorser=cls.frank,
            member=cls.alice,
            skill=cls.django,
            state=EndorsementState.PENDING,
        )
        Recommendation.objects.create(
            author=cls.bob,
            member=cls.alice,
            relationship="same_team",
            text="Alice ships reliable code.",
            state=RecommendationState.PUBLISHED,
        )
        Recommendation.objects.create(
            author=cls.frank,
            member=cls.alice,
            relationship="other",
            text="Unaccepted praise.",
            state=RecommendationState.PENDING_RECIPIENT,
        )

        Follow.objects.create(member=cls.alice, company=cls.acme)
        Follow.objects.create(member=cls.frank, company=cls.acme)
        CompanyRelationship.objects.create(
            from_company=cls.acme, to_company=cls.globex, kind="partner", confirmed_by_editor=True
        )
        CompanyRelationship.objects.create(
            from_company=cls.acme, to_company=cls.umbrella, kind="supplier", confirmed_by_from=True
        )

    # -- helpers ----------------------------------------------------------

    def as_user(self, user) -> None:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)

    def get(self, page_or_url, user=None, **params):
        self.as_user(user)
        url = page_or_url if isinstance(page_or_url, str) else page_or_url.url
        return self.client.get(url, params)

    def listed(self, response, context_key: str = "members") -> list[str]:
        """Titles of the rows a directory response lists, in order."""
        self.assertEqual(response.status_code, 200)
        return [row.title for row in response.context[context_key]]
