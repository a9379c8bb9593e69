"""A newcomer joins the network from nothing, in Chromium (issue 11).

The journey, as a new user would take it: sign up on the example site, join with a
display name, upload a photo, fill in skills, interests and a position, set the
e-mail to "connections" and the profile to "members", look at the saved profile as
a visitor (not found), as a member (no e-mail) and as a connection (e-mail shown),
edit the position, and find the revisions in the Wagtail admin. The photo URL the
connection's view shows is fetched anonymously and refused.

It runs in English and in Dutch, at 1280 px and 390 px, once with JavaScript (rows
added in place by htmx) and once without (the same forms, posted); every screen gets
axe-core (no serious or critical violation), the language check and, at 390 px, the
no-sideways-scroll check (``members.Journey.check``).
"""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

import pytest
from PIL import Image as PILImage
from wagtail.models import Revision

from tests.browser.data import speak
from tests.browser.members import Setup, assert_accessible, setups
from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    SkillFactory,
    UserFactory,
    site_root,
)
from wagtail_network.models import MemberPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOURNEYS = setups(("en", 1280, True), ("nl", 390, False), ("nl", 1280, True), ("en", 390, False))

EMAIL = "nora.newcomer@example.org"
CONTACT = "nora@contact.example.org"


def test_the_join_journeys_cover_both_languages_widths_and_javascript_on_and_off():
    seen = [p.values[0] for p in JOURNEYS]
    assert {s.language for s in seen} == {"en", "nl"}
    assert {s.width for s in seen} == {1280, 390}
    assert {(s.language, s.js) for s in seen} == {
        ("en", True),
        ("en", False),
        ("nl", True),
        ("nl", False),
    }


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 240), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _anonymous(journey):
    context = journey.browser.new_context(
        viewport=journey.setup.viewport,
        locale="nl-NL"
        if journey.setup.language == "nl" and not journey.setup.via_switch
        else "en-GB",
        java_script_enabled=journey.setup.js,
    )
    context.set_default_timeout(15_000)
    journey.contexts.append(context)
    page = context.new_page()
    if journey.setup.via_switch:
        journey.switch_language(page)
    return context, page


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("journey", JOURNEYS, indirect=True)
def test_a_newcomer_signs_up_joins_fills_in_the_profile_and_sees_it_as_others_do(journey, tmp_path):
    setup: Setup = journey.setup
    t = journey.t
    root = site_root()
    MemberIndexPageFactory(parent=root, title="Members")
    companies = CompanyIndexPageFactory(parent=root, title="Companies")
    acme = CompanyPageFactory(parent=companies, title="Acme Widgets")
    SkillFactory(name="Python")
    editor = UserFactory(is_superuser=True, is_staff=True)
    speak(editor, setup.language)
    photo = tmp_path / "nora.png"
    photo.write_bytes(_png())

    # 1. Sign up on the example site: the account, then the join page.
    _context, page = _anonymous(journey)
    journey.visit(page, "/accounts/signup/")
    page.get_by_label(t("E-mail address")).fill(EMAIL)
    page.get_by_label(t("Password"), exact=True).fill("a-long-Pass-phrase-7")
    page.get_by_label(t("Password again")).fill("a-long-Pass-phrase-7")
    _submit(page, page.locator("main").get_by_role("button", name=t("Create account")))
    assert page.url.endswith("/network/profile/"), page.url
    journey.check(page)
    assert page.get_by_role("heading", level=1).inner_text() == t("Join the network")

    # 2. Join with a display name.
    page.get_by_label(t("Display name")).fill("Nora Newcomer")
    _submit(
        page, page.locator("#wn-profile-form").get_by_role("button", name=t("Join the network"))
    )
    journey.check(page)
    member = MemberPage.objects.get(user__email=EMAIL)
    assert member.live and member.title == "Nora Newcomer"
    assert page.get_by_role("heading", level=1).inner_text() == t("Edit your profile")

    # 3. Photo, headline, a skill, interests, contact e-mail, visibility: one save.
    page.set_input_files("input[name=photo]", str(photo))
    page.locator("input[name=headline]").fill("Data engineer who sails")
    page.locator("input[name=add_skills]").fill("Python")
    page.locator("input[name=interests]").fill("sailing, chess")
    page.locator("input[name=contact_email]").fill(CONTACT)
    page.locator("select[name=email_visibility]").select_option("connections")
    page.locator("input[name=profile_visibility][value=members]").check()
    _submit(
        page, page.locator("#wn-profile-form").get_by_role("button", name=t("Save"), exact=True)
    )
    journey.check(page)
    member = MemberPage.objects.get(pk=member.pk)
    assert member.photo_id is not None
    assert [s.name for s in member.skills.all()] == ["Python"]
    assert sorted(t.name for t in member.interests.all()) == ["chess", "sailing"]
    assert (member.contact_email, member.email_visibility, member.profile_visibility) == (
        CONTACT,
        "connections",
        "members",
    )

    # 4. A position at a company of the network: a row added (htmx in place, or the
    # plain "Add a position" button re-rendering the form), then saved.
    add = page.locator("#wn-profile-form").get_by_role("button", name=t("Add a position"))
    if setup.js:
        journey.act(page, add)
    else:
        _submit(page, add)
        journey.check(page)
    page.locator("select[name='positions-0-company']").select_option(str(acme.pk))
    page.locator("input[name='positions-0-title']").fill("Engineer")
    page.locator("input[name='positions-0-is_current']").check()
    _submit(
        page, page.locator("#wn-profile-form").get_by_role("button", name=t("Save"), exact=True)
    )
    journey.check(page)
    positions = list(MemberPage.objects.get(pk=member.pk).positions.all())
    assert [(p.company_id, p.title, p.is_current) for p in positions] == [
        (acme.pk, "Engineer", True)
    ]

    # 5. The saved profile as others see it.
    journey.visit(page, "/network/profile/view-as/visitor/")
    main = page.locator("main").inner_text()
    assert "Data engineer who sails" not in main
    journey.visit(page, "/network/profile/view-as/member/")
    main = page.locator("main").inner_text()
    assert "Data engineer who sails" in main and CONTACT not in main
    journey.visit(page, "/network/profile/view-as/connection/")
    main = page.locator("main").inner_text()
    assert "Data engineer who sails" in main and CONTACT in main
    photo_src = page.locator("main img[src*='/network/photo/']").first.get_attribute("src")
    photo_url = urljoin(journey.url, photo_src)
    assert page.request.get(photo_url).status == 200
    anonymous, _anon_page = _anonymous(journey)
    assert anonymous.request.get(photo_url).status == 404

    # 6. Edit the position.
    journey.visit(page, "/network/profile/")
    page.locator("input[name='positions-0-title']").fill("Lead engineer")
    _submit(
        page, page.locator("#wn-profile-form").get_by_role("button", name=t("Save"), exact=True)
    )
    journey.check(page)
    assert [p.title for p in MemberPage.objects.get(pk=member.pk).positions.all()] == [
        "Lead engineer"
    ]

    # 7. The editor finds every save as a revision in the Wagtail admin.
    saved = Revision.page_revisions.filter(object_id=str(member.pk)).count()
    assert saved == 4  # join, the profile, the position, its new title
    admin = journey.open(editor, js=True)
    response = admin.goto(urljoin(journey.url, f"/admin/pages/{member.pk}/history/"))
    assert response is not None and response.status == 200
    assert admin.evaluate("document.documentElement.lang") == setup.language
    rows = admin.locator("main table tbody tr")
    assert rows.count() >= saved, admin.locator("main").inner_text()
    assert re.search("Nora Newcomer", admin.locator("main").inner_text())
    assert_accessible(admin)
