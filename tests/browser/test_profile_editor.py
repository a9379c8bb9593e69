"""The profile editor in a real browser: htmx adds a position row in place and the
focus goes into it, Remove hides a saved row and ticks its box, skills are added
and removed as chips, one Save writes one revision; errors put the focus on the
summary; "view as" shows the banner; axe-core finds no serious or critical
violation and nothing scrolls sideways at 390 px."""

from __future__ import annotations

import pytest
from wagtail.models import Revision

from tests.browser.helpers import assert_accessible
from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    site_root,
)
from wagtail_network.models import MemberPage, Position

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def owner(live_server):
    root = site_root()
    directory = MemberIndexPageFactory(parent=root)
    companies = CompanyIndexPageFactory(parent=root)
    CompanyPageFactory(parent=companies, title="Acme", slug="acme")
    SkillFactory(name="Python")
    SkillFactory(name="PostgreSQL")
    ann = MemberPageFactory(
        parent=directory, title="Ann Smith", slug="ann", user=UserFactory(username="ann")
    )
    PositionFactory(member=ann, company_name="Old Co", title="Developer")
    MemberPage.objects.get(pk=ann.pk).save_revision().publish()
    return {"url": live_server.url, "member": ann}


def signed_in(browser, owner, *, width: int = 1280, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{owner['url']}/accounts/login/")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", "password")
    with page.expect_navigation():
        page.click("main button[type=submit], main input[type=submit]")
    return context, page, errors


def own_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "Failed to load resource" not in e]


def revisions(member) -> int:
    return Revision.page_revisions.filter(object_id=str(member.pk)).count()


@pytest.mark.parametrize("width", [1280, 390])
def test_rows_and_skills_change_in_place_and_one_save_is_one_revision(browser, owner, width):
    context, page, errors = signed_in(browser, owner, width=width)
    page.goto(f"{owner['url']}/network/profile/")
    assert_accessible(page)
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.__notReloaded = true")
    before = revisions(owner["member"])

    page.get_by_role("button", name="Add a position").click()
    page.wait_for_selector("#wn-row-positions-1")
    assert page.evaluate("window.__notReloaded") is True
    # The focus moves once htmx has settled the new row, a moment after it appears.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id.startsWith('id_positions-1-')",
        timeout=5_000,
    )
    assert page.input_value("#id_positions-TOTAL_FORMS") == "2"
    page.fill("#id_positions-1-title", "Architect")
    page.select_option("#id_positions-1-company", label="Acme")

    # The saved row: Remove hides it and ticks its box.
    page.locator("#wn-row-positions-0").get_by_role("button", name="Remove").click()
    assert page.locator("#wn-row-positions-0").is_hidden()
    assert page.is_checked("#id_positions-0-DELETE")

    page.fill("#wn-skill-input", "Postgre")
    page.wait_for_selector("#wn-skill-options option[value='PostgreSQL']", state="attached")
    page.fill("#wn-skill-input", "PostgreSQL")
    page.get_by_role("button", name="Add", exact=True).click()
    assert "PostgreSQL" in page.inner_text("#wn-skill-chips")
    assert page.evaluate("window.__notReloaded") is True
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Your profile is saved." in page.inner_text("#wn-messages")
    assert revisions(owner["member"]) == before + 1
    titles = set(Position.objects.filter(member=owner["member"]).values_list("title", flat=True))
    assert titles == {"Architect"}
    member = MemberPage.objects.get(pk=owner["member"].pk)
    assert set(member.skills.values_list("name", flat=True)) == {"PostgreSQL"}
    assert own_errors(errors) == []
    context.close()


def test_an_error_focuses_the_summary_and_saves_nothing(browser, owner):
    context, page, errors = signed_in(browser, owner, width=390)
    page.goto(f"{owner['url']}/network/profile/")
    before = revisions(owner["member"])
    page.fill("#id_contact_email", "not an address")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.evaluate("document.activeElement.id") == "wn-error-summary"
    assert page.locator("#wn-error-summary a[href='#id_contact_email']").count() == 1
    assert revisions(owner["member"]) == before
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_without_javascript_add_shows_a_row_and_saves_nothing(browser, owner):
    context, page, errors = signed_in(browser, owner, javascript=False)
    page.goto(f"{owner['url']}/network/profile/")
    before = revisions(owner["member"])
    with page.expect_navigation():
        page.get_by_role("button", name="Add a link").click()
    assert page.locator("#wn-row-links-0").count() == 1
    assert revisions(owner["member"]) == before
    page.fill("#id_links-0-label", "Blog")
    page.fill("#id_links-0-url", "https://example.com/blog")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert MemberPage.objects.get(pk=owner["member"].pk).links.count() == 1
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_view_as_shows_the_banner_and_switches(browser, owner, width):
    MemberPage.objects.filter(pk=owner["member"].pk).update(profile_visibility="members")
    context, page, errors = signed_in(browser, owner, width=width)
    page.goto(f"{owner['url']}/network/profile/view-as/member/")
    assert "This is how a member sees your profile" in page.inner_text("#wn-preview-banner")
    assert_accessible(page)
    page.get_by_role("link", name="View as a visitor").click()
    assert "A visitor would find no profile here" in page.inner_text("main")
    assert_accessible(page)
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Back to editing").click()
    assert page.url.endswith("/network/profile/")
    assert own_errors(errors) == []
    context.close()
