"""Every admin label of the plugin is in Dutch for a Dutch admin user.

PRODUCT.md asks for a complete Dutch translation; tests/test_translations.py checks
the catalogues, but a field without a translatable ``verbose_name`` or an English
``__str__`` never reaches a catalogue and passes there. These tests look at the
screens instead: every Network listing (with one object of each kind, so rows and
object names render), its filters, the add/edit/inspect/delete forms, the bulk
action confirmations and the company and member page editors are rendered once with
English and once with Dutch as the user's admin language (Wagtail's
``UserProfile.preferred_language``). Whatever visible label (headings, tabs, column
headers, cells, ``<label>``, ``<legend>``, options, definition lists, buttons) reads
the same in both is English left over — unless it is a name, a date or number, or a
word spelled the same in both languages (:data:`SAME_IN_DUTCH`).

Known English object names ("X endorses Y for Z", "recommends", "follows",
"(removed)", connections as "548 → 549") must not appear in the Dutch screens at
all.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from tests.admin.data import AdminData
from tests.factories import IndustryFactory, MemberPageFactory, connect
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionState,
    Education,
    Endorsement,
    EndorsementState,
    Follow,
    MemberLink,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Report,
    ReportReason,
)

#: Words spelled the same in English and Dutch (checked case-insensitively), which a
#: Dutch label may therefore share with the English one.
SAME_IN_DUTCH = {
    "contact",
    "details",
    "e-mail",
    "filters",
    "id",
    "label",
    "link",
    "links",
    "live",
    "logo",
    "open",
    "partner",
    "slug",
    "spam",
    "status",
    "type",
    "url",
    "website",
}

#: Strings Wagtail itself renders in English because its own Dutch catalogue has no
#: translation for them: not the plugin's to translate. Empty with Wagtail 8.0.1:
#: every Wagtail string on these screens has Dutch. Keep it short and say where each
#: entry comes from.
WAGTAIL_WITHOUT_DUTCH: set[str] = set()

#: Words of Wagtail's own screens that its Dutch catalogue translates as the same
#: word (wagtail/admin/locale/nl: "Checks", the content checks panel of the page
#: editor; "Site", the sites column and breadcrumbs).
WAGTAIL_SAME_IN_DUTCH = {"checks", "site"}

#: English object names that must never show in a Dutch screen.
ENGLISH_FRAGMENTS = [
    re.compile(r" endorses "),
    re.compile(r" recommends "),
    re.compile(r" follows "),
    re.compile(r" blocked "),
    re.compile(r"\(removed\)"),
    re.compile(r"\d+\s*→\s*\d+"),
    re.compile(r" @ "),
]

#: The elements whose text is a label, a heading or a cell a user reads.
LABEL_TAGS = {
    "h1",
    "h2",
    "h3",
    "th",
    "td",
    "label",
    "legend",
    "option",
    "dt",
    "dd",
    "button",
    "caption",
}


class LabelParser(HTMLParser):
    """The normalised text of every label element (and every tab) on a page,
    outside scripts, templates, code and the sidebar's JSON. Panels a user opens
    (tabs, side panels, dropdowns) are read too."""

    # Code is literal (CSV column names, identifiers): the same in every language.
    SKIP = {"script", "style", "template", "svg", "code"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[str] = []
        #: Each label's element, for readable failures.
        self.tags: dict[str, str] = {}
        #: Open elements: (tag, its text parts if it is a label, skipped).
        self.stack: list[tuple[str, list[str] | None, bool]] = []
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag in self.VOID:
            return
        # Wagtail's side-panel counters read "None" until its scripts fill them in.
        hidden = tag in self.SKIP or "data-side-panel-toggle-counter" in attributes
        is_label = tag in LABEL_TAGS or (tag == "a" and attributes.get("role") == "tab")
        self.stack.append((tag, [] if is_label else None, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                closed = self.stack[index:]
                del self.stack[index:]
                for _tag, parts, _hidden in reversed(closed):
                    text = " ".join(" ".join(parts or []).split())
                    if text:
                        self.labels.append(text)
                        self.tags.setdefault(text, _tag)
                return

    def handle_data(self, data):
        if any(hidden for _tag, _parts, hidden in self.stack):
            return
        for _tag, parts, _hidden in self.stack:
            if parts is not None:
                parts.append(data)


def labels_of(html: str) -> LabelParser:
    parser = LabelParser()
    parser.feed(html)
    parser.close()
    return parser


DATE_OR_NUMBER = re.compile(r"\b\d{1,4}([-./:]\d{1,4})*\b|\b(a\.m\.|p\.m\.|am|pm)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class EveryAdminLabelIsInDutch(AdminData):
    """Renders the plugin's admin screens in English and in Dutch and compares."""

    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.industry = IndustryFactory(name="Fintech")
        cls.acme.industry = cls.industry
        cls.acme.save()
        for member in (cls.alice, cls.bob):
            member.skills.add(cls.skill)
            member.save()
        cls.connection = connect(cls.alice, cls.bob)
        carol = MemberPageFactory(parent=cls.member_index, title="Carol")
        low, high = sorted([cls.alice, carol], key=lambda page: page.pk)
        # An ended connection once read "548 → 549 (removed)" in every language.
        cls.removed = Connection.objects.create(
            member_low=low,
            member_high=high,
            requester=carol,
            recipient=cls.alice,
            state=ConnectionState.REMOVED,
        )
        cls.follow = Follow.objects.create(member=cls.alice, company=cls.acme)
        cls.block = Block.objects.create(blocker=cls.bob, blocked=cls.alice)
        cls.endorsement = Endorsement.objects.create(
            endorser=cls.bob, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
        )
        cls.live_endorsement = Endorsement.objects.create(
            endorser=cls.alice, member=cls.bob, skill=cls.skill, state=EndorsementState.LIVE
        )
        cls.recommendation = Recommendation.objects.create(
            author=cls.bob,
            member=cls.alice,
            relationship=RecommendationRelationship.SAME_TEAM,
            text="Alice ships.",
            state=RecommendationState.PENDING_MODERATION,
        )
        cls.reports = [
            Report.objects.create(
                reporter=cls.alice, target_member=cls.bob, reason=ReportReason.SPAM
            ),
            Report.objects.create(
                reporter=cls.alice, target_company=cls.globex, reason=ReportReason.FAKE
            ),
            Report.objects.create(
                reporter=cls.bob, target_endorsement=cls.live_endorsement, reason=ReportReason.OTHER
            ),
            Report.objects.create(
                reporter=cls.bob,
                target_recommendation=cls.recommendation,
                reason=ReportReason.INAPPROPRIATE,
            ),
        ]
        Education.objects.create(member=cls.alice, school="TU Delft", degree="MSc", sort_order=0)
        MemberLink.objects.create(
            member=cls.alice, label="Blog", url="https://example.com", sort_order=0
        )
        alice = cls.alice
        alice.save_revision().publish()
        cls.acme.save_revision().publish()

        # Names, usernames and other values the test itself wrote: the same in
        # every language.
        cls.data_values = {
            *Page.objects.values_list("title", flat=True),
            *Site.objects.values_list("site_name", flat=True),
            *Site.objects.values_list("hostname", flat=True),
            *(
                value
                for user in get_user_model().objects.all()
                for value in (user.get_username(), user.email, user.get_full_name())
                if value
            ),
            "Python",
            "python",
            "Fintech",
            "fintech",
            "CTO",
            "CEO",
            "TU Delft",
            "MSc",
            "Blog",
            "https://example.com",
            "Alice ships.",
            settings.WAGTAIL_SITE_NAME,
        } - {"", None}
        # Whole values only: a username "editor" must not hide the English "editor".
        cls.data_pattern = re.compile(
            "|".join(
                rf"(?<!\w){re.escape(value)}(?!\w)"
                for value in sorted(cls.data_values, key=len, reverse=True)
            )
        )

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def render(self, user, url: str, language: str) -> str:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, f"{url} as {user} in {language}")
        return response.content.decode()

    def english_left_in_dutch(self, user, urls: list[str]) -> dict[str, list[str]]:
        """Per URL: the labels that read the same in English and Dutch and are not
        names, dates or words spelled alike, and English object names in Dutch."""
        found: dict[str, list[str]] = {}
        for url in urls:
            english = labels_of(self.render(user, url, "en"))
            dutch = labels_of(self.render(user, url, "nl"))
            self.assertEqual((english.lang, dutch.lang), ("en", "nl"), url)
            problems = sorted(
                f"<{dutch.tags[label]}> {label}"
                for label in set(english.labels) & set(dutch.labels)
                if not self.same_in_both(label)
            )
            problems += [
                f"English object name: <{dutch.tags[label]}> {label}"
                for label in dutch.labels
                if any(fragment.search(label) for fragment in ENGLISH_FRAGMENTS)
            ]
            if problems:
                found[url] = problems
        return found

    def same_in_both(self, label: str) -> bool:
        """A label that may read the same in English and Dutch: made only of data
        the test wrote, dates and numbers, punctuation and :data:`SAME_IN_DUTCH`."""
        if label in WAGTAIL_WITHOUT_DUTCH:
            return True
        rest = self.data_pattern.sub(" ", label)
        rest = DATE_OR_NUMBER.sub(" ", rest)
        return all(
            word.lower() in SAME_IN_DUTCH | WAGTAIL_SAME_IN_DUTCH for word in WORD.findall(rest)
        )

    def assertAllDutch(self, user, urls):
        self.assertEqual(self.english_left_in_dutch(user, urls), {})

    # ------------------------------------------------------------------
    # URLs
    # ------------------------------------------------------------------

    @staticmethod
    def snippet(model: str, view: str, *args) -> str:
        return reverse(f"wagtailsnippets_wagtail_network_{model}:{view}", args=args)

    @staticmethod
    def bulk(model: str, action: str, *ids) -> str:
        url = reverse("wagtail_bulk_action", args=["wagtail_network", model, action])
        return url + "?" + "&".join(f"id={pk}" for pk in ids)

    def listing_urls(self) -> list[str]:
        """Every listing of the Network menu, unfiltered and with its filters set
        (a filtered listing shows the active filters as labelled chips)."""
        return [
            reverse("wagtail_network_moderation:index"),
            reverse("wagtail_network_member_profiles:index"),
            reverse("wagtail_network_member_profiles:index") + "?name_needs_review=false",
            self.snippet("skill", "list"),
            self.snippet("industry", "list"),
            self.snippet("connection", "list"),
            self.snippet("connection", "list") + "?state=accepted",
            self.snippet("endorsement", "list"),
            self.snippet("endorsement", "list") + "?state=pending&is_hidden=false",
            self.snippet("recommendation", "list"),
            self.snippet("recommendation", "list") + "?relationship=same_team",
            self.snippet("report", "list"),
            self.snippet("report", "list") + "?state=open&reason=spam",
            self.snippet("follow", "list"),
            self.snippet("block", "list"),
            reverse("wagtail_network_company_relationships:index"),
            reverse("wagtail_network_company_relationships:index") + "?kind=partner",
            reverse("wagtail_network_positions:index"),
            reverse("wagtail_network_positions:index") + "?is_current=false",
            reverse("wagtail_network_company_admins:index"),
            reverse("wagtail_network_company_admins:company", args=[self.acme.pk]),
            reverse("wagtail_network_import:index"),
            reverse("network_profiles:index") + "?q=Alice",
        ]

    def form_urls(self) -> list[str]:
        """Add, edit, inspect and delete forms, and the bulk action confirmations."""
        relationships = "wagtail_network_company_relationships"
        objects = {
            "connection": self.removed,
            "endorsement": self.endorsement,
            "recommendation": self.recommendation,
            "report": self.reports[2],
            "follow": self.follow,
            "block": self.block,
        }
        urls = [self.snippet("skill", "add"), self.snippet("skill", "edit", self.skill.pk)]
        urls += [self.snippet("industry", "edit", self.industry.pk)]
        for model, obj in objects.items():
            urls.append(self.snippet(model, "inspect", obj.pk))
            urls.append(self.snippet(model, "delete", obj.pk))
        urls += [self.snippet("report", "inspect", report.pk) for report in self.reports]
        urls += [
            self.snippet("endorsement", "edit", self.endorsement.pk),
            self.snippet("recommendation", "edit", self.recommendation.pk),
            reverse(f"{relationships}:add"),
            reverse(f"{relationships}:edit", args=[self.acme_partner.pk]),
            reverse(f"{relationships}:inspect", args=[self.acme_partner.pk]),
            reverse(f"{relationships}:delete", args=[self.acme_partner.pk]),
            reverse(f"{relationships}:propose"),
            reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk]),
            self.bulk("endorsement", "approve", self.endorsement.pk),
            self.bulk("endorsement", "reject", self.endorsement.pk),
            self.bulk("recommendation", "approve", self.recommendation.pk),
            self.bulk("report", "resolve", *(r.pk for r in self.reports)),
            self.bulk("report", "dismiss", self.reports[0].pk),
            self.bulk("skill", "merge", self.skill.pk),
            reverse("wagtail_network_privacy_erase", args=[self.bob.pk]),
        ]
        return urls

    def page_urls(self) -> list[str]:
        """The plugin's page types in Wagtail's page editor (every tab, the inline
        panels for positions, education and links) and their add forms."""
        return [
            reverse("wagtailadmin_pages:edit", args=[self.acme.pk]),
            reverse("wagtailadmin_pages:edit", args=[self.alice.pk]),
            reverse("wagtailadmin_pages:edit", args=[self.company_index.pk]),
            reverse("wagtailadmin_pages:edit", args=[self.member_index.pk]),
            reverse(
                "wagtailadmin_pages:add",
                args=["wagtail_network", "memberpage", self.member_index.pk],
            ),
            reverse(
                "wagtailadmin_pages:add",
                args=["wagtail_network", "companypage", self.company_index.pk],
            ),
            reverse("wagtailadmin_explore", args=[self.member_index.pk]),
            reverse("wagtailadmin_explore", args=[self.company_index.pk]),
        ]

    # ------------------------------------------------------------------
    # The rule, per role
    # ------------------------------------------------------------------

    def test_every_network_listing_and_filter_is_in_dutch_for_a_superuser(self):
        self.assertAllDutch(self.superuser, self.listing_urls())

    def test_every_network_form_and_confirmation_is_in_dutch_for_a_superuser(self):
        self.assertAllDutch(self.superuser, self.form_urls())

    def test_company_and_member_page_editors_are_in_dutch(self):
        self.assertAllDutch(self.superuser, self.page_urls())

    def test_the_dashboard_is_in_dutch(self):
        self.assertAllDutch(self.superuser, [reverse("wagtailadmin_home")])

    def test_a_company_admins_screens_are_in_dutch(self):
        relationships = "wagtail_network_company_relationships"
        self.assertAllDutch(
            self.company_admin,
            [
                reverse("wagtailadmin_home"),
                reverse(f"{relationships}:index"),
                reverse(f"{relationships}:propose"),
                reverse("wagtail_network_positions:index"),
                reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk]),
                reverse("wagtailadmin_pages:edit", args=[self.acme.pk]),
            ],
        )

    def test_a_moderators_screens_are_in_dutch(self):
        self.assertAllDutch(
            self.moderator,
            [
                reverse("wagtailadmin_home"),
                reverse("wagtail_network_moderation:index"),
                self.snippet("endorsement", "list"),
                self.snippet("recommendation", "list"),
                self.snippet("report", "list"),
                self.snippet("report", "inspect", self.reports[3].pk),
                self.bulk("endorsement", "approve", self.endorsement.pk),
                self.bulk("recommendation", "reject", self.recommendation.pk),
                self.bulk("report", "resolve", self.reports[0].pk),
            ],
        )

    def test_the_check_finds_english_labels(self):
        """The check itself: an English label, or an English object name, is found."""
        self.assertFalse(self.same_in_both("Confirmed by from"))
        self.assertFalse(self.same_in_both("From company"))
        self.assertTrue(self.same_in_both("Alice ↔ Bob"))
        self.assertTrue(self.same_in_both("Acme Widgets – Partner – Globex Widgets"))
        self.assertTrue(self.same_in_both("Status"))
        self.assertTrue(self.same_in_both("12-01-2026 17:30"))
        dutch = ["Bob endorses Alice for Python", "548 → 549 (removed)"]
        self.assertEqual(
            [label for label in dutch if any(f.search(label) for f in ENGLISH_FRAGMENTS)], dutch
        )
