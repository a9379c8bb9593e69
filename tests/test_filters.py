"""wagtail_network.filters: the one implementation of search, filters and ordering of
members and companies (docs/concepts/search.md). One test per rule; the directory
pages' own tests (tests/frontend/test_directories.py) check that the pages use it."""

from __future__ import annotations

import datetime
from unittest import mock

from django.db import connection
from django.http import QueryDict
from django.test import TestCase
from django.utils import timezone

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    IndustryFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    site_root,
)
from tests.frontend.scenario import NetworkScenario
from wagtail_network import filters
from wagtail_network.filters import (
    CandidateRank,
    CompanyFilterSet,
    MemberFilterSet,
    filter_companies,
    filter_members,
    search_ids,
)
from wagtail_network.models import CompanyPage, MemberPage, OpenTo


def titles(queryset) -> list[str]:
    return list(queryset.values_list("title", flat=True))


class FilterNetwork(TestCase):
    """Two member directories and two company directories with public profiles."""

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.dir_a = MemberIndexPageFactory(parent=root, title="Members A", slug="members-a")
        cls.dir_b = MemberIndexPageFactory(parent=root, title="Members B", slug="members-b")
        cls.companies_x = CompanyIndexPageFactory(parent=root, title="Firms X", slug="firms-x")
        cls.companies_y = CompanyIndexPageFactory(parent=root, title="Firms Y", slug="firms-y")
        cls.media = IndustryFactory(name="Media")
        cls.go = SkillFactory(name="Go")

        cls.hooli = CompanyPageFactory(
            parent=cls.companies_x,
            title="Hooli",
            city="Den Haag",
            country="Netherlands",
            size_range="51-200",
            founded_year=2001,
            industry=cls.media,
        )
        cls.hooli.specialities.add("Search Engines")
        cls.hooli.save()
        cls.piper = CompanyPageFactory(
            parent=cls.companies_x,
            title="Pied Piper",
            city="Palo Alto",
            country="United States",
            size_range="2-10",
            founded_year=None,
        )
        cls.aviato = CompanyPageFactory(
            parent=cls.companies_y,
            title="Aviato",
            city="",
            country="United States",
            founded_year=2010,
        )

        def member(title: str, parent=None, **kwargs) -> MemberPage:
            return MemberPageFactory(parent=parent or cls.dir_a, title=title, **kwargs)

        cls.jan = member(
            "Jan Smit",
            city="Den Haag",
            industry=cls.media,
            open_to_hiring=True,
            open_to_mentoring=True,
        )
        cls.jan.skills.add(cls.go)
        cls.jan.save()
        cls.janssen = member("Janssen Bakker", city="Den Bosch", open_to_mentoring=True)
        cls.nowhere = member("Nowhere Man", city="", country="")
        cls.past = member("Past Worker", city="Zwolle")
        cls.hidden = member("Hidden Worker", city="Zwolle", positions_visibility="only_me")
        cls.other = member("Jan Other", parent=cls.dir_b, city="Den Haag")

        # Factory pages are never published through a revision: give each a date.
        start = timezone.make_aware(datetime.datetime(2024, 1, 1))
        for n, page in enumerate(
            [cls.hooli, cls.piper, cls.aviato, cls.jan, cls.janssen]
            + [cls.nowhere, cls.past, cls.hidden, cls.other]
        ):
            type(page).objects.filter(pk=page.pk).update(
                first_published_at=start + datetime.timedelta(days=n)
            )

        PositionFactory(member=cls.past, company=cls.hooli, is_current=False)
        PositionFactory(member=cls.hidden, company=cls.hooli, is_current=True)
        PositionFactory(member=cls.jan, company=cls.hooli, is_current=True)


class PlaceNameTests(FilterNetwork):
    def test_location_matches_part_of_city_or_country_in_any_case(self):
        self.assertEqual(
            titles(filter_members(None, {"location": "DEN"})),
            ["Jan Other", "Jan Smit", "Janssen Bakker"],
        )
        self.assertEqual(titles(filter_members(None, {"location": "bosch"})), ["Janssen Bakker"])
        self.assertEqual(
            titles(filter_companies(None, {"location": "states"})), ["Aviato", "Pied Piper"]
        )
        self.assertEqual(titles(filter_companies(None, {"location": "haag"})), ["Hooli"])

    def test_city_matches_part_of_city_in_any_case(self):
        self.assertEqual(titles(filter_members(None, {"city": "HAAG"})), ["Jan Other", "Jan Smit"])
        self.assertEqual(titles(filter_members(None, {"city": "Netherlands"})), [])
        self.assertEqual(titles(filter_companies(None, {"city": "palo"})), ["Pied Piper"])

    def test_country_matches_part_of_country_in_any_case(self):
        self.assertNotIn("Nowhere Man", titles(filter_members(None, {"country": "nether"})))
        self.assertEqual(len(filter_members(None, {"country": "nether"})), 5)
        self.assertEqual(titles(filter_members(None, {"country": "Zwolle"})), [])
        self.assertEqual(
            titles(filter_companies(None, {"country": "united"})), ["Aviato", "Pied Piper"]
        )


class MemberFilterTests(FilterNetwork):
    def test_industry_matches_the_slug(self):
        self.assertEqual(titles(filter_members(None, {"industry": "media"})), ["Jan Smit"])
        self.assertEqual(titles(filter_companies(None, {"industry": "media"})), ["Hooli"])

    def test_skill_matches_the_slug(self):
        self.assertEqual(titles(filter_members(None, {"skill": "go"})), ["Jan Smit"])

    def test_slug_naming_nothing_matches_nothing(self):
        for key in ("industry", "skill", "company"):
            with self.subTest(key=key):
                self.assertEqual(titles(filter_members(None, {key: "nope"})), [])

    def test_open_to_requires_every_value(self):
        self.assertEqual(
            titles(filter_members(None, {"open_to": ["mentoring"]})),
            ["Jan Smit", "Janssen Bakker"],
        )
        self.assertEqual(
            titles(filter_members(None, {"open_to": ["mentoring", "hiring"]})), ["Jan Smit"]
        )

    def test_open_to_accepts_a_single_string_enum_members_and_a_query_dict(self):
        self.assertEqual(titles(filter_members(None, {"open_to": "hiring"})), ["Jan Smit"])
        self.assertEqual(
            titles(filter_members(None, {"open_to": [OpenTo.HIRING, OpenTo.MENTORING]})),
            ["Jan Smit"],
        )
        query = QueryDict("open_to=mentoring&open_to=hiring")
        self.assertEqual(titles(filter_members(None, query)), ["Jan Smit"])

    def test_company_matches_current_positions_by_default(self):
        self.assertEqual(titles(filter_members(None, {"company": "hooli"})), ["Jan Smit"])

    def test_company_with_past_positions_when_not_current_only(self):
        for flag in (False, "false", "0"):
            with self.subTest(flag=flag):
                self.assertEqual(
                    titles(
                        filter_members(None, {"company": "hooli", "current_company_only": flag})
                    ),
                    ["Jan Smit", "Past Worker"],
                )

    def test_hidden_position_never_makes_a_member_match(self):
        for current_only in (True, False):
            with self.subTest(current_only=current_only):
                found = titles(
                    filter_members(None, {"company": "hooli", "current_company_only": current_only})
                )
                self.assertNotIn("Hidden Worker", found)

    def test_company_size_matches_any_of_the_values(self):
        self.assertEqual(titles(filter_companies(None, {"size": "2-10"})), ["Pied Piper"])
        self.assertEqual(
            titles(filter_companies(None, {"size": ["2-10", "51-200"]})), ["Hooli", "Pied Piper"]
        )

    def test_company_speciality_matches_the_name_in_any_case(self):
        self.assertEqual(
            titles(filter_companies(None, {"speciality": "search engines"})), ["Hooli"]
        )


class ScopeTests(FilterNetwork):
    def test_within_lists_only_the_directory_descendants(self):
        self.assertNotIn("Jan Other", titles(filter_members(None, {}, within=self.dir_a)))
        self.assertEqual(titles(filter_members(None, {}, within=self.dir_b)), ["Jan Other"])
        self.assertEqual(titles(filter_companies(None, {}, within=self.companies_y)), ["Aviato"])

    def test_within_none_lists_every_directory(self):
        self.assertEqual(len(filter_members(None, {})), 6)
        self.assertEqual(len(filter_companies(None, {})), 3)

    def test_search_within_finds_only_the_directory_descendants(self):
        self.assertEqual(
            titles(filter_members(None, {"q": "Jan"}, within=self.dir_a)), ["Jan Smit"]
        )
        self.assertEqual(
            sorted(titles(filter_members(None, {"q": "Jan"}))), ["Jan Other", "Jan Smit"]
        )


class SearchTests(FilterNetwork):
    def test_full_words_win_over_partial_words(self):
        # "Jan" is a whole word of "Jan Smit": "Janssen" is not added by autocomplete.
        self.assertEqual(
            titles(filter_members(None, {"q": "jan"}, within=self.dir_a)), ["Jan Smit"]
        )

    def test_autocomplete_fallback_when_full_words_find_nothing(self):
        self.assertEqual(titles(filter_members(None, {"q": "Janss"})), ["Janssen Bakker"])
        self.assertEqual(titles(filter_companies(None, {"q": "Hoo"})), ["Hooli"])

    def test_all_words_must_match(self):
        self.assertEqual(titles(filter_members(None, {"q": "Jan Smit"})), ["Jan Smit"])
        self.assertEqual(titles(filter_members(None, {"q": "Jan Bakker"})), [])

    def test_query_syntax_is_stripped_to_words(self):
        self.assertEqual(filters.search_words('"Jan" AND (Smit*'), "Jan AND Smit")
        self.assertEqual(titles(filter_members(None, {"q": '"Smit'})), ["Jan Smit"])
        self.assertEqual(titles(filter_members(None, {"q": "*"})), [])

    def test_search_candidates_are_limited_by_the_module_constant(self):
        self.assertEqual(filters.SEARCH_CANDIDATE_LIMIT, 10_000)
        pages = MemberFilterSet.search_scope()
        self.assertEqual(len(search_ids(pages, "Worker")), 2)
        with mock.patch.object(filters, "SEARCH_CANDIDATE_LIMIT", 1):
            self.assertEqual(len(search_ids(pages, "Worker")), 1)
            self.assertEqual(len(search_ids(pages, "Work")), 1)  # autocomplete too
            self.assertEqual(len(filter_members(None, {"q": "Worker"})), 1)


class RelevanceOrderTests(FilterNetwork):
    def ranked(self, *members):
        return mock.patch.object(filters, "search_ids", return_value=[m.pk for m in members])

    def test_relevance_is_the_search_backend_order(self):
        with self.ranked(self.past, self.jan, self.hidden):
            members = filter_members(None, {"q": "anything"})
            self.assertEqual(titles(members), ["Past Worker", "Jan Smit", "Hidden Worker"])

    def test_relevance_is_the_default_order_when_searching(self):
        expected = search_ids(MemberFilterSet.search_scope(), "Worker")
        found = filter_members(None, {"q": "Worker"}).values_list("pk", flat=True)
        self.assertEqual(list(found), expected)

    def test_relevance_is_a_sql_ordering_paged_lazily(self):
        with self.ranked(self.past, self.jan, self.hidden, self.janssen):
            members = filter_members(None, {"q": "anything", "order": "relevance"})
            self.assertIsInstance(members.query.order_by[0].expression, CandidateRank)
            self.assertEqual(members.count(), 4)
            self.assertEqual(titles(members[1:3]), ["Jan Smit", "Hidden Worker"])

    def test_relevance_skips_candidates_the_viewer_may_not_see(self):
        self.hidden.__class__.objects.filter(pk=self.hidden.pk).update(profile_visibility="members")
        with self.ranked(self.hidden, self.jan):
            self.assertEqual(titles(filter_members(None, {"q": "x"})), ["Jan Smit"])

    def test_relevance_without_search_words_is_name(self):
        members = filter_members(None, {"order": "relevance"}, within=self.dir_a)
        self.assertEqual(titles(members), sorted(titles(members)))

    def test_rank_is_one_sql_parameter_whatever_the_number_of_candidates(self):
        ids = list(range(1, 5001))
        ranked = MemberPage.objects.order_by(CandidateRank(ids).asc())
        sql, params = ranked.query.get_compiler(using="default").as_sql()
        if connection.vendor in ("postgresql", "sqlite"):
            self.assertEqual(len(params), 1)
            self.assertIn("array_position" if connection.vendor == "postgresql" else "instr", sql)

    def test_case_fallback_ranks_like_the_vendor_expressions(self):
        class PortableRank(CandidateRank):
            as_sqlite = None
            as_postgresql = None

        ids = [self.janssen.pk, self.nowhere.pk, self.jan.pk]
        for rank_class in (CandidateRank, PortableRank):
            with self.subTest(rank=rank_class.__name__, vendor=connection.vendor):
                ranked = MemberPage.objects.filter(pk__in=ids + [self.past.pk]).order_by(
                    rank_class(ids).asc(nulls_last=True)
                )
                # A row that is no candidate comes last.
                self.assertEqual(list(ranked.values_list("pk", flat=True)), ids + [self.past.pk])
                self.assertEqual(list(MemberPage.objects.none().order_by(rank_class([]).asc())), [])


class OrderingTests(FilterNetwork):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.twins = [
            MemberPageFactory(parent=cls.dir_a, title="Twin", slug=f"twin-{n}", city="Assen")
            for n in range(3)
        ]
        moment = timezone.make_aware(datetime.datetime(2020, 1, 1))
        MemberPage.objects.filter(pk__in=[t.pk for t in cls.twins]).update(
            first_published_at=moment
        )

    def pks(self, criteria) -> list[int]:
        members = filter_members(None, criteria, within=self.dir_a)
        return list(members.values_list("pk", flat=True))

    def test_ties_are_broken_by_pk_in_the_key_direction(self):
        twins = sorted(t.pk for t in self.twins)
        for key in ("name", "joined", "city"):
            with self.subTest(key=key):
                ascending = [pk for pk in self.pks({"order": key}) if pk in twins]
                descending = [pk for pk in self.pks({"order": f"-{key}"}) if pk in twins]
                self.assertEqual(ascending, twins)
                self.assertEqual(descending, twins[::-1])

    def test_descending_name_is_the_exact_reverse(self):
        self.assertEqual(self.pks({"order": "-name"}), self.pks({"order": "name"})[::-1])

    def test_name_is_the_default_order_without_search(self):
        members = filter_members(None, {}, within=self.dir_a)
        self.assertEqual(titles(members), sorted(titles(members)))

    def test_joined_orders_by_first_publication(self):
        newest = MemberPage.objects.filter(pk=self.jan.pk)
        newest.update(first_published_at=timezone.now() + datetime.timedelta(days=1))
        self.assertEqual(self.pks({"order": "-joined"})[0], self.jan.pk)
        self.assertEqual(self.pks({"order": "joined"})[-1], self.jan.pk)

    def test_missing_city_and_date_sort_last_both_ways(self):
        MemberPage.objects.filter(pk=self.janssen.pk).update(first_published_at=None)
        for direction in ("", "-"):
            with self.subTest(direction=direction):
                self.assertEqual(self.pks({"order": f"{direction}city"})[-1], self.nowhere.pk)
                self.assertEqual(self.pks({"order": f"{direction}joined"})[-1], self.janssen.pk)

    def test_city_orders_by_city(self):
        members = filter_members(None, {"order": "city"}, within=self.dir_a)
        cities = list(members.values_list("city", flat=True))
        self.assertEqual(cities, sorted(cities[:-1]) + [""])

    def test_company_orders(self):
        self.assertEqual(
            titles(filter_companies(None, {"order": "-name"})), ["Pied Piper", "Hooli", "Aviato"]
        )
        self.assertEqual(
            titles(filter_companies(None, {"order": "founded"})), ["Hooli", "Aviato", "Pied Piper"]
        )
        CompanyPage.objects.filter(pk=self.aviato.pk).update(
            first_published_at=timezone.now() + datetime.timedelta(days=1)
        )
        self.assertEqual(titles(filter_companies(None, {"order": "-joined"}))[0], "Aviato")
        self.assertEqual(titles(filter_companies(None, {"order": "city"}))[-1], "Aviato")


class InvalidValueTests(FilterNetwork):
    def test_unknown_order_key_falls_back_to_the_default(self):
        for order in ("bogus", "-relevance", "newest", "email", 7):
            with self.subTest(order=order):
                members = filter_members(None, {"order": order}, within=self.dir_a)
                self.assertEqual(titles(members), sorted(titles(members)))

    def test_unknown_choices_are_ignored_one_by_one(self):
        everyone = len(filter_members(None, {}))
        self.assertEqual(len(filter_members(None, {"open_to": "anything"})), everyone)
        self.assertEqual(
            titles(filter_members(None, {"open_to": ["hiring", "anything"]})), ["Jan Smit"]
        )
        self.assertEqual(len(filter_companies(None, {"size": "huge"})), 3)

    def test_unreadable_flag_keeps_the_default(self):
        self.assertEqual(
            titles(filter_members(None, {"company": "hooli", "current_company_only": "maybe"})),
            ["Jan Smit"],
        )

    def test_unknown_keys_and_odd_types_are_ignored(self):
        everyone = len(filter_members(None, {}))
        odd = {"email": "x", "industry": {"a": 1}, "skill": None, "location": ["Den"], "q": ""}
        self.assertEqual(len(filter_members(None, odd)), everyone)

    def test_strings_are_stripped_and_cut(self):
        self.assertEqual(
            titles(filter_members(None, {"location": "  bosch \n"})), ["Janssen Bakker"]
        )
        criteria = MemberFilterSet.normalise({"q": "x" * 5000, "location": "y" * 5000})
        self.assertEqual(len(criteria["q"]), filters.MAX_QUERY_LENGTH)
        self.assertEqual(len(criteria["location"]), filters.MAX_VALUE_LENGTH)
        self.assertEqual(len(filter_members(None, {"q": "Jan Smit" + " " * 300 + "zzz"})), 1)

    def test_filter_sets_echo_only_valid_criteria(self):
        filterset = CompanyFilterSet.for_viewer(None, {"size": ["huge", "2-10"], "order": "x"})
        self.assertEqual(filterset.criteria["size"], ["2-10"])
        self.assertEqual(filterset.ordering, "name")


class VisibilityTests(NetworkScenario):
    """The scenario's members (tests/frontend/scenario.py): what a viewer may not see
    never makes a member match."""

    def test_only_live_members_the_viewer_may_see(self):
        self.assertEqual(
            titles(filter_members(None, {})),
            ["Alice Tester", "Bob Tester", "Eve Tester", "Frank Tester"],
        )
        self.assertNotIn("Drafty Tester", titles(filter_members(self.u_drafty, {})))

    def test_hidden_field_never_makes_a_member_match_search(self):
        for user in (None, self.u_frank, self.u_alice):
            for q in ("alice-secret@mail.example.com", "secret", "5000", "Globex"):
                with self.subTest(user=user, q=q):
                    self.assertEqual(titles(filter_members(user, {"q": q})), [])

    def test_hidden_profile_never_matches_search(self):
        self.assertEqual(titles(filter_members(self.u_frank, {"q": "Carol"})), [])
        self.assertEqual(titles(filter_members(self.u_alice, {"q": "Carol"})), ["Carol Tester"])

    def test_hidden_position_never_matches_company_filter(self):
        for user in (None, self.u_frank, self.u_alice):
            with self.subTest(user=user):
                self.assertEqual(titles(filter_members(user, {"company": "globex"})), [])
        self.assertEqual(titles(filter_members(self.u_bob, {"company": "globex"})), ["Bob Tester"])

    def test_unpublished_company_matches_nobody(self):
        self.assertEqual(titles(filter_members(self.u_editor, {"company": "initech"})), [])
        self.assertEqual(titles(filter_companies(self.u_editor, {"q": "Initech"})), [])
