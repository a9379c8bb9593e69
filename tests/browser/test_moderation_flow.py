"""A moderator rejects endorsements in bulk and finds each rejection in the audit
trail (issue 9, flow b), in English and in Dutch.

The moderator opens the pending endorsements from the Network menu, ticks three
rows, chooses the listing's bulk "Reject" and confirms; the three are rejected,
the fourth stays pending, and "Site history" (reached from the moderator's own
menu, not a typed URL) shows each rejection exactly once.
"""

from __future__ import annotations

from django.utils import translation

from tests.browser import helpers
from wagtail_network.models import Endorsement, EndorsementState

ENDORSEMENTS = "/admin/snippets/wagtail_network/endorsement/"
SITE_HISTORY = "/admin/reports/site-history/"


def test_moderator_bulk_rejects_endorsements_and_sees_each_once_in_the_audit_trail(site, context):
    page = context.new_page()
    helpers.login(page, site, site.moderator)
    assert ENDORSEMENTS in helpers.network_menu_urls(page)

    helpers.goto(page, site, f"{ENDORSEMENTS}?state={EndorsementState.PENDING}")
    helpers.check_screen(page, site)
    rejected, kept = site.pending_endorsements[:3], site.pending_endorsements[3]
    for endorsement in rejected:
        page.check(f'input.bulk-action-checkbox[data-object-id="{endorsement.pk}"]')
    helpers.submit(page.locator('a[data-bulk-action-button][href*="/reject/"]'))
    assert "/admin/bulk/wagtail_network/endorsement/reject/" in page.url, page.url
    helpers.check_screen(page, site, listing=False)
    helpers.submit(page.locator("main form button[type=submit]"))
    assert ENDORSEMENTS in page.url, page.url
    helpers.check_screen(page, site)

    states = dict(
        Endorsement.objects.filter(pk__in=[e.pk for e in site.pending_endorsements]).values_list(
            "pk", "state"
        )
    )
    assert {states[e.pk] for e in rejected} == {EndorsementState.REJECTED}
    assert states[kept.pk] == EndorsementState.PENDING

    # The audit trail: each rejection, once.
    menus = helpers.sidebar_urls(page)
    helpers.goto(page, site, f"{SITE_HISTORY}?action=wagtail_network.endorsement.reject")
    helpers.check_screen(page, site)
    rows = page.locator("main table tbody tr").all_inner_texts()
    for endorsement in rejected:
        with translation.override(site.language):
            label = str(endorsement)
        assert sum(label in row for row in rows) == 1, (label, rows)
    with translation.override(site.language):
        assert str(kept) not in " ".join(rows)
    # ... and the moderator reaches it from their own menu, not by typing its URL.
    assert any(url.startswith(SITE_HISTORY) for url in menus), (
        f"no Site history in the moderator's menus: {menus}"
    )
