"""Two members use the network from the site's own pages (issue 10), in Chromium.

Each journey runs twice (``members.SETUPS``): in English and in Dutch, at 1280 px
and 390 px, with JavaScript on and off, so that across the journeys every
combination of the three appears. Every page visited gets axe-core (no serious or
critical violation), the no-sideways-scroll check at 390 px and the language check
(``Journey.check``); with JavaScript on, every action must update the page in place
and keep the focus in the page (``Journey.act``).

The journeys: (1) an invitation with a note, accepted from My network; (2)
endorsements both ways and a recommendation accepted from My network; (3) a
dismissed suggestion stays gone; (4) a company followed and "I work here" claimed,
then confirmed by the company's admin in the Wagtail admin; (5) a block hides the
blocker from the blocked member everywhere; (6) forged POSTs for actions the rules
forbid are refused with nothing written.
"""

from __future__ import annotations

import html
import re
from itertools import product

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser import helpers
from tests.browser.members import SETUPS, Setup
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionState,
    Endorsement,
    Follow,
    Position,
    Recommendation,
    RecommendationState,
    SuggestionDismissal,
)


def member_url(member) -> str:
    return member.get_url()


def button(scope, journey, label: str, who: str):
    """A button by its accessible name: the visible label, then whom or what it is
    about, visually hidden (``"Accept: Anna Visser"`` in My network, ``"Endorse
    (Python)"`` on a profile; the browser may put a space before the punctuation)."""
    name = re.compile(rf"^{re.escape(journey.t(label))}\W*{re.escape(who)}\W*$")
    return scope.get_by_role("button", name=name)


def test_the_setups_hold_every_combination_of_language_width_and_javascript():
    found = {
        (p.values[0].language, p.values[0].width, p.values[0].js)
        for runs in SETUPS.values()
        for p in runs
    }
    assert found == set(product(("en", "nl"), (1280, 390), (True, False)))
    for runs in SETUPS.values():
        setups: list[Setup] = [p.values[0] for p in runs]
        assert {s.language for s in setups} == {"en", "nl"}
        assert {s.width for s in setups} == {1280, 390}
        assert {s.js for s in setups} == {True, False}


# ---------------------------------------------------------------------------
# (1) An invitation with a note, accepted from My network
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("journey", SETUPS["invite"], indirect=True)
def test_a_member_invites_with_a_note_and_the_other_accepts_in_my_network(journey):
    net = journey.build()
    anna, bram = net.anna, net.bram
    note = "Hi Bram, we met at the Wagtail meetup."

    # Bram's suggestions list Anna (Carol is their mutual connection).
    b = journey.open(bram.user)
    journey.visit(b, "/network/")
    expect(b.locator("#suggestions")).to_contain_text(anna.title)

    # Anna invites Bram from his page, with a note.
    a = journey.open(anna.user)
    journey.visit(a, member_url(bram))
    panel = a.locator(".wn-actions-panel")
    expect(panel.locator(".wn-relationship")).to_contain_text(
        journey.pt("connection degree", "2nd")
    )
    a.locator(".wn-connect-form summary").click()
    a.get_by_label(journey.t("Note (optional)"), exact=True).fill(note)
    journey.act(a, a.get_by_role("button", name=journey.t("Send invitation"), exact=True))
    expect(a.locator(".wn-relationship")).to_contain_text(journey.t("Invitation sent"))
    invitation = Connection.objects.get(requester=anna, recipient=bram)
    assert (invitation.state, invitation.message) == (ConnectionState.PENDING, note)

    # Bram finds it in My network with its note, and accepts.
    journey.visit(b, "/network/")
    invitations = b.locator("#invitations")
    expect(invitations).to_contain_text(anna.title)
    expect(invitations).to_contain_text(note)
    expect(b.locator("#suggestions")).not_to_contain_text(anna.title)
    # The navigation's count says one thing waits, and goes when it is answered.
    expect(b.locator("#wn-nav-count")).to_contain_text("1")
    journey.act(b, button(invitations, journey, "Accept", anna.title))
    expect(b.locator("#connections")).to_contain_text(anna.title)
    expect(b.locator("#wn-nav-count")).to_be_hidden()
    expect(b.locator("#wn-messages")).to_contain_text(anna.title)
    invitation.refresh_from_db()
    assert invitation.state == ConnectionState.ACCEPTED

    # Both see degree 1; Anna is no longer among Bram's suggestions.
    first = journey.pt("connection degree", "1st")
    journey.visit(b, member_url(anna))
    expect(b.locator(".wn-relationship")).to_contain_text(first)
    journey.visit(a, member_url(bram))
    expect(a.locator(".wn-relationship")).to_contain_text(first)
    journey.visit(b, "/network/")
    expect(b.locator("#suggestions")).not_to_contain_text(anna.title)


# ---------------------------------------------------------------------------
# (2) Endorsements both ways; a recommendation accepted from My network
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("journey", SETUPS["endorse"], indirect=True)
def test_connections_endorse_each_other_and_a_recommendation_is_accepted_in_my_network(journey):
    net = journey.build(connected=True)
    anna, bram = net.anna, net.bram
    text = "Bram designed our member portal: clear, calm and on time."

    a = journey.open(anna.user)
    journey.visit(a, member_url(bram))
    journey.act(a, button(a.locator("#wn-profile"), journey, "Endorse", "Python"))
    expect(
        button(a.locator("#wn-profile"), journey, "Withdraw endorsement", "Python")
    ).to_be_visible()
    assert Endorsement.objects.filter(endorser=anna, member=bram, skill=net.python).exists()
    # The count and who endorsed update with the button.
    python = a.locator(".wn-skill", has_text="Python")
    expect(python).to_contain_text(anna.title)
    with translation.override(journey.setup.language):
        one = translation.ngettext("%(counter)s endorsement", "%(counter)s endorsements", 1) % {
            "counter": 1
        }
    expect(python).to_contain_text(one)

    b = journey.open(bram.user)
    journey.visit(b, member_url(anna))
    journey.act(b, button(b.locator("#wn-profile"), journey, "Endorse", "Django"))
    expect(
        button(b.locator("#wn-profile"), journey, "Withdraw endorsement", "Django")
    ).to_be_visible()
    assert Endorsement.objects.filter(endorser=bram, member=anna, skill=net.django).exists()

    # Anna writes a recommendation; as its author she sees that it waits.
    a.locator("summary", has_text=journey.t("Write a recommendation")).click()
    a.get_by_label(journey.t("How do you know them?"), exact=True).select_option(index=1)
    a.get_by_label(journey.t("Recommendation"), exact=True).fill(text)
    journey.act(a, a.get_by_role("button", name=journey.t("Send recommendation"), exact=True))
    recommendation = Recommendation.objects.get(author=anna, member=bram)
    assert recommendation.state == RecommendationState.PENDING_RECIPIENT
    expect(a.locator(".wn-recommend")).to_be_visible()

    # Bram accepts it in My network, under "Waiting for your answer".
    journey.visit(b, "/network/")
    waiting = b.locator("#waiting")
    expect(waiting).to_contain_text(text)
    who = journey.t("recommendation by %(name)s") % {"name": anna.title}
    journey.act(b, button(waiting, journey, "Accept", who))
    expect(waiting).not_to_contain_text(text)
    recommendation.refresh_from_db()
    assert recommendation.state == RecommendationState.PUBLISHED

    # It shows on Bram's page, to Bram and to Anna.
    for page in (b, a):
        journey.visit(page, member_url(bram))
        expect(page.locator("section[aria-labelledby=wn-recommendations]")).to_contain_text(text)


# ---------------------------------------------------------------------------
# (3) A dismissed suggestion stays gone
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("journey", SETUPS["dismiss"], indirect=True)
def test_a_dismissed_suggestion_stays_gone_after_a_reload(journey):
    net = journey.build()
    anna, bram, dirk = net.anna, net.bram, net.dirk

    a = journey.open(anna.user)
    journey.visit(a, "/network/")
    suggestions = a.locator("#suggestions")
    expect(suggestions).to_contain_text(bram.title)
    expect(suggestions).to_contain_text(dirk.title)
    # Each with its reason: Carol, their mutual connection.
    expect(suggestions.locator(".wn-mn-reason--mutual_connections")).to_have_count(2)
    journey.act(a, button(suggestions, journey, "Dismiss", bram.title))
    expect(a.locator("#suggestions")).not_to_contain_text(bram.title)
    expect(a.locator("#suggestions")).to_contain_text(dirk.title)
    assert SuggestionDismissal.objects.filter(member=anna, dismissed=bram).exists()

    journey.visit(a, "/network/")
    expect(a.locator("#suggestions")).not_to_contain_text(bram.title)
    expect(a.locator("#suggestions")).to_contain_text(dirk.title)


# ---------------------------------------------------------------------------
# (4) A company followed and a position claimed, confirmed in the admin
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("journey", SETUPS["claim"], indirect=True)
def test_a_member_follows_a_company_and_claims_a_position_its_admin_confirms(journey):
    net = journey.build()
    bram, acme = net.bram, net.acme

    def followers(n: int) -> str:
        with translation.override(journey.setup.language):
            return translation.ngettext("%(counter)s follower", "%(counter)s followers", n) % {
                "counter": n
            }

    b = journey.open(bram.user)
    journey.visit(b, acme.get_url())
    company = b.locator("#wn-company")
    expect(company).to_contain_text(followers(1))
    journey.act(b, button(company, journey, "Follow", acme.title))
    expect(b.locator("#wn-company")).to_contain_text(followers(2))
    expect(button(b.locator("#wn-company"), journey, "Unfollow", acme.title)).to_be_visible()
    assert Follow.objects.filter(member=bram, company=acme).exists()

    journey.act(b, b.get_by_role("button", name=journey.t("I work here"), exact=True))
    expect(b.locator("#wn-company")).to_contain_text(
        journey.t("Position claimed — waiting for confirmation")
    )
    claim = Position.objects.get(member=bram, company=acme)
    assert claim.is_current and claim.verified_at is None

    # Acme's admin confirms it under "Positions to confirm" (the Wagtail admin, at
    # 1280 px with JavaScript, in the journey's language).
    context = journey.browser.new_context(viewport=helpers.VIEWPORT, locale="en-GB")
    journey.contexts.append(context)
    admin = context.new_page()
    helpers.login(admin, net, net.company_admin)
    helpers.goto(admin, net, "/admin/network/positions/")
    helpers.check_screen(admin, net)
    helpers.submit(admin.locator(f'a[data-confirm-position="{claim.pk}"]'))
    helpers.check_screen(admin, net, listing=False)
    helpers.submit(admin.locator("main form button[type=submit]"))
    claim.refresh_from_db()
    assert claim.verified_at is not None

    # Bram's claim no longer waits; his page shows the position as verified.
    journey.visit(b, acme.get_url())
    expect(b.locator("#wn-company")).not_to_contain_text(
        journey.t("Position claimed — waiting for confirmation")
    )
    expect(b.get_by_role("button", name=journey.t("I work here"), exact=True)).to_have_count(0)
    journey.visit(b, member_url(bram))
    expect(b.locator("#wn-profile")).to_contain_text(journey.t("Verified"))


# ---------------------------------------------------------------------------
# (5) A block hides the blocker from the blocked member everywhere
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("journey", SETUPS["block"], indirect=True)
def test_after_a_block_the_blocked_member_sees_the_blocker_nowhere(journey):
    net = journey.build(connected=True)
    anna, bram, carol = net.anna, net.bram, net.carol

    a = journey.open(anna.user)
    journey.visit(a, member_url(bram))
    a.locator(".wn-actions-panel summary", has_text=journey.t("Block")).click()
    journey.act(
        a, a.get_by_role("button", name=journey.t("Yes, block"), exact=True), navigates=True
    )
    assert a.url.split("#")[0].endswith("/network/"), a.url
    expect(a.locator("#blocked")).to_contain_text(bram.title)
    assert Block.objects.filter(blocker=anna, blocked=bram).exists()

    b = journey.open(bram.user)
    journey.visit(b, member_url(anna), status=404)
    expect(b.locator("h1")).to_have_text(journey.t("Page not found"))
    for path in (net.member_index.get_url(), "/network/", member_url(bram), member_url(carol)):
        journey.visit(b, path)
        assert anna.title not in b.locator("body").inner_text(), path
        assert member_url(anna) not in b.content(), path


# ---------------------------------------------------------------------------
# (6) Forged POSTs for actions the rules forbid
# ---------------------------------------------------------------------------


def network_rows() -> dict:
    return {
        "endorsements": Endorsement.objects.count(),
        "recommendations": sorted(Recommendation.objects.values_list("pk", "state")),
        "connections": sorted(Connection.objects.values_list("pk", "state")),
        "blocks": Block.objects.count(),
        "follows": Follow.objects.count(),
        "dismissals": SuggestionDismissal.objects.count(),
    }


@pytest.mark.parametrize("journey", SETUPS["forged"], indirect=True)
def test_a_forged_post_for_a_forbidden_action_is_refused_with_nothing_written(journey):
    net = journey.build()
    anna, bram, carol = net.anna, net.bram, net.carol
    # A recommendation for Carol, not for Anna: only Carol may answer it.
    for_carol = Recommendation.objects.create(
        author=bram,
        member=carol,
        relationship="same_team",
        text="Carol knows her numbers.",
        state=RecommendationState.PENDING_RECIPIENT,
    )

    a = journey.open(anna.user)
    journey.visit(a, member_url(bram))
    # Not connected: the page offers no Endorse button and no recommendation form.
    expect(button(a.locator("#wn-profile"), journey, "Endorse", "Python")).to_have_count(0)
    expect(a.locator("summary", has_text=journey.t("Write a recommendation"))).to_have_count(0)
    token = next(c["value"] for c in a.context.cookies() if c["name"] == "csrftoken")
    before = network_rows()

    def forge(action: str, fields: dict, *, with_token: bool = True):
        form = {"next": member_url(bram), **fields}
        if with_token:
            form["csrfmiddlewaretoken"] = token
        return a.request.post(
            f"{journey.url}/network/act/{action}/",
            form={k: str(v) for k, v in form.items()},
            headers={"Referer": a.url},
        )

    refusals = [
        (
            "endorse",
            {"member": bram.pk, "skill": net.python.pk},
            "You are not connected to this member.",
        ),
        (
            "recommend",
            {"member": bram.pk, "relationship": "same_team", "text": "Forged."},
            "You are not connected to this member.",
        ),
        ("respond", {"recommendation": for_carol.pk, "response": "accept"}, None),
        ("accept", {"member": bram.pk}, None),
    ]
    for action, fields, message in refusals:
        response = forge(action, fields)
        assert response.ok, (action, response.status)
        body = html.unescape(response.text())
        if message is not None:
            assert journey.t(message) in body, action
        assert network_rows() == before, action

    # Without the session's CSRF token the same POST never reaches the action.
    response = forge("endorse", {"member": bram.pk, "skill": net.python.pk}, with_token=False)
    assert response.status == 403
    assert network_rows() == before
