"""What the Network menu's listings draw in their cells (issue 9).

Booleans and states are shown the way Wagtail's own listings show them: a tick
or cross (named for screen readers in the admin's language) or a status tag,
never the raw ``True``/``False`` of a field; and a button beside a row's title
is one of Wagtail's listing buttons, which size their icon (a plain button's
icon grows to the width of the cell: the 130 px ticks once seen in "Positions
to confirm"). The browser tests (tests/browser) measure the rows themselves;
these run in the main suite.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, connect
from wagtail_network.models import (
    Block,
    Endorsement,
    EndorsementState,
    Follow,
    Recommendation,
    RecommendationState,
    Report,
    ReportReason,
)

RAW_BOOLEANS = {"True", "False", "None"}


class Cell:
    def __init__(self) -> None:
        self.text: list[str] = []
        #: ``(tag, class)`` of the elements open around each icon in the cell.
        self.icon_parents: list[list[tuple[str, str]]] = []


class ListingCells(HTMLParser):
    """The text of every ``<td>`` of a page, and the elements wrapping each icon."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[Cell] = []
        self.stack: list[tuple[str, str]] = []
        self.cell: Cell | None = None
        self.cell_depth = 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "td":
            self.cell = Cell()
            self.cells.append(self.cell)
            self.cell_depth = len(self.stack)
        elif tag == "svg" and self.cell is not None and "icon" in classes.split():
            self.cell.icon_parents.append(list(self.stack[self.cell_depth + 1 :]))
        if tag not in {"use", "input", "img", "br"}:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        if tag not in {open_tag for open_tag, _ in self.stack}:
            return  # a void element's end tag (``</use>``)
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text.append(data)


def cells_of(html: str) -> list[Cell]:
    parser = ListingCells()
    parser.feed(html)
    return parser.cells


def cell_text(cell: Cell) -> str:
    return " ".join(" ".join(cell.text).split())


def network_menu_urls(html: str) -> list[str]:
    """The URL of every item of the Network menu in the admin's sidebar (its
    screens live under /admin/network/, its snippet listings under the app's
    snippet URLs)."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    assert props, "no sidebar on the admin home page"
    pattern = r'"url": "(/admin/(?:network|snippets/wagtail_network)/[^"?]*)"'
    return sorted(set(re.findall(pattern, props.group(1))))


class NetworkListingCellTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.carol = MemberPageFactory(parent=cls.member_index, title="Carol")
        connect(cls.alice, cls.bob)
        Endorsement.objects.create(
            endorser=cls.bob, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
        )
        Endorsement.objects.create(
            endorser=cls.alice,
            member=cls.bob,
            skill=cls.skill,
            state=EndorsementState.LIVE,
            is_hidden=True,
        )
        Recommendation.objects.create(
            author=cls.bob,
            member=cls.alice,
            relationship="same_team",
            text="Great colleague.",
            state=RecommendationState.PENDING_MODERATION,
        )
        Report.objects.create(reporter=cls.alice, target_member=cls.carol, reason=ReportReason.SPAM)
        Follow.objects.create(member=cls.alice, company=cls.acme)
        Block.objects.create(blocker=cls.carol, blocked=cls.bob)

    def listings(self, user) -> dict[str, list[Cell]]:
        self.login(user)
        home = self.client.get(reverse("wagtailadmin_home"))
        urls = network_menu_urls(home.content.decode())
        self.assertTrue(urls, "the Network menu is empty")
        pages = {}
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            pages[url] = cells_of(response.content.decode())
        return pages

    def assert_no_raw_booleans(self, user):
        listings = self.listings(user)
        # The listings with boolean columns must have drawn rows, or this proves nothing.
        for name in ("positions", "company-relationships", "endorsement"):
            self.assertTrue(
                any(name in url and cells for url, cells in listings.items()),
                f"no rows drawn in the {name} listing",
            )
        raw = [
            (url, cell_text(cell))
            for url, cells in listings.items()
            for cell in cells
            if cell_text(cell) in RAW_BOOLEANS
        ]
        self.assertEqual(raw, [], "cells reading a raw boolean")

    def test_no_network_listing_cell_reads_a_raw_boolean(self):
        self.assert_no_raw_booleans(self.superuser)

    def test_no_network_listing_cell_reads_a_raw_boolean_in_dutch(self):
        profile = UserProfile.get_for_user(self.superuser)
        profile.preferred_language = "nl"
        profile.save()
        self.assert_no_raw_booleans(self.superuser)
        positions = self.client.get(reverse("wagtail_network_positions:index")).content.decode()
        # The tick's screen-reader name is Dutch too.
        self.assertIn("Ja", {cell_text(cell) for cell in cells_of(positions)})

    def test_company_admin_listings_read_no_raw_boolean(self):
        self.assert_no_raw_booleans_for_scoped(self.company_admin)

    def assert_no_raw_booleans_for_scoped(self, user):
        raw = [
            (url, cell_text(cell))
            for url, cells in self.listings(user).items()
            for cell in cells
            if cell_text(cell) in RAW_BOOLEANS
        ]
        self.assertEqual(raw, [])

    def test_row_icons_are_inside_listing_buttons_or_menus(self):
        """An icon in a listing cell sits in a Wagtail button (``button`` class:
        sized), a dropdown, or is a cell's own tick; never in a bare link."""
        for user in (self.superuser, self.company_admin):
            for url, cells in self.listings(user).items():
                for cell in cells:
                    for parents in cell.icon_parents:
                        links = [classes for tag, classes in parents if tag in {"a", "button"}]
                        if not links:
                            continue  # a yes/no or status icon of the cell itself
                        self.assertTrue(
                            any("button" in c.split() or "w-dropdown" in c for c in links)
                            or any("w-dropdown" in c for _, c in parents),
                            f"{url}: an icon in a bare link or button ({parents}) in "
                            f"the cell {cell_text(cell)!r}",
                        )
