"""My network (/network/): each section lists the member's own rows, as the rules let
them see them, and nothing of anyone else's; every form posts to the action endpoint;
the SQL query count does not grow with the rows shown."""

from __future__ import annotations

import re

from django.db import connection as db_connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail_factories import ImageFactory

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from wagtail_network import graph, my_network
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionState,
    Endorsement,
    Follow,
    MemberPage,
    Recommendation,
    RecommendationState,
)

URL = "/network/"

#: No city or country: the factory's shared "Amsterdam" would make everyone a
#: suggestion for everyone (a shared location is a reason), hiding what a test pins.
NOWHERE = {"city": "", "country": ""}


def invite(requester: MemberPage, recipient: MemberPage, state: str = "pending", message: str = ""):
    """An open invitation row, as ``request_connection`` writes it."""
    low, high = sorted([requester, recipient], key=lambda page: page.pk)
    return Connection.objects.create(
        member_low=low,
        member_high=high,
        requester=requester,
        recipient=recipient,
        state=state,
        message=message,
    )


def recommend(author: MemberPage, member: MemberPage, text: str, **kwargs) -> Recommendation:
    kwargs.setdefault("state", RecommendationState.PENDING_RECIPIENT)
    return Recommendation.objects.create(
        author=author, member=member, relationship="same_team", text=text, **kwargs
    )


def section(html: str, section_id: str) -> str:
    """The HTML of ``<section id="section_id">`` (sections do not nest)."""
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.DOTALL)
    assert match, f"no section #{section_id}"
    return match.group(0)


def forms_in(html: str) -> list[dict[str, str]]:
    """Each POST form: its action, hx-post and hidden fields."""
    found = []
    for match in re.finditer(r'<form method="post"(.*?)</form>', html, re.DOTALL):
        body = match.group(1)
        attrs = dict(re.findall(r'(action|hx-post)="([^"]*)"', body.split(">", 1)[0]))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
        found.append({**attrs, **fields})
    return found


class MyNetworkScenario(TestCase):
    """alice's network, and others' rows that must never show on her page.

    * bob invited alice with a note (pending); carol invited her and she ignored it;
      peggy (unpublished) invited her too.
    * alice invited dave (pending) and erin (erin ignored it: alice still sees it as sent).
    * alice is connected to frank and grace; frank is connected to heidi (public),
      ivan (profile for connections only) and judy (who blocked alice).
    * alice blocked mallory. oscar invited victor; victor follows Globex.
    * frank wrote alice a recommendation waiting for her answer; grace wrote one that
      alice hid; trent's (published) is answered. frank endorsed alice for Python.
    * alice follows Acme.
    """

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        companies = CompanyIndexPageFactory(parent=root)
        cls.acme = CompanyPageFactory(parent=companies, title="Acme")
        cls.globex = CompanyPageFactory(parent=companies, title="Globex")
        cls.python = SkillFactory(name="Python")

        def member(name: str, **kwargs):
            user = UserFactory(username=name)
            page = MemberPageFactory(
                parent=cls.directory,
                title=f"{name.title()} Person",
                slug=name,
                user=user,
                **NOWHERE,
                **kwargs,
            )
            return user, page

        cls.u_alice, cls.alice = member("alice", headline="Backend developer")
        _, cls.bob = member("bob")
        _, cls.carol = member("carol")
        _, cls.peggy = member("peggy", live=False)
        _, cls.dave = member("dave")
        _, cls.erin = member("erin")
        _, cls.frank = member("frank")
        _, cls.grace = member("grace")
        _, cls.heidi = member("heidi")
        _, cls.ivan = member("ivan", profile_visibility="connections")
        _, cls.judy = member("judy")
        _, cls.mallory = member("mallory")
        cls.u_oscar, cls.oscar = member("oscar")
        _, cls.victor = member("victor")
        _, cls.trent = member("trent")

        invite(cls.bob, cls.alice, message="We met at PyCon")
        invite(cls.carol, cls.alice, state=ConnectionState.IGNORED)
        invite(cls.peggy, cls.alice)
        invite(cls.alice, cls.dave, message="Hello Dave")
        invite(cls.alice, cls.erin, state=ConnectionState.IGNORED)
        invite(cls.oscar, cls.victor, message="Oscar to Victor")
        connect(cls.alice, cls.frank)
        connect(cls.alice, cls.grace)
        connect(cls.frank, cls.heidi)
        connect(cls.frank, cls.ivan)
        connect(cls.frank, cls.judy)
        Block.objects.create(blocker=cls.judy, blocked=cls.alice)
        Block.objects.create(blocker=cls.alice, blocked=cls.mallory)
        recommend(cls.frank, cls.alice, "Frank says Alice is great")
        recommend(cls.grace, cls.alice, "Grace's hidden words", is_hidden=True)
        recommend(cls.trent, cls.alice, "Trent's published words", state="published")
        recommend(cls.alice, cls.victor, "Alice about Victor")
        Endorsement.objects.create(endorser=cls.frank, member=cls.alice, skill=cls.python)
        Follow.objects.create(member=cls.alice, company=cls.acme)
        Follow.objects.create(member=cls.victor, company=cls.globex)

    def page(self, user=None, **params) -> str:
        client = Client()
        client.force_login(user or self.u_alice)
        response = client.get(URL, params)
        assert response.status_code == 200
        return response.content.decode()


class Sections(MyNetworkScenario):
    def test_received_invitations_show_who_their_note_and_date_not_ignored_ones(self):
        received = section(self.page(), "invitations").split('id="invitations-sent-heading"')[0]
        assert "Bob Person" in received
        assert "We met at PyCon" in received
        assert "<time datetime=" in received
        assert "Carol Person" not in received  # ignored
        assert "Peggy Person" not in received  # unpublished inviter

    def test_sent_invitations_include_an_ignored_one_as_if_pending(self):
        sent = section(self.page(), "invitations").split('id="invitations-sent-heading"')[1]
        assert "Dave Person" in sent
        assert "Erin Person" in sent
        assert "ignored" not in sent.lower()

    def test_another_members_invitations_never_show(self):
        html = self.page()
        assert "Oscar to Victor" not in html
        assert "Victor Person" not in section(html, "invitations")

    def test_connections_list_the_members_connections(self):
        connections = section(self.page(), "connections")
        assert "Frank Person" in connections
        assert "Grace Person" in connections
        assert "Heidi Person" not in connections

    def test_suggestions_show_second_degree_members_with_their_reason(self):
        suggestions = section(self.page(), "suggestions")
        assert "Heidi Person" in suggestions
        assert "1 mutual connection" in suggestions

    def test_suggestions_say_what_the_member_shares(self):
        self.alice.skills.add(self.python)
        self.alice.save()
        self.victor.skills.add(self.python)
        self.victor.save()
        suggestions = section(self.page(), "suggestions")
        assert "Victor Person" in suggestions
        assert "Shares 1 skill" in suggestions

    def test_a_hidden_profile_is_never_suggested(self):
        assert "Ivan Person" not in self.page()

    def test_a_blocker_never_appears_to_the_member_they_blocked(self):
        assert "Judy Person" not in self.page()

    def test_blocked_lists_the_members_the_viewer_blocked_without_links(self):
        blocked = section(self.page(), "blocked")
        assert "Mallory Person" in blocked
        assert "/members/mallory/" not in blocked
        assert "Mallory Person" not in section(self.page(), "suggestions")

    def test_waiting_shows_recommendations_waiting_for_an_answer_with_author_and_relationship(self):
        waiting = section(self.page(), "waiting")
        assert "Frank says Alice is great" in waiting
        assert "Worked in the same team" in waiting
        assert "Trent" not in waiting  # answered (published)
        assert "Alice about Victor" not in waiting  # written by alice, for someone else

    def test_a_hidden_recommendation_is_not_waiting_but_can_be_shown_again(self):
        waiting = section(self.page(), "waiting")
        recommendations = waiting.split('id="waiting-hidden-heading"')
        assert "Grace's hidden words" not in recommendations[0]
        assert "Grace&#x27;s hidden words" in recommendations[1]

    def test_waiting_lists_endorsements_received(self):
        waiting = section(self.page(), "waiting")
        assert "endorsed you for Python" in waiting

    def test_following_lists_the_members_follows_only(self):
        following = section(self.page(), "following")
        assert "Acme" in following
        assert "Globex" not in following

    def test_each_section_heading_carries_its_count(self):
        html = self.page()
        assert re.search(r'Invitations <span class="wn-mn-count">1</span>', html)
        assert re.search(r'Connections <span class="wn-mn-count">2</span>', html)
        assert re.search(r'Blocked members <span class="wn-mn-count">1</span>', html)
        assert re.search(r'Waiting for your answer <span class="wn-mn-count">1</span>', html)

    def test_another_member_sees_only_their_own_network(self):
        html = self.page(self.u_oscar)
        assert "Victor Person" in section(html, "invitations")
        for name in ("Bob Person", "Frank Person", "Mallory Person", "Acme"):
            assert name not in html.split("<main", 1)[1], name


class ConnectionsSearchAndPages(MyNetworkScenario):
    def test_search_narrows_the_connections_by_name(self):
        connections = section(self.page(q="gRaCe"), "connections")
        assert "Grace Person" in connections
        assert "Frank Person" not in connections
        assert 'value="gRaCe"' in connections

    def test_search_with_no_match_says_so(self):
        connections = section(self.page(q="nobody-like-this"), "connections")
        assert "None of your connections has that name." in connections

    def test_connections_are_paged(self):
        for index in range(my_network.CONNECTIONS_PAGE_SIZE + 3):
            other = MemberPageFactory(parent=self.directory, title=f"Zed {index:02d}", **NOWHERE)
            connect(self.alice, other)
        first = section(self.page(), "connections")
        second = section(self.page(page=2), "connections")
        assert "Frank Person" in first and "Zed 20" not in first
        assert "Zed 20" in second and "Frank Person" not in second
        assert 'rel="next"' in first and "#connections" in first
        # A page number that is no number shows the first page.
        names = re.compile(r'<p class="wn-mn-item__title"><a [^>]*>([^<]+)</a>')
        assert names.findall(section(self.page(page="abc"), "connections")) == names.findall(first)


class Forms(MyNetworkScenario):
    def test_every_form_posts_to_the_action_endpoint_with_htmx_and_a_next(self):
        html = self.page()
        forms = forms_in(html.split("<main", 1)[1].split("</main>")[0])
        assert forms
        for form in forms:
            match = re.fullmatch(r"/network/act/([a-z_]+)/", form["action"])
            assert match, form
            assert form["hx-post"] == form["action"]
            assert form["next"].startswith(URL + "#")
            assert form["csrfmiddlewaretoken"]

    def test_the_forms_carry_the_contract_fields(self):
        html = self.page()
        forms = forms_in(html)
        by_action = {}
        for form in forms:
            action = form["action"].rstrip("/").rsplit("/", 1)[-1]
            by_action.setdefault(action, []).append(form)

        def has(action: str, **fields) -> bool:
            return any(
                all(form.get(k) == str(v) for k, v in fields.items())
                for form in by_action.get(action, [])
            )

        waiting = Recommendation.objects.get(author=self.frank)
        hidden = Recommendation.objects.get(author=self.grace)
        endorsement = Endorsement.objects.get(endorser=self.frank)
        assert has("accept", member=self.bob.pk, next=URL + "#invitations")
        assert has("ignore", member=self.bob.pk)
        assert has("withdraw", member=self.dave.pk)
        assert has("withdraw", member=self.erin.pk)
        assert has("remove", member=self.frank.pk, next=URL + "#connections")
        assert has("connect", member=self.heidi.pk, next=URL + "#suggestions")
        assert has("dismiss", member=self.heidi.pk)
        assert has("unfollow", company=self.acme.pk, next=URL + "#following")
        assert has("respond", recommendation=waiting.pk, response="accept")
        assert has("respond", recommendation=waiting.pk, response="hide")
        assert has("respond", recommendation=hidden.pk, response="unhide")
        assert has("hide_endorsement", endorsement=endorsement.pk)
        assert has("unblock", member=self.mallory.pk, next=URL + "#blocked")
        assert 'name="message"' in section(html, "suggestions")

    def test_next_keeps_the_search_and_page(self):
        forms = forms_in(section(self.page(q="frank"), "connections"))
        assert forms[0]["next"] == URL + "?q=frank#connections"

    def test_each_section_is_an_htmx_region_swapping_itself_and_the_shared_parts(self):
        html = self.page()
        for section_id in my_network.SECTIONS:
            opening = re.search(rf'<section id="{section_id}"[^>]*>', html).group(0)
            assert 'hx-target="this"' in opening
            assert f'hx-select="#{section_id}"' in opening
            assert 'hx-swap="outerHTML"' in opening
            assert "#wn-messages:innerHTML,#wn-nav-count:outerHTML" in opening


class Access(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.directory = MemberIndexPageFactory(parent=site_root())
        cls.no_profile = UserFactory(username="newcomer")
        cls.u_draft = UserFactory(username="draft")
        cls.draft = MemberPageFactory(parent=cls.directory, user=cls.u_draft, live=False)

    def test_anonymous_visitors_are_sent_to_sign_in_and_back(self):
        response = Client().get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={URL}"

    def test_a_member_without_a_profile_is_asked_to_create_one_first(self):
        client = Client()
        client.force_login(self.no_profile)
        response = client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Create your profile first" in html
        assert '<section id="invitations"' not in html

    @override_settings(ROOT_URLCONF="tests.urlconfs.join_page")
    def test_a_user_without_a_profile_is_shown_how_to_join(self):
        client = Client()
        client.force_login(self.no_profile)
        html = client.get(URL).content.decode()
        empty = html.split('aria-labelledby="wn-mn-no-profile"', 1)[1].split("</section>", 1)[0]
        join = reverse("wagtail_network:edit_profile")
        assert f'<a href="{join}" class="wn-mn-button">Join the network</a>' in empty

    def test_an_unpublished_profile_sees_its_network_with_a_note(self):
        client = Client()
        client.force_login(self.u_draft)
        html = client.get(URL).content.decode()
        assert "Your profile waits for an editor" in html
        assert '<section id="connections"' in html

    def test_an_unpublished_profile_is_not_offered_accept_which_the_service_refuses(self):
        inviter = MemberPageFactory(parent=self.directory, title="Inviter")
        invite(inviter, self.draft)
        client = Client()
        client.force_login(self.u_draft)
        invitations = section(client.get(URL).content.decode(), "invitations")
        assert "Inviter" in invitations
        assert "/network/act/ignore/" in invitations
        assert "/network/act/accept/" not in invitations

    def test_the_page_is_never_cached(self):
        client = Client()
        client.force_login(self.no_profile)
        response = client.get(URL)
        assert "no-store" in response["Cache-Control"]

    def test_the_page_answers_only_get_and_head(self):
        client = Client()
        client.force_login(self.no_profile)
        assert client.post(URL).status_code == 405


class ConstantQueries(TestCase):
    """The page's SQL query count does not grow with the invitations, connections,
    suggestions and other rows shown."""

    @classmethod
    def setUpTestData(cls):
        cls.directory = MemberIndexPageFactory(parent=site_root())
        cls.companies = CompanyIndexPageFactory(parent=site_root())
        cls.image = ImageFactory()
        cls.skill = SkillFactory(name="Python")
        cls.user = UserFactory(username="viewer")
        cls.me = MemberPageFactory(parent=cls.directory, user=cls.user, photo=cls.image, **NOWHERE)
        cls.friend = MemberPageFactory(
            parent=cls.directory, photo=cls.image, user=UserFactory(), **NOWHERE
        )
        connect(cls.me, cls.friend)

    def add_rows(self, count: int) -> None:
        """``count`` more of everything each section lists, all with photos."""
        # With accounts: graph.suggestions leaves out profiles without one.
        new = lambda: MemberPageFactory(  # noqa: E731
            parent=self.directory, photo=self.image, user=UserFactory(), **NOWHERE
        )
        for _ in range(count):
            invite(new(), self.me, message="Hello")
            invite(self.me, new(), message="Hi")
            connection = new()
            connect(self.me, connection)
            recommend(connection, self.me, "Good")
            Endorsement.objects.create(endorser=connection, member=self.me, skill=self.skill)
            connect(self.friend, new())  # a suggestion
            Follow.objects.create(
                member=self.me,
                company=CompanyPageFactory(parent=self.companies, logo=self.image),
            )
            Block.objects.create(blocker=self.me, blocked=new())
        # The friend's new connections are others' changes, which the viewer's stored
        # suggestion pool may lag behind for SUGGESTIONS["FRESH_FOR"]: drop it, as
        # that time passing would.
        graph.forget_suggestions(self.me)

    def count_queries(self) -> tuple[int, str]:
        client = Client()
        client.force_login(self.user)
        client.get(URL)  # warm-up: renditions are generated once
        with CaptureQueriesContext(db_connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def test_query_count_is_the_same_for_two_and_for_six_rows_of_each(self):
        self.add_rows(2)
        small, _html = self.count_queries()
        self.add_rows(4)
        large, html = self.count_queries()
        # Sanity: the large run shows six of each.
        assert html.count('data-wn-focus="invitations-accept-') == 6
        assert html.count('data-wn-focus="suggestions-connect-') == 6
        assert html.count('data-wn-focus="connections-remove-') == 7
        assert html.count('data-wn-focus="following-unfollow-') == 6
        assert html.count('data-wn-focus="blocked-unblock-') == 6
        assert html.count('data-wn-focus="waiting-hide_endorsement-') == 6
        assert small == large, (small, large)


class EndToEnd(MyNetworkScenario):
    """Through the real action endpoint, as a browser with and without htmx."""

    def nav_count(self, html: str) -> str:
        return re.search(r'<span id="wn-nav-count"[^>]*>.*?</span>(?:</span>)*', html).group(0)

    def accept_bob(self, **headers):
        client = Client()
        client.force_login(self.u_alice)
        before = client.get(URL).content.decode()
        form = next(
            form
            for form in forms_in(section(before, "invitations"))
            if form["action"].endswith("/accept/") and form["member"] == str(self.bob.pk)
        )
        response = client.post(form["action"], form, headers=headers)
        assert response.status_code == 303
        assert response["Location"] == URL + "#invitations"
        after = client.get(response["Location"]).content.decode()
        return before, after

    def test_accepting_moves_the_person_from_invitations_to_connections(self):
        before, after = self.accept_bob()
        assert "Bob Person" in section(before, "invitations")
        assert "Bob Person" not in section(before, "connections")
        assert "Bob Person" not in section(after, "invitations")
        assert "Bob Person" in section(after, "connections")
        assert "You are now connected with Bob Person." in after

    def test_accepting_lowers_the_navigation_count(self):
        before, after = self.accept_bob()
        # bob's invitation and frank's recommendation, then frank's recommendation only.
        assert "2 waiting" in self.nav_count(before)
        assert "1 waiting" in self.nav_count(after)

    def test_an_htmx_accept_renders_the_regions_it_swaps(self):
        _before, after = self.accept_bob(**{"HX-Request": "true"})
        for region in (
            'id="invitations"',
            'id="connections"',
            'id="wn-messages"',
            'id="wn-nav-count"',
        ):
            assert region in after

    def test_a_forged_accept_of_another_members_invitation_is_refused_and_writes_nothing(self):
        client = Client()
        client.force_login(self.u_alice)
        victor_invitation = Connection.objects.get(requester=self.oscar)
        response = client.post(
            "/network/act/accept/", {"member": self.oscar.pk, "next": URL}, follow=True
        )
        assert response.status_code == 200
        victor_invitation.refresh_from_db()
        assert victor_invitation.state == ConnectionState.PENDING
        assert "Oscar Person" not in section(response.content.decode(), "connections")


class EachActionFromMyNetwork(MyNetworkScenario):
    """Each button of the page does what it says, through the real action endpoint."""

    def click(self, action: str, **match) -> str:
        """Post the page's form for ``action`` whose fields include ``match``; the page after."""
        client = Client()
        client.force_login(self.u_alice)
        forms = forms_in(client.get(URL).content.decode())
        form = next(
            form
            for form in forms
            if form["action"] == f"/network/act/{action}/"
            and all(form.get(key) == str(value) for key, value in match.items())
        )
        response = client.post(form["action"], form)
        assert response.status_code == 303, response
        return client.get(response["Location"]).content.decode()

    def test_ignore_removes_the_invitation_from_received(self):
        html = self.click("ignore", member=self.bob.pk)
        assert "Bob Person" not in section(html, "invitations")
        assert "Bob Person" not in section(html, "connections")

    def test_withdraw_removes_the_invitation_from_sent(self):
        html = self.click("withdraw", member=self.dave.pk)
        assert "Dave Person" not in section(html, "invitations")

    def test_remove_ends_the_connection(self):
        html = self.click("remove", member=self.grace.pk)
        assert "Grace Person" not in section(html, "connections")

    def test_connect_from_a_suggestion_sends_an_invitation_with_the_note(self):
        client = Client()
        client.force_login(self.u_alice)
        response = client.post(
            "/network/act/connect/",
            {"member": self.heidi.pk, "message": "Frank told me about you", "next": URL},
        )
        assert response.status_code == 303
        html = client.get(URL).content.decode()
        assert "Heidi Person" not in section(html, "suggestions")
        sent = section(html, "invitations").split('id="invitations-sent-heading"')[1]
        assert "Heidi Person" in sent and "Frank told me about you" in sent

    def test_a_dismissed_suggestion_stays_gone_after_a_reload(self):
        html = self.click("dismiss", member=self.heidi.pk)
        assert "Heidi Person" not in section(html, "suggestions")
        client = Client()
        client.force_login(self.u_alice)
        assert "Heidi Person" not in section(client.get(URL).content.decode(), "suggestions")

    def test_accepting_a_recommendation_answers_it_and_lowers_the_count(self):
        waiting = Recommendation.objects.get(author=self.frank)
        html = self.click("respond", recommendation=waiting.pk, response="accept")
        assert "Frank says Alice is great" not in section(html, "waiting")
        waiting.refresh_from_db()
        assert waiting.state == RecommendationState.PUBLISHED
        assert "1 waiting" in re.search(r'<span id="wn-nav-count".*?</a>', html, re.DOTALL).group(0)

    def test_hiding_a_waiting_recommendation_moves_it_to_the_hidden_ones(self):
        waiting = Recommendation.objects.get(author=self.frank)
        html = self.click("respond", recommendation=waiting.pk, response="hide")
        parts = section(html, "waiting").split('id="waiting-hidden-heading"')
        assert "Frank says Alice is great" not in parts[0]
        assert "Frank says Alice is great" in parts[1]

    def test_hiding_an_endorsement_offers_to_show_it_again(self):
        endorsement = Endorsement.objects.get(endorser=self.frank)
        html = self.click("hide_endorsement", endorsement=endorsement.pk)
        waiting = section(html, "waiting")
        assert "/network/act/unhide_endorsement/" in waiting
        endorsement.refresh_from_db()
        assert endorsement.is_hidden

    def test_unfollow_and_unblock_empty_their_lists(self):
        html = self.click("unfollow", company=self.acme.pk)
        assert "Acme" not in section(html, "following")
        html = self.click("unblock", member=self.mallory.pk)
        assert "Mallory Person" not in section(html, "blocked")
