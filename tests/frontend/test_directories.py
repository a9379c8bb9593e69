"""The member and company directories: search, filters, ordering and pagination act
only on what the viewer may see (PRODUCT.md, "Visibility and per-object permissions")."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import override_settings
from django.urls import reverse

from tests.factories import SkillFactory
from tests.frontend.scenario import NetworkScenario
from wagtail_network.filters import filter_companies, filter_members
from wagtail_network.models import MemberPage


class MemberDirectoryVisibilityTests(NetworkScenario):
    def test_member_directory_answers_200_for_every_role(self):
        for user in (None, self.u_frank, self.u_alice, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(self.get(self.directory, user).status_code, 200)

    def test_visitor_lists_only_public_live_profiles(self):
        self.assertEqual(
            self.listed(self.get(self.directory)),
            ["Alice Tester", "Bob Tester", "Eve Tester", "Frank Tester"],
        )

    def test_member_also_lists_members_only_profiles(self):
        self.assertIn("Dave Tester", self.listed(self.get(self.directory, self.u_frank)))

    def test_connections_only_profile_listed_for_connections_alone(self):
        self.assertNotIn("Carol Tester", self.listed(self.get(self.directory, self.u_frank)))
        self.assertIn("Carol Tester", self.listed(self.get(self.directory, self.u_alice)))

    def test_blocked_member_does_not_list_the_blocker_nor_the_blocker_them(self):
        self.assertNotIn("Eve Tester", self.listed(self.get(self.directory, self.u_alice)))
        self.assertNotIn("Alice Tester", self.listed(self.get(self.directory, self.u_eve)))

    def test_unpublished_profile_never_listed(self):
        for user in (None, self.u_drafty, self.u_editor):
            with self.subTest(user=user):
                self.assertNotIn("Drafty Tester", self.listed(self.get(self.directory, user)))

    def test_editor_lists_every_live_profile(self):
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_editor)),
            [
                "Alice Tester",
                "Bob Tester",
                "Carol Tester",
                "Dave Tester",
                "Eve Tester",
                "Frank Tester",
            ],
        )

    def test_directory_cards_show_degree_for_signed_in_viewer(self):
        degrees = {
            m.title: m.degree for m in self.get(self.directory, self.u_carol).context["members"]
        }
        self.assertEqual(degrees["Alice Tester"], 1)
        self.assertEqual(degrees["Bob Tester"], 2)
        self.assertIsNone(degrees["Frank Tester"])
        self.assertIsNone(degrees["Carol Tester"])  # the viewer
        anonymous = self.get(self.directory).context["members"]
        self.assertTrue(all(m.degree is None for m in anonymous))

    def test_total_count_counts_only_visible_members(self):
        response = self.get(self.directory)
        self.assertEqual(response.context["listing"].total, 4)
        self.assertContains(response, "4 members")


class MemberSearchTests(NetworkScenario):
    def test_search_finds_member_by_name(self):
        self.assertEqual(self.listed(self.get(self.directory, q="alice")), ["Alice Tester"])

    def test_search_finds_member_by_partial_name(self):
        self.assertEqual(self.listed(self.get(self.directory, q="Ali")), ["Alice Tester"])

    def test_search_finds_member_by_skill(self):
        self.assertEqual(self.listed(self.get(self.directory, q="Python")), ["Alice Tester"])

    def test_search_finds_skill_added_and_published_by_editor(self):
        rust = SkillFactory(name="Rust")
        page = MemberPage.objects.get(pk=self.frank.pk)
        page.skills.add(rust)
        page.save_revision().publish()
        self.assertEqual(self.listed(self.get(self.directory, q="Rust")), ["Frank Tester"])

    def test_search_finds_member_by_headline(self):
        self.assertEqual(self.listed(self.get(self.directory, q="Analyst")), ["Bob Tester"])

    def test_search_never_matches_hidden_email(self):
        # alice's e-mail is visible to members, never indexed: no viewer finds her by it.
        for user in (None, self.u_frank):
            with self.subTest(user=user):
                response = self.get(self.directory, user, q="alice-secret@mail.example.com")
                self.assertEqual(self.listed(response), [])
                self.assertEqual(self.listed(self.get(self.directory, user, q="alice-secret")), [])

    def test_search_never_matches_hidden_phone(self):
        self.assertEqual(self.listed(self.get(self.directory, q="5000")), [])

    def test_search_never_matches_company_of_hidden_position(self):
        # bob's only position (at Globex) is "only me".
        self.assertEqual(self.listed(self.get(self.directory, self.u_frank, q="Globex")), [])
        self.assertEqual(self.listed(self.get(self.directory, q="Secret analyst")), [])

    def test_search_never_returns_profile_hidden_from_viewer(self):
        self.assertEqual(self.listed(self.get(self.directory, q="Carol")), [])
        self.assertEqual(self.listed(self.get(self.directory, self.u_frank, q="Carol")), [])
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_alice, q="Carol")), ["Carol Tester"]
        )

    def test_search_never_returns_blocker_to_blocked_member(self):
        self.assertEqual(self.listed(self.get(self.directory, self.u_alice, q="Eve")), [])
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_frank, q="Eve")), ["Eve Tester"]
        )

    def test_search_with_no_match_shows_empty_state(self):
        response = self.get(self.directory, q="zzzzqqq")
        self.assertEqual(self.listed(response), [])
        self.assertContains(response, "No members match your search")

    def test_overlong_or_odd_search_input_does_not_error(self):
        for q in ("x" * 5000, '"unbalanced', "AND OR NOT", "*", "%_", "名前"):
            with self.subTest(q=q[:20]):
                self.assertEqual(self.get(self.directory, q=q).status_code, 200)

    def test_search_keeps_filters(self):
        response = self.get(self.directory, q="Tester", location="Rotterdam")
        self.assertEqual(self.listed(response), ["Bob Tester"])


class MemberFilterTests(NetworkScenario):
    def test_filter_by_industry(self):
        self.assertEqual(
            self.listed(self.get(self.directory, industry="software")), ["Alice Tester"]
        )

    def test_filter_by_skill(self):
        self.assertEqual(self.listed(self.get(self.directory, skill="cobol")), ["Bob Tester"])

    def test_filter_by_city(self):
        self.assertEqual(
            self.listed(self.get(self.directory, location="rotterdam")), ["Bob Tester"]
        )

    def test_filter_by_country(self):
        self.assertEqual(
            self.listed(self.get(self.directory, location="Netherlands")),
            ["Alice Tester", "Bob Tester", "Eve Tester", "Frank Tester"],
        )

    def test_filter_by_open_to(self):
        self.assertEqual(
            self.listed(self.get(self.directory, open_to="mentoring")), ["Alice Tester"]
        )

    def test_unknown_open_to_value_is_ignored(self):
        self.assertEqual(len(self.listed(self.get(self.directory, open_to="anything"))), 4)

    def test_filter_by_company_uses_visible_positions(self):
        self.assertEqual(self.listed(self.get(self.directory, company="acme")), ["Alice Tester"])
        # carol works at Acme too, but only her connections see her profile.
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_alice, company="acme")),
            ["Alice Tester", "Carol Tester"],
        )

    def test_filter_by_company_never_matches_hidden_position(self):
        for user in (None, self.u_frank, self.u_alice):
            with self.subTest(user=user):
                self.assertEqual(self.listed(self.get(self.directory, user, company="globex")), [])

    def test_filter_by_company_matches_own_and_editor_view_of_hidden_position(self):
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_bob, company="globex")), ["Bob Tester"]
        )
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_editor, company="globex")), ["Bob Tester"]
        )

    def test_filter_by_unpublished_company_matches_nobody(self):
        self.assertEqual(
            self.listed(self.get(self.directory, self.u_editor, company="initech")), []
        )

    def test_company_filter_offers_only_visible_companies(self):
        companies = [c["title"] for c in self.get(self.directory).context["companies"]]
        self.assertEqual(companies, ["Acme", "Globex", "Umbrella"])

    def test_unknown_filter_values_match_nothing_without_error(self):
        for params in ({"industry": "nope"}, {"skill": "nope"}, {"company": "nope"}):
            with self.subTest(params=params):
                self.assertEqual(self.listed(self.get(self.directory, **params)), [])


class MemberOrderingAndPaginationTests(NetworkScenario):
    def test_default_order_is_by_name(self):
        names = self.listed(self.get(self.directory))
        self.assertEqual(names, sorted(names))

    def test_newest_order_puts_latest_published_first(self):
        self.assertEqual(
            self.listed(self.get(self.directory, order="newest")),
            ["Frank Tester", "Eve Tester", "Bob Tester", "Alice Tester"],
        )

    def test_unknown_order_falls_back_to_name(self):
        response = self.get(self.directory, order="email")
        self.assertEqual(response.context["listing"].ordering, "name")

    def test_relevance_order_only_offered_when_searching(self):
        self.assertNotIn("relevance", dict(self.get(self.directory).context["orderings"]))
        self.assertEqual(
            self.get(self.directory, q="Tester").context["listing"].ordering, "relevance"
        )

    @override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 3})
    def test_pagination_uses_directory_page_size(self):
        first = self.get(self.directory)
        self.assertEqual(self.listed(first), ["Alice Tester", "Bob Tester", "Eve Tester"])
        self.assertContains(first, 'rel="next"')
        second = self.get(self.directory, page=2)
        self.assertEqual(self.listed(second), ["Frank Tester"])
        self.assertContains(second, 'aria-current="page"')

    @override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 3})
    def test_pagination_links_keep_search_and_filters(self):
        response = self.get(self.directory, location="Netherlands", q="Tester")
        self.assertContains(response, "page=2")
        self.assertContains(response, "location=Netherlands")

    @override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 3})
    def test_bad_page_numbers_do_not_error(self):
        for page in ("abc", "0", "-1", "9999", "1.5", ""):
            with self.subTest(page=page):
                self.assertEqual(self.get(self.directory, page=page).status_code, 200)
        self.assertEqual(self.listed(self.get(self.directory, page="9999")), ["Frank Tester"])

    @override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 1})
    def test_relevance_order_paginates_visible_matches_only(self):
        seen = []
        for number in (1, 2, 3, 4):
            response = self.get(self.directory, q="Tester", page=number)
            seen += self.listed(response)
            self.assertEqual(response.context["listing"].total, 4)
        self.assertEqual(sorted(seen), ["Alice Tester", "Bob Tester", "Eve Tester", "Frank Tester"])


class CompanyDirectoryTests(NetworkScenario):
    def listed_companies(self, response):
        return self.listed(response, "companies")

    def test_company_directory_lists_live_companies_only(self):
        for user in (None, self.u_frank, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(
                    self.listed_companies(self.get(self.company_index, user)),
                    ["Acme", "Globex", "Umbrella"],
                )

    def test_company_search_by_name_and_city(self):
        self.assertEqual(self.listed_companies(self.get(self.company_index, q="Acme")), ["Acme"])
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, q="Rotterdam")), ["Globex"]
        )

    def test_company_search_never_finds_unpublished_company(self):
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, self.u_editor, q="Initech")), []
        )

    def test_company_filters_industry_location_size(self):
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, industry="finance")), ["Globex"]
        )
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, location="united kingdom")),
            ["Umbrella"],
        )
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, size="11-50")), ["Acme"]
        )

    def test_unknown_company_size_is_ignored(self):
        self.assertEqual(len(self.listed_companies(self.get(self.company_index, size="huge"))), 3)

    def test_company_card_counts_only_visible_employees(self):
        # Acme: alice (public) and carol (connections only).
        rows = {c.title: c for c in self.get(self.company_index).context["companies"]}
        self.assertEqual(rows["Acme"].employee_count, 1)
        self.assertEqual(rows["Globex"].employee_count, 0)  # bob's position is "only me"
        rows = {c.title: c for c in self.get(self.company_index, self.u_alice).context["companies"]}
        self.assertEqual(rows["Acme"].employee_count, 2)
        self.assertEqual(rows["Acme"].follower_count, 2)

    def test_company_newest_order(self):
        self.assertEqual(
            self.listed_companies(self.get(self.company_index, order="newest")),
            ["Umbrella", "Globex", "Acme"],
        )

    @override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 2})
    def test_company_pagination(self):
        self.assertEqual(self.listed_companies(self.get(self.company_index, page=2)), ["Umbrella"])
        self.assertEqual(self.get(self.company_index, page="x").status_code, 200)


class DirectoriesUseTheFiltersModuleTests(NetworkScenario):
    """The pages list exactly what wagtail_network.filters answers for the same words
    (the GraphQL fields call the same functions)."""

    MEMBER_CRITERIA = (
        {},
        {"q": "Tester"},
        {"q": "Ali"},
        {"location": "nether", "order": "newest"},
        {"company": "acme"},
        {"skill": "python", "open_to": "mentoring"},
        {"q": "Tester", "order": "name"},
    )

    def test_member_directory_lists_what_filter_members_answers(self):
        for user in (None, self.u_frank, self.u_alice, self.u_editor):
            for params in self.MEMBER_CRITERIA:
                with self.subTest(user=user, params=params):
                    criteria = dict(params)
                    if criteria.get("order") == "newest":
                        criteria["order"] = "-joined"
                    expected = filter_members(user, criteria, within=self.directory)
                    self.assertEqual(
                        self.listed(self.get(self.directory, user, **params)),
                        [member.title for member in expected],
                    )

    def test_company_directory_lists_what_filter_companies_answers(self):
        for params in ({}, {"q": "Acme"}, {"location": "NETHER"}, {"size": "11-50"}):
            with self.subTest(params=params):
                expected = filter_companies(None, params, within=self.company_index)
                self.assertEqual(
                    self.listed(self.get(self.company_index, **params), "companies"),
                    [company.title for company in expected],
                )

    def test_page_offers_its_own_order_names_only(self):
        # "-name" is a filters key the page does not offer: the default applies.
        response = self.get(self.directory, order="-name")
        self.assertEqual(response.context["listing"].ordering, "name")
        self.assertEqual(self.listed(response), sorted(self.listed(response)))
        newest = self.get(self.directory, order="newest")
        self.assertEqual(newest.context["listing"].ordering, "newest")

    def test_form_echoes_only_valid_values(self):
        response = self.get(self.directory, q="  Tester ", open_to="anything", location=" Delft ")
        self.assertEqual(response.context["query"], "Tester")
        self.assertEqual(response.context["filters"]["open_to"], "")
        self.assertEqual(response.context["filters"]["location"], "Delft")
        self.assertEqual(self.listed(response), ["Frank Tester"])


class DirectoryAccessibilityTests(NetworkScenario):
    """Landmarks, labels and headings that screen-reader and keyboard users rely on."""

    def parse(self, response) -> _Collector:
        collector = _Collector()
        collector.feed(response.content.decode())
        return collector

    def test_every_form_control_has_a_label(self):
        for page in (self.directory, self.company_index):
            with self.subTest(page=page.title):
                html = self.parse(self.get(page, self.u_alice))
                unlabelled = [
                    control
                    for control in html.controls
                    if control.get("type") not in ("hidden", "submit")
                    and control.get("id") not in html.label_targets
                    and not control.get("aria-label")
                ]
                self.assertEqual(unlabelled, [])

    def test_headings_descend_one_level_at_a_time(self):
        for page in (self.directory, self.company_index, self.alice, self.acme):
            with self.subTest(page=page.title):
                levels = self.parse(self.get(page, self.u_frank)).headings
                self.assertEqual(levels[0], 1)
                self.assertEqual(levels.count(1), 1)
                for before, after in zip(levels, levels[1:], strict=False):
                    self.assertLessEqual(after, before + 1)

    def test_search_form_is_a_labelled_search_landmark(self):
        html = self.parse(self.get(self.directory))
        self.assertIn(("search", "Search members"), html.landmarks)

    def test_photos_have_alt_text(self):
        html = self.parse(self.get(self.directory))
        self.assertTrue(all("alt" in image for image in html.images))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()
        self.headings: list[int] = []
        self.landmarks: list[tuple[str, str]] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.controls.append(attributes)
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(attributes)
        if attributes.get("role"):
            self.landmarks.append((attributes["role"], attributes.get("aria-label", "")))


class DirectoryPageAndGraphQLAgreeTests(NetworkScenario):
    """The same search words, filters and ordering give the same members in the same
    order on the directory page and over GraphQL, for visitors and signed-in members."""

    QUERY = """
      query ($search: String, $filters: MemberFilter, $ordering: MemberOrdering) {
        members(search: $search, filters: $filters, ordering: $ordering, first: 100) {
          totalCount
          edges { node { name } }
        }
      }
    """
    #: (page query string, the same as GraphQL variables)
    CASES = (
        ({}, {}),
        ({"q": "Tester"}, {"search": "Tester"}),
        ({"q": "Ali"}, {"search": "Ali"}),
        ({"q": '"Tester" AND (Ali'}, {"search": '"Tester" AND (Ali'}),
        ({"location": "nether"}, {"filters": {"location": "nether"}}),
        (
            {"location": "NETHER", "order": "newest"},
            {
                "filters": {"location": "NETHER"},
                "ordering": {"field": "JOINED", "direction": "DESC"},
            },
        ),
        ({"company": "acme"}, {"filters": {"company": "acme"}}),
        (
            {"skill": "python", "open_to": "mentoring"},
            {"filters": {"skill": "python", "openTo": ["MENTORING"]}},
        ),
        ({"q": "Tester", "order": "name"}, {"search": "Tester", "ordering": {"field": "NAME"}}),
    )

    def graphql_names(self, variables):
        response = self.client.post(
            reverse("graphql_schema:graphql"),
            {"query": self.QUERY, "variables": variables},
            content_type="application/json",
        )
        body = response.json()
        self.assertNotIn("errors", body)
        members = body["data"]["members"]
        names = [edge["node"]["name"] for edge in members["edges"]]
        self.assertEqual(members["totalCount"], len(names))
        return names

    def test_directory_page_and_graphql_list_the_same_members_in_the_same_order(self):
        for user in (None, self.u_frank, self.u_alice, self.u_editor):
            for params, variables in self.CASES:
                with self.subTest(user=user, params=params):
                    page = self.listed(self.get(self.directory, user, **params))
                    self.assertEqual(self.graphql_names(variables), page)
