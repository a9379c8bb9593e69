"""An editor accepts a member's skill suggestion, mapped to an existing skill with
Wagtail's skill chooser, and rejects another (issue 11: a skill the vocabulary
lacks is suggested to the editors), in English and in Dutch."""

from __future__ import annotations

from tests.browser import helpers
from tests.factories import SkillFactory
from wagtail_network.models import MemberPage, SkillSuggestion

SUGGESTIONS = "/admin/snippets/wagtail_network/skillsuggestion/"


def test_editor_maps_a_suggestion_to_an_existing_skill_and_rejects_another(site, context):
    bob = MemberPage.objects.get(title="Bob de Jong")
    javascript = SkillFactory(name="JavaScript")
    js = SkillSuggestion.objects.create(member=bob, name="JS")
    nonsense = SkillSuggestion.objects.create(member=bob, name="Asdf")

    page = context.new_page()
    helpers.login(page, site, site.editor)
    assert SUGGESTIONS in helpers.network_menu_urls(page)
    helpers.goto(page, site, SUGGESTIONS)
    helpers.check_screen(page, site)

    page.check(f'input.bulk-action-checkbox[data-object-id="{js.pk}"]')
    helpers.submit(page.locator('a[data-bulk-action-button][href*="/accept/"]'))
    assert "/admin/bulk/wagtail_network/skillsuggestion/accept/" in page.url, page.url
    helpers.check_screen(page, site, listing=False)
    page.locator("main [data-chooser-action-choose]").first.click()
    page.locator(".modal a", has_text="JavaScript").first.click()
    page.locator(".modal").first.wait_for(state="hidden")
    helpers.submit(page.locator("main form button[type=submit]"))
    assert SUGGESTIONS in page.url, page.url
    helpers.check_screen(page, site)
    assert list(MemberPage.objects.get(pk=bob.pk).skills.filter(name="JavaScript")) == [javascript]
    assert not SkillSuggestion.objects.filter(pk=js.pk).exists()

    page.check(f'input.bulk-action-checkbox[data-object-id="{nonsense.pk}"]')
    helpers.submit(page.locator('a[data-bulk-action-button][href*="/reject/"]'))
    helpers.check_screen(page, site, listing=False)
    helpers.submit(page.locator("main form button[type=submit]"))
    assert not SkillSuggestion.objects.exists()
    assert not MemberPage.objects.get(pk=bob.pk).skills.filter(name="Asdf").exists()
