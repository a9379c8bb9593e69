"""An editor makes someone a company admin, who then works on their company only
(issue 9, flow a), in English and in Dutch.

The editor opens Acme's page, reaches "Company admins" from its header menu and
grants the rights; the new company admin signs in, edits Acme's page and
publishes it, confirms a position claimed at Acme ("Positions to confirm" in the
Network menu), and is refused Globex, another company, at guessed URLs: refused
or not found, never an explorer headed with Globex's name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.browser import helpers
from wagtail_network.models import CompanyPage, Position


def test_editor_grants_a_company_admin_who_edits_publishes_confirms_and_stays_in_their_company(
    site, context
):
    editor = context.new_page()
    helpers.login(editor, site, site.editor)

    # The company page's header menu leads to its "Company admins" screen.
    helpers.goto(editor, site, f"/admin/pages/{site.acme.pk}/edit/")
    helpers.submit(editor.locator(f'a[href="/admin/network/company-admins/{site.acme.pk}/"]'))
    assert re.search(rf"/admin/network/company-admins/{site.acme.pk}/$", editor.url)
    helpers.check_screen(editor, site)
    editor.fill("#id_user", site.newcomer.get_username())
    helpers.submit(editor.locator("button[name=grant]"))
    assert site.newcomer.get_username() in helpers.messages_text(editor)
    assert editor.locator(f'td[data-company-admin="{site.newcomer.pk}"]').count() == 1
    helpers.check_screen(editor, site)

    # The Network menu's "Company admins" lists Acme among the companies.
    assert "/admin/network/company-admins/" in helpers.network_menu_urls(editor)

    # The new company admin signs in (a browser of their own) and edits Acme.
    admin = context.browser.new_context(viewport=helpers.VIEWPORT, locale="en-GB").new_page()
    try:
        helpers.login(admin, site, site.newcomer)
        helpers.goto(admin, site, f"/admin/pages/{site.acme.pk}/edit/")
        helpers.assert_not_refused(admin, site)
        admin.fill("#id_tagline", "Widgets, made in Utrecht")
        helpers.submit(admin.locator("button[name=action-publish]"))
        acme = CompanyPage.objects.get(pk=site.acme.pk)
        assert acme.tagline == "Widgets, made in Utrecht"
        assert acme.live and not acme.has_unpublished_changes

        # Positions to confirm: from the Network menu, the row's Confirm button.
        menu = helpers.network_menu_urls(admin)
        assert "/admin/network/positions/" in menu, menu
        helpers.goto(admin, site, "/admin/network/positions/")
        helpers.check_screen(admin, site)
        helpers.submit(admin.locator(f'a[data-confirm-position="{site.alice_at_acme.pk}"]'))
        helpers.check_screen(admin, site, listing=False)
        helpers.submit(admin.locator("main form button[type=submit]"))
        assert urlsplit(admin.url).path == "/admin/network/positions/", admin.url
        assert Position.objects.get(pk=site.alice_at_acme.pk).verified_at is not None
        helpers.check_screen(admin, site)

        # Another company, at guessed URLs: refused, not found, or sent back to
        # their own pages (Wagtail's explorer does that outside one's pages); never
        # a screen of the other company, headed with its name.
        for path in (f"/admin/pages/{site.globex.pk}/", f"/admin/pages/{site.globex.pk}/edit/"):
            response = helpers.goto(admin, site, path)
            refused = (
                response.status in (403, 404)
                or helpers.denied_message(site.language) in admin.content()
                or f"/pages/{site.globex.pk}/" not in admin.url
            )
            assert refused, f"{path} answered {response.status} at {admin.url}"
            headings = " ".join(admin.locator("h1, h2, .w-breadcrumbs").all_inner_texts())
            assert site.globex.title not in headings, (path, admin.url, headings)
    finally:
        admin.context.close()
