"""The dashboard and the Network menu as each role sees them (issue 9, flow d).

For the editor, the company admin and the moderator, in English and in Dutch:
every link on the dashboard and every item of their Network menu opens (no
403/404, no "Sorry, you do not have permission to access this area"); every
Network screen they can open passes the layout and accessibility checks, and
every link on it opens too.
"""

from __future__ import annotations

import pytest

from tests.browser import helpers

ROLES = ("editor", "company_admin", "moderator")


@pytest.mark.parametrize("role", ROLES)
def test_every_dashboard_and_network_menu_link_opens_for_each_role(site, context, role):
    page = context.new_page()
    user = getattr(site, role)
    helpers.login(page, site, user)

    helpers.assert_not_refused(page, site)
    menu = helpers.network_menu_urls(page)
    assert menu, f"{role} has no Network menu"
    helpers.assert_links_allowed(page, site, helpers.page_links(page) + menu)

    for url in menu:
        response = helpers.goto(page, site, url)
        assert response.status == 200, (url, response.status)
        helpers.check_screen(page, site)
