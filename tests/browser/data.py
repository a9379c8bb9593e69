"""One small network and one account per admin role, as the browser tests use them.

Roles as in tests/admin/data.py and the demo (example_site/demo/roles.py): an
editor ("Network editors" plus page permissions on the site), a moderator
("Network moderators"), and a user to become the admin of Acme (an editor grants
it in the company-admin flow; ``acmeadmin`` already holds it). Every account's
admin language is the test's (Wagtail reads ``UserProfile.preferred_language``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.users.models import UserProfile

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
from wagtail_network.models import (
    CompanyRelationship,
    CompanyRelationshipKind,
    Endorsement,
    EndorsementState,
    Recommendation,
    RecommendationState,
    Report,
    ReportReason,
)
from wagtail_network.services import roles

PASSWORD = "password"  # tests.factories.UserFactory's


@dataclass
class Network:
    editor: Any
    moderator: Any
    company_admin: Any
    newcomer: Any
    acme: Any
    globex: Any
    alice_at_acme: Any
    pending_endorsements: list = field(default_factory=list)
    url: str = ""
    language: str = "en"
    #: Link shapes already fetched, per browser context (tests/browser/helpers.py).
    checked_links: dict = field(default_factory=dict)


def speak(user, language: str) -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])


def build_network(language: str) -> Network:
    groups = roles.ensure_role_groups()
    root = site_root()
    companies = CompanyIndexPageFactory(parent=root, title="Companies")
    members = MemberIndexPageFactory(parent=root, title="Members")
    acme = CompanyPageFactory(parent=companies, title="Acme Widgets")
    globex = CompanyPageFactory(parent=companies, title="Globex Widgets")
    CompanyPageFactory(parent=companies, title="Initech Widgets")

    editor = UserFactory(username="editor", first_name="Eddie", last_name="Editor")
    editor.groups.add(groups[roles.EDITORS_GROUP])
    site_editors = Group.objects.create(name="Site editors")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=site_editors,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    editor.groups.add(site_editors)

    moderator = UserFactory(username="moderator", first_name="Mo", last_name="Moderator")
    moderator.groups.add(groups[roles.MODERATORS_GROUP])

    company_admin = UserFactory(username="acmeadmin", first_name="Cas", last_name="Acme")
    roles.grant_company_admin(None, company_admin, acme)
    # No rights yet: the editor makes them Acme's admin in the browser.
    newcomer = UserFactory(username="newcomer", first_name="Nina", last_name="Nieuw")

    python = SkillFactory(name="Python")
    django = SkillFactory(name="Django")
    alice = MemberPageFactory(parent=members, title="Alice Visser")
    bob = MemberPageFactory(parent=members, title="Bob de Jong")
    carol = MemberPageFactory(parent=members, title="Carol Smit")
    for member in (alice, bob, carol):
        member.skills.add(python, django)
    connect(alice, bob)
    connect(alice, carol)
    alice_at_acme = PositionFactory(member=alice, company=acme, title="CTO")
    PositionFactory(member=bob, company=globex, title="CEO")
    pending = [
        Endorsement.objects.create(
            endorser=endorser, member=alice, skill=skill, state=EndorsementState.PENDING
        )
        for endorser in (bob, carol)
        for skill in (python, django)
    ]
    Endorsement.objects.create(
        endorser=alice, member=bob, skill=python, state=EndorsementState.LIVE, is_hidden=True
    )
    Recommendation.objects.create(
        author=bob,
        member=alice,
        relationship="same_team",
        text="A great colleague.",
        state=RecommendationState.PENDING_MODERATION,
    )
    Report.objects.create(reporter=alice, target_member=carol, reason=ReportReason.SPAM)
    CompanyRelationship.objects.create(
        from_company=acme,
        to_company=globex,
        kind=CompanyRelationshipKind.PARTNER,
        confirmed_by_from=True,
    )

    for user in (editor, moderator, company_admin, newcomer):
        speak(user, language)
    return Network(
        editor=editor,
        moderator=moderator,
        company_admin=company_admin,
        newcomer=newcomer,
        acme=acme,
        globex=globex,
        alice_at_acme=alice_at_acme,
        pending_endorsements=pending,
        language=language,
    )
