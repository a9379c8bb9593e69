"""A large, realistic network for measuring the graph (``manage.py generate_network``).

Where :mod:`example_site.demo.write` plans a few hundred hand-shaped profiles, this
module streams tens of thousands of them, with a million connections, straight into
the tables (see :mod:`example_site.demo.bulk`) in one transaction:

* companies with heavy-tailed sizes, every member at one of them (most) with a
  current position and often a past one elsewhere;
* connections with a heavy-tailed degree distribution — each member gets a weight
  drawn from a Pareto law (shape 1.7), each connection joins two members drawn by
  weight (Chung–Lu), or, two times in five, a member and a colleague at the same
  company (which is what gives a real network its triangles: mutual connections,
  paths of 2 and 3 hops). Most members end up with a dozen or a few dozen
  connections, a handful with thousands;
* skills, interests, endorsements (only between connections, only for a skill the
  member lists), recommendations (between connections), follows, pending
  invitations and blocks (never between connected members);
* real Wagtail pages: materialised paths, depth, ``numchild`` and ``url_path``
  exactly as ``add_child`` leaves them, so that ``fixtree`` finds nothing.

What it leaves out, on purpose: page revisions and audit-log entries (a page edited
in the admin gets its first revision then), connection history events and
notifications. The search index is built as a separate, timed step
(:func:`build_search_index`).
"""

from __future__ import annotations

import itertools
import random
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CASCADE, SET_NULL, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from wagtail_network import search
from wagtail_network.models import (
    Block,
    CompanyIndexPage,
    CompanyPage,
    Connection,
    ConnectionEdge,
    ConnectionState,
    Endorsement,
    EndorsementState,
    FieldVisibility,
    Follow,
    Industry,
    MemberIndexPage,
    MemberInterest,
    MemberPage,
    Position,
    ProfileVisibility,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Skill,
)

from . import bulk, data, roles, tree, write

#: Shape of the Pareto law of member weights: 1.7 gives a median degree of about
#: 0.7 times the mean and a few members with thousands at 100,000 members.
DEGREE_SHAPE = 1.7
#: Share of connections drawn between colleagues at the same company.
LOCAL_SHARE = 0.4
#: Pending invitations, endorsements and recommendations per connection; blocks
#: per member.
PENDING_SHARE = 0.01
ENDORSEMENT_SHARE = 0.3
RECOMMENDATION_SHARE = 0.02
BLOCK_SHARE = 0.005
FOLLOW_SHARE = 0.3
#: How far back the network's history reaches.
HISTORY = timedelta(days=3 * 365)


@dataclass
class Timings:
    """What each step took, in seconds, in the order the steps ran."""

    steps: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class Progress:
    """A progress bar with its rate on ``stream``, a management command's output
    (one line, redrawn on a terminal; a line at each tenth elsewhere, so that a log
    stays readable)."""

    WIDTH = 24

    def __init__(self, stream, label: str, total: int) -> None:
        self.stream = stream
        self.label = label
        self.total = max(total, 1)
        self.started = time.perf_counter()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.shown = -1.0
        self.tenth = -1

    def __call__(self, done: int) -> None:
        if self.stream is None:
            return
        now = time.perf_counter()
        tenth = done * 10 // self.total
        if self.tty and now - self.shown < 0.2 and done < self.total:
            return
        if not self.tty and tenth == self.tenth:
            return
        self.shown, self.tenth = now, tenth
        self.stream.write(self._line(done, now), ending="\r" if self.tty else "\n")
        self.stream.flush()

    def _line(self, done: int, now: float) -> str:
        filled = self.WIDTH * min(done, self.total) // self.total
        rate = done / max(now - self.started, 1e-9)
        return (
            f"  {self.label:<16} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done:>10,}/{self.total:,}  {rate:>9,.0f}/s"
        )

    def finish(self, done: int) -> float:
        elapsed = time.perf_counter() - self.started
        if self.stream is not None:
            self.stream.write(self._line(done, time.perf_counter()) + f"  {elapsed:.1f}s")
            self.stream.flush()
        return elapsed


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _step(n: int) -> str:
    """One treebeard path step (``Page.steplen`` digits of ``Page.alphabet``)."""
    alphabet, digits = Page.alphabet, []
    while n:
        n, digit = divmod(n, len(alphabet))
        digits.append(alphabet[digit])
    return "".join(reversed(digits)).rjust(Page.steplen, alphabet[0])


class Generator:
    """Generates one network for ``seed``; :meth:`run` writes it (inside a transaction)."""

    def __init__(
        self,
        *,
        members: int,
        companies: int,
        connections: int,
        seed: int,
        password: str,
        stream=None,
    ) -> None:
        self.n_members, self.n_companies, self.n_connections = members, companies, connections
        self.rng = random.Random(seed)
        self.password_hash = roles.hash_password(password)
        self.stream = stream
        self.now = timezone.now().replace(microsecond=0)
        self.timings = Timings()

    # -- steps -------------------------------------------------------------------

    def _timed(self, label: str, total: int, step: Callable[[Progress], int]) -> None:
        progress = Progress(self.stream, label, total)
        done = step(progress)
        self.timings.steps[label] = progress.finish(done)
        self.timings.counts[label] = done

    def run(self) -> Timings:
        started = time.perf_counter()
        home = write.ensure_home()
        self.company_index, self.member_index = write.ensure_directories(home)
        groups = roles.ensure_groups([self.company_index, self.member_index])
        roles.ensure_role_users(self.password_hash, groups, reset_passwords=True)
        if self.company_index.numchild or self.member_index.numchild:
            raise ValueError(
                "The directories already hold pages: run with --reset to replace them."
            )
        self.industries = [
            t.pk
            for t in write._get_or_create_terms(
                Industry, [i.name for i in data.INDUSTRIES]
            ).values()
        ]
        skills = write._get_or_create_terms(Skill, data.all_skills())
        self.skill_ids = {name: term.pk for name, term in skills.items()}
        self.tags = sorted(t.pk for t in write._get_or_create_tags(set(data.INTERESTS)).values())
        self.timings.steps["site, vocabularies, role accounts"] = time.perf_counter() - started

        self._plan_members()
        with bulk.foreign_keys_parked(written_tables()):
            self._write_all()
            started = time.perf_counter()
        self.timings.steps["foreign keys checked"] = time.perf_counter() - started
        return self.timings

    def _write_all(self) -> None:
        self._timed("companies", self.n_companies, self._write_companies)
        self._timed("accounts", self.n_members, self._write_users)
        self._timed("members", self.n_members, self._write_members)
        self._timed("skills, interests", self.n_members, self._write_profile_parts)
        self._timed("positions", self.n_members, self._write_positions)
        started = time.perf_counter()
        self._plan_connections()
        self.timings.steps["planning connections"] = time.perf_counter() - started
        self._timed("connections", len(self.pairs), self._write_connections)
        self._timed("edges", 2 * self.accepted, self._write_edges)
        self._timed(
            "endorsements",
            int(self.accepted * ENDORSEMENT_SHARE),
            self._write_endorsements,
        )
        self._timed(
            "recommendations",
            int(self.accepted * RECOMMENDATION_SHARE),
            self._write_recommendations,
        )
        self._timed("follows, blocks", self.n_members, self._write_follows_and_blocks)

    # -- planning ----------------------------------------------------------------

    def _plan_members(self) -> None:
        """Who works where: company sizes are heavy-tailed too; members are numbered by
        company, so that each company's people are one contiguous range."""
        rng = self.rng
        weights = [rng.paretovariate(1.2) for _ in range(self.n_companies)]
        cumulative = list(itertools.accumulate(weights))
        # One member in twenty has no company in the network.
        employers = rng.choices(range(self.n_companies), cum_weights=cumulative, k=self.n_members)
        for i in range(self.n_members // 20):
            employers[i] = -1
        employers.sort()
        self.employer = array("l", employers)
        self.cohort: dict[int, tuple[int, int]] = {}
        for company, group in itertools.groupby(range(self.n_members), key=employers.__getitem__):
            indices = list(group)
            self.cohort[company] = (indices[0], indices[-1] + 1)
        self.company_industry = [
            rng.randrange(len(data.INDUSTRIES)) for _ in range(self.n_companies)
        ]

    def _plan_connections(self) -> None:
        """The accepted connections (pairs of member indices, low first), then pending
        invitations between other pairs."""
        rng, n = self.rng, self.n_members
        weights = [rng.paretovariate(DEGREE_SHAPE) for _ in range(n)]
        cumulative = list(itertools.accumulate(weights))
        members = range(n)
        pairs: set[int] = set()
        target = self.n_connections
        while len(pairs) < target:
            missing = target - len(pairs)
            ends = rng.choices(members, cum_weights=cumulative, k=2 * missing + 16)
            for a, b in zip(ends[::2], ends[1::2], strict=True):
                if rng.random() < LOCAL_SHARE:
                    start, stop = self.cohort[self.employer[a]]
                    if stop - start > 1:
                        b = rng.randrange(start, stop)
                if a == b:
                    continue
                pairs.add(a * n + b if a < b else b * n + a)
                if len(pairs) >= target:
                    break
        accepted = sorted(pairs)
        self.accepted = len(accepted)
        pending: list[int] = []
        live = pairs
        while len(pending) < int(target * PENDING_SHARE):
            a, b = rng.randrange(n), rng.randrange(n)
            key = a * n + b if a < b else b * n + a
            if a != b and key not in live:
                live.add(key)
                pending.append(key)
        self.live = live  # every pair with a live connection, for the blocks
        self.pairs = array("q", accepted + pending)
        # Seconds after the start of the history (asked) and until the answer: two
        # arrays rather than a million datetimes.
        span = int(HISTORY.total_seconds())
        self.epoch = self.now - HISTORY
        self.asked = array("l", (rng.randrange(span) for _ in range(len(self.pairs))))
        self.answered_after = array(
            "l",
            (min(rng.randrange(7 * 86_400), span - asked) for asked in self.asked),
        )

    # -- writing -----------------------------------------------------------------

    def _past(self, within: timedelta = HISTORY) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(int(within.total_seconds())))

    def _page_fields(self, parent: Page, slug: str, title: str, step: int, model) -> dict:
        published = self._past()
        return {
            "title": title,
            "draft_title": title,
            "slug": slug,
            "path": parent.path + _step(step),
            "depth": parent.depth + 1,
            "numchild": 0,
            "url_path": f"{parent.url_path}{slug}/",
            "locale_id": parent.locale_id,
            "content_type_id": ContentType.objects.get_for_model(model).pk,
            "live": True,
            "has_unpublished_changes": False,
            "first_published_at": published,
            "last_published_at": published,
        }

    def _write_pages(self, parent: Page, model, count: int, build, progress) -> int:
        """``count`` pages of ``model`` as the children of ``parent`` (which has none
        yet); ``build(i, pk)`` returns the i-th unsaved page. Returns the first id
        (the i-th page has ``first + i``)."""
        first = bulk.reserve_ids(Page, count)
        chain = tree.model_chain(model)
        written = 0
        for batch in bulk.batched(range(count), 2_000):
            pages = [build(i, first + i) for i in batch]
            for level in chain:
                bulk.write_models(level, pages)
            written += len(pages)
            progress(written)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
        parent.refresh_from_db()
        return first

    def _write_companies(self, progress: Progress) -> int:
        rng = self.rng
        prefixes, suffixes = data.EXTRA_COMPANY_PARTS
        used: set[str] = set()
        self.company_names: list[str] = []
        for i in range(self.n_companies):
            name = data.COMPANIES[i][0] if i < len(data.COMPANIES) else ""
            while not name or slugify(name) in used:
                name = f"{rng.choice(prefixes)}{rng.choice(suffixes)} {rng.randrange(1, 10_000)}"
            used.add(slugify(name))
            self.company_names.append(name)
        editor = get_user_model()._default_manager.get(
            **{get_user_model().USERNAME_FIELD: roles.login_of("editor")}
        )

        def build(i: int, pk: int) -> CompanyPage:
            name = self.company_names[i]
            country = _pick(rng, data.COUNTRY_WEIGHTS)
            return CompanyPage(
                id=pk,
                page_ptr_id=pk,
                owner_id=editor.pk,
                **self._page_fields(self.company_index, slugify(name), name, i + 1, CompanyPage),
                tagline="",
                description=f"<p>{rng.choice(data.COMPANY_DESCRIPTIONS)}</p>",
                industry_id=self.industries[self.company_industry[i]],
                size_range=_pick(rng, data.SIZE_WEIGHTS),
                city=_pick(rng, data.CITIES[country]),
                country=country,
            )

        first = self._write_pages(
            self.company_index, CompanyPage, self.n_companies, build, progress
        )
        self.company_ids = range(first, first + self.n_companies)
        return self.n_companies

    def _name(self, i: int) -> tuple[str, str, str]:
        rng = self.rng
        country = _pick(rng, data.COUNTRY_WEIGHTS)
        first, last = {
            data.NL: (data.DUTCH_FIRST, data.DUTCH_LAST),
            data.UK: (data.ENGLISH_FIRST, data.ENGLISH_LAST),
            data.BE: (data.BELGIAN_FIRST, data.BELGIAN_LAST),
        }[country]
        return rng.choice(first), rng.choice(last), country

    def _write_users(self, progress: Progress) -> int:
        User = get_user_model()
        fields = {f.name for f in User._meta.concrete_fields}
        first_id = bulk.reserve_ids(User, self.n_members)
        self.user_ids = range(first_id, first_id + self.n_members)
        self.names: list[tuple[str, str, str]] = [self._name(i) for i in range(self.n_members)]
        self.slugs = [
            f"{slugify(first)}-{slugify(last)}-{i + 1}"
            for i, (first, last, _) in enumerate(self.names)
        ]

        def users() -> Iterator[Any]:
            for i, (first, last, _) in enumerate(self.names):
                values: dict[str, Any] = {
                    "id": first_id + i,
                    "password": self.password_hash,
                    **roles.account_fields(self.slugs[i]),
                }
                if "first_name" in fields:
                    values["first_name"], values["last_name"] = first, last
                yield User(**values)

        return bulk.write_models(User, users(), progress=progress)

    def _write_members(self, progress: Progress) -> int:
        rng = self.rng
        profile_weights = [
            (ProfileVisibility.PUBLIC, 85),
            (ProfileVisibility.MEMBERS, 10),
            (ProfileVisibility.CONNECTIONS, 5),
        ]
        levels = [
            FieldVisibility.PUBLIC,
            FieldVisibility.MEMBERS,
            FieldVisibility.CONNECTIONS,
            FieldVisibility.ONLY_ME,
        ]
        field_weights = {
            "email_visibility": (10, 50, 25, 15),
            "phone_visibility": (5, 15, 50, 30),
            "connections_visibility": (20, 60, 15, 5),
            "positions_visibility": (80, 12, 6, 2),
        }
        self.titles: list[str] = []
        self.member_industry = array("b")

        def build(i: int, pk: int) -> MemberPage:
            first, last, country = self.names[i]
            company = self.employer[i]
            industry = (
                self.company_industry[company]
                if company >= 0
                else rng.randrange(len(data.INDUSTRIES))
            )
            self.member_industry.append(industry)
            info = data.INDUSTRIES[industry]
            job = rng.choice(info.titles)
            self.titles.append(job)
            where = f" at {self.company_names[company]}" if company >= 0 else ""
            slug = self.slugs[i]
            return MemberPage(
                id=pk,
                page_ptr_id=pk,
                owner_id=self.user_ids[i],
                user_id=self.user_ids[i],
                **self._page_fields(self.member_index, slug, f"{first} {last}", i + 1, MemberPage),
                headline=f"{job}{where}",
                bio=f"<p>{rng.choice(data.BIOS_EN)}</p>",
                city=_pick(rng, data.CITIES[country]),
                country=country,
                industry_id=self.industries[industry],
                languages=_pick(rng, data.LANGUAGES[country]),
                open_to_new_job=rng.random() < 0.15,
                open_to_hiring=rng.random() < 0.08,
                open_to_mentoring=rng.random() < 0.12,
                open_to_advice=rng.random() < 0.2,
                open_to_partnerships=rng.random() < 0.05,
                contact_email=f"{slug}@{roles.DEMO_EMAIL_DOMAIN}",
                profile_visibility=_pick(rng, profile_weights),
                **{
                    name: rng.choices(levels, weights)[0] for name, weights in field_weights.items()
                },
            )

        first = self._write_pages(self.member_index, MemberPage, self.n_members, build, progress)
        self.member_ids = range(first, first + self.n_members)
        return self.n_members

    def _write_profile_parts(self, progress: Progress) -> int:
        """Skills (3 to 8, mostly of the industry) and interests (0 to 3) per member."""
        rng = self.rng
        general = [self.skill_ids[s] for s in data.GENERAL_SKILLS]
        by_industry = [[self.skill_ids[s] for s in info.skills] for info in data.INDUSTRIES]
        self.member_skills: list[tuple[int, ...]] = []
        for industry in self.member_industry:
            own = by_industry[industry]
            chosen = set(rng.sample(own, min(len(own), rng.randint(2, 6))))
            chosen.update(rng.sample(general, rng.randint(1, 2)))
            self.member_skills.append(tuple(sorted(chosen)))
        through = MemberPage.skills.through
        bulk.write_rows(
            through._meta.db_table,
            ["memberpage_id", "skill_id"],
            (
                (pk, skill)
                for pk, skills in zip(self.member_ids, self.member_skills, strict=True)
                for skill in skills
            ),
        )
        progress(self.n_members // 2)
        bulk.write_rows(
            MemberInterest._meta.db_table,
            ["content_object_id", "tag_id"],
            (
                (pk, tag)
                for pk in self.member_ids
                for tag in rng.sample(self.tags, rng.randint(0, 3))
            ),
        )
        return self.n_members

    def _write_positions(self, progress: Progress) -> int:
        """The current position at the member's company, and half the time a past one
        at another company (what "worked there" is built on); some verified."""
        rng = self.rng
        today = self.now.date()

        def rows() -> Iterator[tuple]:
            for i, pk in enumerate(self.member_ids):
                company = self.employer[i]
                started = today - timedelta(days=rng.randrange(30, 3_000))
                order = 0
                if company >= 0:
                    verified = self._past() if rng.random() < 0.3 else None
                    yield (
                        pk,
                        order,
                        self.company_ids[company],
                        "",
                        self.titles[i],
                        started,
                        None,
                        True,
                        verified,
                    )
                    order += 1
                if rng.random() < 0.5:
                    before = rng.randrange(self.n_companies)
                    left = started - timedelta(days=rng.randrange(1, 60))
                    began = left - timedelta(days=rng.randrange(180, 2_500))
                    company_id = self.company_ids[before] if before != company else None
                    name = "" if company_id else rng.choice(data.FREE_TEXT_COMPANIES)
                    yield (pk, order, company_id, name, self.titles[i], began, left, False, None)
                if i % 5_000 == 0:
                    progress(i)

        columns = [
            "member_id",
            "sort_order",
            "company_id",
            "company_name",
            "title",
            "start_date",
            "end_date",
            "is_current",
            "verified_at",
        ]
        self.timings.counts["position rows"] = bulk.write_rows(
            Position._meta.db_table, columns, rows()
        )
        return self.n_members

    def _connected_at(self, index: int) -> tuple[datetime, datetime]:
        """When the ``index``-th connection was asked for and answered."""
        asked = self.epoch + timedelta(seconds=self.asked[index])
        return asked, asked + timedelta(seconds=self.answered_after[index])

    def _write_connections(self, progress: Progress) -> int:
        n, ids = self.n_members, self.member_ids
        first = bulk.reserve_ids(Connection, len(self.pairs))
        self.first_connection = first
        messages = data.INVITATION_MESSAGES

        def rows() -> Iterator[tuple]:
            rng = self.rng
            for index, key in enumerate(self.pairs):
                low, high = ids[key // n], ids[key % n]
                requester, recipient = (low, high) if rng.random() < 0.5 else (high, low)
                asked, answered = self._connected_at(index)
                if index < self.accepted:
                    yield (
                        first + index,
                        low,
                        high,
                        requester,
                        recipient,
                        ConnectionState.ACCEPTED,
                        "",
                        asked,
                        answered,
                    )
                else:
                    message = rng.choice(messages) if rng.random() < 0.3 else ""
                    yield (
                        first + index,
                        low,
                        high,
                        requester,
                        recipient,
                        ConnectionState.PENDING,
                        message,
                        self._past(timedelta(days=60)),
                        None,
                    )

        columns = [
            "id",
            "member_low_id",
            "member_high_id",
            "requester_id",
            "recipient_id",
            "state",
            "message",
            "created_at",
            "responded_at",
        ]
        return bulk.write_rows(Connection._meta.db_table, columns, rows(), progress=progress)

    def _write_edges(self, progress: Progress) -> int:
        n, ids, first = self.n_members, self.member_ids, self.first_connection

        def rows() -> Iterator[tuple]:
            for index in range(self.accepted):
                key = self.pairs[index]
                low, high = ids[key // n], ids[key % n]
                at = self._connected_at(index)[1]
                yield (low, high, first + index, at)
                yield (high, low, first + index, at)

        columns = ["member_id", "other_id", "connection_id", "created_at"]
        return bulk.write_rows(ConnectionEdge._meta.db_table, columns, rows(), progress=progress)

    def _random_connection(self) -> tuple[int, int, int]:
        """A random accepted connection as (index, one end, the other end), in a
        random direction (member indices)."""
        index = self.rng.randrange(self.accepted)
        key = self.pairs[index]
        a, b = divmod(key, self.n_members)
        return (index, a, b) if self.rng.random() < 0.5 else (index, b, a)

    def _write_endorsements(self, progress: Progress) -> int:
        target = int(self.accepted * ENDORSEMENT_SHARE)
        ids = self.member_ids

        def rows() -> Iterator[tuple]:
            seen: set[tuple[int, int, int]] = set()
            while len(seen) < target:
                index, endorser, member = self._random_connection()
                skill = self.rng.choice(self.member_skills[member])
                if (endorser, member, skill) in seen:
                    continue
                seen.add((endorser, member, skill))
                at = self._connected_at(index)[1] + timedelta(days=self.rng.randrange(1, 90))
                yield (
                    ids[endorser],
                    ids[member],
                    skill,
                    EndorsementState.LIVE,
                    False,
                    min(at, self.now),
                )

        columns = ["endorser_id", "member_id", "skill_id", "state", "is_hidden", "created_at"]
        return bulk.write_rows(Endorsement._meta.db_table, columns, rows(), progress=progress)

    def _write_recommendations(self, progress: Progress) -> int:
        target = int(self.accepted * RECOMMENDATION_SHARE)
        ids = self.member_ids
        relationships = list(RecommendationRelationship.values)
        states = [(RecommendationState.PUBLISHED, 85), (RecommendationState.PENDING_RECIPIENT, 15)]

        def rows() -> Iterator[tuple]:
            seen: set[tuple[int, int]] = set()
            rng = self.rng
            while len(seen) < target:
                index, author, member = self._random_connection()
                if (author, member) in seen:
                    continue
                seen.add((author, member))
                at = min(
                    self.now, self._connected_at(index)[1] + timedelta(days=rng.randrange(1, 200))
                )
                state = _pick(rng, states)
                answered = (
                    at + timedelta(days=1) if state == RecommendationState.PUBLISHED else None
                )
                yield (
                    ids[author],
                    ids[member],
                    rng.choice(relationships),
                    rng.choice(data.RECOMMENDATION_TEXTS),
                    state,
                    False,
                    at,
                    at,
                    min(answered, self.now) if answered else None,
                )

        columns = [
            "author_id",
            "member_id",
            "relationship",
            "text",
            "state",
            "is_hidden",
            "created_at",
            "updated_at",
            "responded_at",
        ]
        return bulk.write_rows(Recommendation._meta.db_table, columns, rows(), progress=progress)

    def _write_follows_and_blocks(self, progress: Progress) -> int:
        rng, ids, n = self.rng, self.member_ids, self.n_members
        follows = (
            (ids[i], self.company_ids[self.employer[i]], self._past())
            for i in range(n)
            if self.employer[i] >= 0 and rng.random() < FOLLOW_SHARE
        )
        self.timings.counts["follows"] = bulk.write_rows(
            Follow._meta.db_table, ["member_id", "company_id", "created_at"], follows
        )
        progress(n // 2)
        blocks: set[tuple[int, int]] = set()
        while len(blocks) < int(n * BLOCK_SHARE):
            a, b = rng.randrange(n), rng.randrange(n)
            key = a * n + b if a < b else b * n + a
            if a != b and key not in self.live:
                blocks.add((a, b))
        self.timings.counts["blocks"] = bulk.write_rows(
            Block._meta.db_table,
            ["blocker_id", "blocked_id", "created_at"],
            ((ids[a], ids[b], self._past()) for a, b in sorted(blocks)),
        )
        return n


# ---------------------------------------------------------------------------
# Reset, statistics, search index, checks
# ---------------------------------------------------------------------------

#: The plugin's tables a reset empties, page tables aside (vocabularies stay).
KEPT_MODELS = {"industry", "skill"}


def network_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in apps.get_app_config("wagtail_network").get_models(include_auto_created=True)
        if not model._meta.proxy
        and model._meta.model_name not in KEPT_MODELS
        and not issubclass(model, Page)
    ]


def written_tables() -> list[str]:
    """The tables the generator writes rows into."""
    models = [
        Page,
        CompanyPage,
        MemberPage,
        MemberPage.skills.through,
        MemberInterest,
        Position,
        Connection,
        ConnectionEdge,
        Endorsement,
        Recommendation,
        Follow,
        Block,
    ]
    return [model._meta.db_table for model in models]


def reset() -> dict[str, int]:
    """Remove the network, fast at any size: the plugin's rows and the profile pages
    in a few statements, then what :func:`example_site.demo.write.reset` removes
    (the emptied directories, demo images and accounts). Inside a transaction."""
    from wagtail.models import PageLogEntry, Revision
    from wagtail.search.models import IndexEntry

    profile_types = [ContentType.objects.get_for_model(m) for m in (MemberPage, CompanyPage)]
    with transaction.atomic():
        pages = Page.objects.filter(content_type__in=profile_types)
        removed = pages.count()
        tables = network_tables() + [MemberPage._meta.db_table, CompanyPage._meta.db_table]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                bulk.run_pending_checks()
                cursor.execute("TRUNCATE " + ", ".join(bulk.quote(t) for t in tables))
            else:
                for table in tables:  # foreign keys are checked at commit
                    cursor.execute(f"DELETE FROM {bulk.quote(table)}")
        IndexEntry.objects.filter(content_type__in=profile_types).delete()
        PageLogEntry.objects.filter(content_type__in=profile_types).delete()
        Revision.objects.filter(content_type__in=profile_types).delete()
        _remove_references_to(pages)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {bulk.quote(Page._meta.db_table)} WHERE content_type_id IN "
                f"({', '.join(str(t.pk) for t in profile_types)})"
            )
        for directory in Page.objects.type(CompanyIndexPage, MemberIndexPage):
            Page.objects.filter(pk=directory.pk).update(numchild=directory.get_children().count())
        result = write.reset()
    result["pages"] += removed
    return result


def _remove_references_to(pages) -> None:
    """Delete, through the ORM, whatever else refers to ``pages`` by a foreign key
    (the subscription Wagtail makes when someone opens a page's editor, comments,
    workflow states, view restrictions, …), and unlink aliases of them, so that the
    pages themselves can go in one statement."""
    for relation in Page._meta.related_objects:
        if relation.parent_link:
            continue  # a specific page table, emptied above
        if relation.many_to_many:
            through = relation.through
            links = [f.name for f in through._meta.fields if f.related_model is Page]
            for name in links:
                through._base_manager.filter(**{f"{name}__in": pages}).delete()
            continue
        referring = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": pages}
        )
        if relation.related_model is Page:
            referring = referring.exclude(pk__in=pages)  # those go anyway
        # As deleting the pages one by one would: what cascades goes, what is set to
        # null is unlinked, what is protected stops the reset.
        if relation.on_delete is CASCADE:
            referring.delete()
        elif relation.on_delete is SET_NULL:
            referring.update(**{relation.field.name: None})
        elif referring.exists():
            raise ValueError(
                f"{relation.related_model._meta.verbose_name_plural} refer to the network's "
                "pages: remove them first, or generate into a fresh database."
            )


def analyze() -> None:
    """Fresh statistics for what was loaded (the graph's query plans depend on them)."""
    tables = [
        *network_tables(),
        Page._meta.db_table,
        MemberPage._meta.db_table,
        CompanyPage._meta.db_table,
        MemberPage.skills.through._meta.db_table,
        get_user_model()._meta.db_table,
    ]
    bulk.analyze(tables)


def build_search_index() -> dict[str, int]:
    """The plugin's profile index and Wagtail's shared index, as
    ``rebuild_network_search`` builds them."""
    return search.rebuild()


def check_invariants() -> list[str]:
    """What is wrong with the network's data, in words (nothing, when it is sound):
    the page tree (treebeard's own check, as ``fixtree`` runs it), then the rules of
    the data model."""
    problems = []
    evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild = Page.find_problems()
    for label, found in (
        ("page paths with invalid characters", evil_chars),
        ("page paths of a wrong length", bad_steplen),
        ("orphan pages", orphans),
        ("pages at a wrong depth", wrong_depth),
        ("pages with a wrong numchild", wrong_numchild),
    ):
        if found:
            problems.append(f"{len(found)} {label}")
    edge = ConnectionEdge.objects.filter(
        member=OuterRef("member_low"), other=OuterRef("member_high"), connection=OuterRef("pk")
    )
    back = ConnectionEdge.objects.filter(
        member=OuterRef("member_high"), other=OuterRef("member_low"), connection=OuterRef("pk")
    )
    accepted = Connection.objects.filter(state=ConnectionState.ACCEPTED)
    checks = {
        "accepted connections without both edge rows": accepted.filter(
            ~Exists(edge) | ~Exists(back)
        ),
        "edges of a connection that is not accepted": ConnectionEdge.objects.exclude(
            connection__state=ConnectionState.ACCEPTED
        ),
        "edges whose members are not the connection's": ConnectionEdge.objects.exclude(
            Q(member=F("connection__member_low"), other=F("connection__member_high"))
            | Q(member=F("connection__member_high"), other=F("connection__member_low"))
        ),
        "endorsements between members who are not connected": Endorsement.objects.exclude(
            Exists(
                ConnectionEdge.objects.filter(member=OuterRef("endorser"), other=OuterRef("member"))
            )
        ),
        "endorsements of a skill the member does not list": Endorsement.objects.exclude(
            Exists(
                MemberPage.skills.through.objects.filter(
                    memberpage_id=OuterRef("member_id"), skill_id=OuterRef("skill_id")
                )
            )
        ),
        "recommendations between members who are not connected": Recommendation.objects.exclude(
            Exists(
                ConnectionEdge.objects.filter(member=OuterRef("author"), other=OuterRef("member"))
            )
        ),
        "blocks between connected members": Block.objects.filter(
            Exists(
                ConnectionEdge.objects.filter(member=OuterRef("blocker"), other=OuterRef("blocked"))
            )
        ),
    }
    for label, queryset in checks.items():
        if count := queryset.count():
            problems.append(f"{count} {label}")
    # One live connection per pair is the database's own unique constraint.
    return problems


def degree_summary() -> dict[str, int]:
    """Median, 99th percentile and largest number of connections of a member."""
    from django.db.models import Count

    counted = list(
        ConnectionEdge.objects.values("member").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    unconnected = MemberPage.objects.count() - len(counted)
    degrees = sorted([0] * max(unconnected, 0) + counted)
    if not degrees:
        return {"median": 0, "p99": 0, "max": 0}
    return {
        "median": degrees[len(degrees) // 2],
        "p99": degrees[min(len(degrees) - 1, len(degrees) * 99 // 100)],
        "max": degrees[-1],
    }


__all__ = [
    "Generator",
    "analyze",
    "build_search_index",
    "check_invariants",
    "degree_summary",
    "reset",
]
