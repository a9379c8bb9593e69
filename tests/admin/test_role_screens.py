"""Every role's Network menu shows exactly what the role may do, and every admin link
on the screens it reaches leads somewhere the role may go.

PRODUCT.md, "Who uses it": an editor "creates and edits all company/member pages,
skills, industries" and, like moderators, "can edit or remove any" endorsement or
recommendation; a moderator "reviews endorsements, recommendations and reports;
bulk approve/reject; sees the audit trail"; a company admin "edits those companies'
profiles, confirms who works there, manages company relationships … and nothing
else". The tables below are those sentences, item by item.

The walk: for each role, the admin home (with the dashboard panel) and every
Network menu item the sidebar shows it, then every ``/admin/…`` link on those
pages, one level deep. None may answer 403, 404 or 500, or send the user back to
the admin home with Wagtail's "you do not have permission" message. The suite runs
it on Django's user model and on the e-mail login model (``TEST_USER_MODEL=email``).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, UserFactory, connect
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
from wagtail_network.services import roles

#: PRODUCT.md's roles, as the Network menu items each one is shown.
EDITOR_ITEMS = {
    "network-member-profiles",  # creates and edits all company/member pages
    "network-skills",
    "network-industries",
    "network-skill-suggestions",  # accepts or rejects the skills members suggest
    "network-endorsements",  # edits or removes any endorsement
    "network-recommendations",  # … or recommendation
    "network-reports",  # reads what was reported
    "network-connections",  # reads the network (exports, history)
    "network-follows",
    "network-blocks",
    "network-company-relationships",  # confirms relationships as an editor
    "network-positions",  # confirms positions at companies they edit
    "network-company-admins",  # appoints company admins
    "network-import",  # imports companies and members
    "network-audit-trail",  # every such action is in the audit log
}
MODERATOR_ITEMS = {
    "network-moderation",  # the moderation queue
    "network-endorsements",  # reviews, bulk approve/reject, edits, removes
    "network-recommendations",
    "network-reports",  # resolves and dismisses reports
    "network-connections",  # reads connections and blocks (context for a report)
    "network-blocks",
    "network-audit-trail",  # sees the audit trail
}
COMPANY_ADMIN_ITEMS = {
    "network-company-relationships",  # manages their companies' relationships
    "network-positions",  # confirms who works there
}
EXPECTED_MENUS = {
    # Every member's e-mail address is listed there: an operator's screen, in no role group.
    "superuser": EDITOR_ITEMS | MODERATOR_ITEMS | {"network-notification-emails"},
    "editor": EDITOR_ITEMS,
    "moderator": MODERATOR_ITEMS,
    "company_admin": COMPANY_ADMIN_ITEMS,
    # Explores from the directory, where other companies lie too.
    "two_company_admin": COMPANY_ADMIN_ITEMS,
    # Wagtail's own "Editors" group: add and edit rights on the whole tree, none
    # of the network's model permissions; no publish right, so no import (it
    # publishes what it writes).
    "site_editor": {
        "network-member-profiles",
        "network-positions",
        "network-company-admins",
    },
    # A member let into the admin (``access_admin`` only), and a user holding the
    # model-wide company permission, which never makes anyone a company admin.
    "admin_member": set(),
    "global_perm_user": set(),
}

#: Links not followed: signing out, endpoints that act on POST only, and the
#: user's own account page (in every page's header, open to every signed-in user).
SKIPPED_LINK = re.compile(
    r"^/admin/(logout/|account/|.*/(lock|unlock|workflow/action/[^/]+|workflow/cancel)/)"
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.bulk_hrefs: list[str] = []
        self.selectable_ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href")
        if tag == "a" and href:
            if "data-bulk-action-button" in attrs:
                self.bulk_hrefs.append(href)
            else:
                self.hrefs.append(href)
        if tag == "input" and "data-bulk-action-checkbox" in attrs:
            self.selectable_ids.append(attrs["data-object-id"])


def _normalised(href: str, extra: tuple[tuple[str, str], ...] = ()) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/"):
        return None
    # ``next`` only says where to come back to.
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "next"]
    return urlunsplit(("", "", parts.path, urlencode([*query, *extra]), ""))


def admin_links(html: str) -> set[str]:
    """The ``/admin/…`` links of a page, as a user follows them.

    A bulk action's button is followed as its script sends it: with the id of a
    row the user selected (the first one listed); without rows it is never shown.
    Fragments and ``next`` are dropped; sign-out and POST-only endpoints skipped.
    """
    parser = _Links()
    parser.feed(html)
    links = {_normalised(href) for href in parser.hrefs}
    if parser.selectable_ids:
        first = (("id", parser.selectable_ids[0]),)
        links |= {_normalised(href, first) for href in parser.bulk_hrefs}
    return {link for link in links if link and not SKIPPED_LINK.match(link)}


def shape(link: str) -> tuple[str, frozenset[str]]:
    """Links of one shape open the same view with the same rights: the same path up
    to ids, the same query keys. Sorting and paging a listing (``ordering``, ``p``)
    is the listing itself."""
    parts = urlsplit(link)
    keys = frozenset(k for k, _ in parse_qsl(parts.query)) - {"ordering", "p"}
    return re.sub(r"\d+", "N", parts.path), keys


def _resolve(node, seen: dict):
    """Undo telepath's packing of repeated values (``_val``/``_id``, ``_ref``)."""
    if isinstance(node, list):
        return [_resolve(item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "_ref" in node:
        return seen[node["_ref"]]
    if "_val" in node:
        value = _resolve(node["_val"], seen)
        seen[node["_id"]] = value
        return value
    return {key: _resolve(value, seen) for key, value in node.items()}


def network_menu(html: str) -> dict[str, str]:
    """The Network submenu of the rendered sidebar: item name → URL."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no sidebar on the page"
    props = _resolve(json.loads(match.group(1)), {})
    found: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            args = node.get("_args")
            if node.get("_type") == "wagtail.sidebar.SubMenuItem" and args[0]["name"] == "network":
                for item in args[1]:
                    found[item["_args"][0]["name"]] = item["_args"][0]["url"]
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return found


class RoleScreenData(AdminData):
    """One network with something on every screen, built once for the module."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        carol_user = UserFactory(username="carol")
        cls.carol = MemberPageFactory(parent=cls.member_index, title="Carol", user=carol_user)
        connect(cls.alice, cls.bob)
        cls.pending_endorsement = Endorsement.objects.create(
            endorser=cls.bob, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
        )
        Endorsement.objects.create(
            endorser=cls.alice, member=cls.bob, skill=cls.skill, state=EndorsementState.LIVE
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

        cls.two_company_admin = UserFactory(username="twocompanies")
        roles.grant_company_admin(cls.superuser, cls.two_company_admin, cls.acme)
        roles.grant_company_admin(cls.superuser, cls.two_company_admin, cls.initech)

        cls.site_editor = UserFactory(username="siteeditor")
        cls.site_editor.groups.add(Group.objects.get(name="Editors"))
        cls.admin_member = cls.alice_user
        cls.admin_member.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )

    def user(self, role: str):
        return getattr(self, role)


class RoleScreenTests(RoleScreenData):
    maxDiff = None

    def menu_of(self, role: str) -> dict[str, str]:
        self.client.force_login(self.user(role))
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        return network_menu(response.content.decode())

    def test_each_roles_network_menu_holds_exactly_what_the_role_may_do(self):
        for role, expected in EXPECTED_MENUS.items():
            with self.subTest(role=role):
                self.assertEqual(set(self.menu_of(role)), expected)

    def refusal(self, link: str, response) -> str:
        """Why the response is a dead end for the user ("" when it is not)."""
        if response.status_code in (403, 404, 405, 500):
            return str(response.status_code)
        if link.startswith("/admin/bulk/wagtail_network/") and response.status_code == 200:
            # A network bulk action's confirmation page listing only what the user
            # may not touch. (Wagtail's page bulk actions decide page by page.)
            if re.search(r"You don(&#x27;|')t have permission", response.content.decode()):
                return "a page saying the user has no permission"
        if response.status_code in (301, 302):
            location = response["Location"]
            said = " ".join(" ".join(str(m).split()) for m in get_messages(response.wsgi_request))
            if urlsplit(location).path == reverse("wagtailadmin_home") or "permission" in said:
                return f"redirect to {location} ({said})"
            if urlsplit(location).path.startswith(reverse("wagtailadmin_login")):
                return f"redirect to the login ({location})"
        return ""

    def walk(self, role: str) -> tuple[dict[str, str], int]:
        """Open the home and the role's Network items, then every admin link on
        them (one of each shape); the dead ends found, and how many links opened."""
        self.client.force_login(self.user(role))
        home = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(home.status_code, 200)
        html = home.content.decode()
        screens = {reverse("wagtailadmin_home"): html}
        for url in network_menu(html).values():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, (role, url))
            screens[url] = response.content.decode()
        dead = {}
        opened = {shape(url) for url in screens}
        for source, page in screens.items():
            for link in sorted(admin_links(page)):
                if shape(link) in opened:
                    continue
                opened.add(shape(link))
                why = self.refusal(link, self.client.get(link))
                if why:
                    dead[link] = f"{why}, linked from {source}"
        return dead, len(opened)

    def test_no_link_on_a_roles_screens_leads_to_a_refusal(self):
        for role in EXPECTED_MENUS:
            with self.subTest(role=role):
                dead, opened = self.walk(role)
                self.assertEqual(dead, {}, "\n".join(f"{k}: {v}" for k, v in dead.items()))
                if EXPECTED_MENUS[role]:
                    self.assertGreater(opened, len(EXPECTED_MENUS[role]))

    def test_moderators_find_their_decisions_in_the_audit_trail_from_the_menu(self):
        from wagtail_network import services

        services.moderate_endorsement(self.moderator, self.pending_endorsement, True)
        audit_trail = self.menu_of("moderator")["network-audit-trail"]
        self.assertEqual(audit_trail, reverse("wagtailadmin_reports:site_history"))
        response = self.client.get(audit_trail)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Endorsement approved")
        # Wagtail lists only entries on models the moderator holds a right on.
        self.assertNotContains(response, "Network editors")
