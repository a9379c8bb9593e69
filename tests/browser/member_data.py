"""The small network the member journeys (issue 10) walk through, built per test.

Four members with site accounts and one company with its admin:

* Anna and Bram, the two members of each journey; Carol is connected to both, so
  each is a 2nd-degree suggestion for the other ("1 mutual connection");
* Dirk, connected to Carol only: another suggestion for Anna;
* Acme, followed by Carol (so a follow shows the count going from 1 to 2), with
  ``acmeadmin`` as its company admin, who confirms positions in the Wagtail admin.

Whether Anna and Bram start connected is the journey's choice (``connected``).
Every account's admin language is the test's, for the company admin's screens;
the members' site language comes from the browser (Accept-Language) or the site's
language switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.browser.data import speak
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
from wagtail_network.models import Follow, ProfileVisibility
from wagtail_network.services import roles


@dataclass
class MemberNetwork:
    anna: Any
    bram: Any
    carol: Any
    dirk: Any
    acme: Any
    company_admin: Any
    python: Any
    django: Any
    member_index: Any
    url: str = ""
    language: str = "en"
    #: Link shapes already fetched, per browser context (tests/browser/helpers.py).
    checked_links: dict = field(default_factory=dict)


def build_member_network(language: str, *, connected: bool = False) -> MemberNetwork:
    roles.ensure_role_groups()
    root = site_root()
    companies = CompanyIndexPageFactory(parent=root, title="Companies")
    members = MemberIndexPageFactory(parent=root, title="Members")
    acme = CompanyPageFactory(parent=companies, title="Acme Widgets")
    company_admin = UserFactory(username="acmeadmin", first_name="Cas", last_name="Acme")
    roles.grant_company_admin(None, company_admin, acme)
    speak(company_admin, language)

    python = SkillFactory(name="Python")
    django = SkillFactory(name="Django")

    def member(handle: str, title: str, headline: str):
        user = UserFactory(username=handle, first_name=title.split()[0], last_name="Demo")
        page = MemberPageFactory(
            parent=members,
            title=title,
            headline=headline,
            user=user,
            owner=user,
            profile_visibility=ProfileVisibility.MEMBERS,
        )
        page.skills.add(python, django)
        page.save()  # a ParentalManyToManyField writes its rows on save
        speak(user, language)
        return page

    anna = member("anna", "Anna Visser", "Developer")
    bram = member("bram", "Bram de Jong", "Designer")
    carol = member("carol", "Carol Smit", "Consultant")
    dirk = member("dirk", "Dirk Bakker", "Analyst")
    connect(carol, anna)
    connect(carol, bram)
    connect(carol, dirk)
    if connected:
        connect(anna, bram)
    PositionFactory(member=carol, company=acme, title="CTO")
    Follow.objects.create(member=carol, company=acme)
    return MemberNetwork(
        anna=anna,
        bram=bram,
        carol=carol,
        dirk=dirk,
        acme=acme,
        company_admin=company_admin,
        python=python,
        django=django,
        member_index=members,
        language=language,
    )
