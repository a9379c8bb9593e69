"""Builds the demo network: site structure, companies, members, their network.

The generator is a seeded ``random.Random``: the same ``seed`` and sizes give the
same network, names and all. Everything is planned in memory first (plain
Python), then written with a handful of bulk statements inside one transaction
(see :mod:`example_site.demo.tree` for the pages), which is what makes a
450-page network load in seconds rather than minutes.

Shapes worth knowing when you look at the data:

* Members join over the last six months, more of them recently (the growth chart
  rises and steepens); companies mostly joined early.
* Connections grow by preferential attachment in join order (the chance of being
  picked grows a little faster than the degree), plus "friend of a friend" links
  made later: a few hubs with 100+ connections at the default size, most members
  with a handful, and real mutual connections.
* Every accepted connection has its two ``ConnectionEdge`` rows and its history
  (invited, accepted); pending, ignored, withdrawn and removed invitations have
  theirs. Endorsements are only between connections and only for listed skills.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page, Site

from example_site.home.models import HomePage
from wagtail_network.models import (
    Block,
    CompanyIndexPage,
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    CompanySpeciality,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Education,
    Endorsement,
    EndorsementState,
    FieldVisibility,
    Follow,
    Industry,
    MemberIndexPage,
    MemberInterest,
    MemberLink,
    MemberPage,
    Position,
    ProfileVisibility,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
    Skill,
)

from . import data, images, roles, tree

WINDOW_DAYS = 182
MEMBER_EMAIL_DOMAIN = roles.DEMO_EMAIL_DOMAIN

HOME_INTRO = (
    "<p>Welcome to the Wagtail Network demo: {companies} companies and {members} "
    "professionals from the Netherlands, Belgium and the United Kingdom. Browse the "
    "directories, or sign in to connect, endorse skills and write recommendations.</p>"
)


@dataclass
class DemoResult:
    """What was loaded, for the command's summary and the tests."""

    companies: list[CompanyPage]
    members: list[MemberPage]
    connections: int
    accounts: roles.RoleAccounts
    admin_companies: list[CompanyPage]
    counts: dict[str, int] = field(default_factory=dict)


def _weighted(rng: random.Random, pairs: list[tuple]) -> object:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class DemoNetworkBuilder:
    """Plans and writes one demo network. Use :meth:`build` inside a transaction."""

    def __init__(
        self, *, members: int, companies: int, seed: int, password_hash: str, stdout=None
    ) -> None:
        self.n_members = members
        self.n_companies = companies
        self.rng = random.Random(seed)
        self.password_hash = password_hash
        self.stdout = stdout
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - timedelta(days=WINDOW_DAYS)
        self._last_mark = time.perf_counter()

    # ------------------------------------------------------------------ helpers

    def _at(self, fraction: float) -> datetime:
        """The moment ``fraction`` (0 = six months ago, 1 = now) into the window."""
        return self.start + (self.now - self.start) * min(max(fraction, 0.0), 1.0)

    def _between(self, earliest: datetime, latest: datetime | None = None) -> datetime:
        latest = latest or self.now
        if latest <= earliest:
            return earliest
        seconds = (latest - earliest).total_seconds()
        return earliest + timedelta(seconds=self.rng.uniform(0, seconds))

    def _soon_after(self, moment: datetime, max_days: float) -> datetime:
        return min(moment + timedelta(days=self.rng.uniform(0.01, max_days)), self.now)

    def _mark(self, label: str) -> None:
        """Report the time spent since the previous mark (``--verbosity 2``)."""
        now = time.perf_counter()
        if self.stdout is not None:
            self.stdout.write(f"  {label}: {now - self._last_mark:.2f}s")
        self._last_mark = now

    # ------------------------------------------------------------ site skeleton

    def ensure_home(self) -> HomePage:
        """The default Site's root as a HomePage (replacing Wagtail's welcome page)."""
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is not None and isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        root = Page.get_first_root_node()
        # Wagtail's initial welcome page (a plain Page, slug "home") would clash.
        welcome = root.get_children().filter(slug="home").first()
        if welcome is not None and welcome.specific_class is Page and welcome.numchild == 0:
            welcome.delete()
        home = root.add_child(instance=HomePage(title="Wagtail Network", slug="home"))
        home.save_revision().publish()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.root_page = home
            site.save()
        return home

    def ensure_directories(self, home: HomePage) -> tuple[CompanyIndexPage, MemberIndexPage]:
        found = {}
        for model, title, slug, intro in (
            (
                CompanyIndexPage,
                "Companies",
                "companies",
                "<p>Companies in the network: filter by industry, location or speciality.</p>",
            ),
            (
                MemberIndexPage,
                "Members",
                "members",
                "<p>Professionals in the network: find people by skill, company or what "
                "they are open to.</p>",
            ),
        ):
            page = model.objects.child_of(home).filter(slug=slug).first()
            if page is None:
                page = home.add_child(instance=model(title=title, slug=slug, intro=intro))
                page.save_revision().publish()
            found[model] = page
        return found[CompanyIndexPage], found[MemberIndexPage]

    # --------------------------------------------------------------- vocabulary

    @staticmethod
    def _get_or_create_terms(model, names: list[str]) -> dict[str, object]:
        """Terms by name, reusing an editor's term with the same name or slug."""
        slugs = {name: slugify(name)[:100] for name in names}
        by_slug = {t.slug: t for t in model.objects.filter(slug__in=slugs.values())}
        by_name = {t.name: t for t in model.objects.filter(name__in=names)}
        existing = {
            name: by_name.get(name) or by_slug[slugs[name]]
            for name in names
            if name in by_name or slugs[name] in by_slug
        }
        missing = [model(name=name, slug=slugs[name]) for name in names if name not in existing]
        created = model.objects.bulk_create(missing)
        tree.bulk_index(model, created)
        existing.update({t.name: t for t in created})
        return existing

    @staticmethod
    def _get_or_create_tags(names: set[str]) -> dict[str, Tag]:
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        used_slugs = set(Tag.objects.values_list("slug", flat=True))
        missing = []
        for name in sorted(names - set(existing)):
            slug, n = slugify(name), 1
            while slug in used_slugs:
                n += 1
                slug = f"{slugify(name)}-{n}"
            used_slugs.add(slug)
            missing.append(Tag(name=name, slug=slug))
        existing.update({t.name: t for t in Tag.objects.bulk_create(missing)})
        return existing

    # ---------------------------------------------------------------- companies

    def plan_companies(self, industries: dict, book: images.PictureBook) -> list[CompanyPage]:
        rng = self.rng
        specs = list(data.COMPANIES[: self.n_companies])
        used = {slugify(s[0]) for s in specs}
        prefixes, suffixes = data.EXTRA_COMPANY_PARTS
        while len(specs) < self.n_companies:
            name = rng.choice(prefixes) + rng.choice(suffixes)
            if slugify(name) in used:
                name = f"{name} {rng.choice(['Noord', 'Zuid', 'Oost', 'West', 'UK', 'BE'])}"
            if slugify(name) in used:
                continue
            used.add(slugify(name))
            country = _weighted(rng, data.COUNTRY_WEIGHTS)
            city = _weighted(rng, data.CITIES[country])
            specs.append((name, rng.randrange(len(data.INDUSTRIES)), city, country, "", []))

        companies = []
        for name, industry_index, city, country, tagline, specialities in specs:
            info = data.INDUSTRIES[industry_index]
            slug = slugify(name)
            size = _weighted(rng, data.SIZE_WEIGHTS)
            year = rng.choice([rng.randint(1921, 1999), rng.randint(2000, 2024)])
            speciality_names = specialities or rng.sample(info.skills, 2)
            joined = self._at(rng.random() ** 2 * 0.8)  # most companies joined early
            description = rng.choice(data.COMPANY_DESCRIPTIONS).format(
                name=name,
                year=year,
                city=city,
                size=size.replace("+", " or more").replace("-", " to "),
                industry_lower=info.name.lower(),
                speciality=", ".join(s.lower() for s in speciality_names),
            )
            company = CompanyPage(
                title=name,
                slug=slug,
                tagline=tagline or f"{info.name} from {city}",
                description=description,
                industry_id=industries[info.name].pk,
                size_range=size,
                founded_year=year,
                city=city,
                country=country,
                website=f"https://www.{slug}.example/",
                contact_email=f"hello@{slug}.example",
                live=True,
                first_published_at=joined,
                last_published_at=self._between(joined),
            )
            company._demo_logo = book.logo_key(name, slug)
            company._demo_specialities = speciality_names
            company._demo_industry = industry_index
            companies.append(company)
        return companies

    # ------------------------------------------------------------------ members

    def _name(self, country: str) -> tuple[str, str]:
        rng = self.rng
        if country == data.BE:
            return rng.choice(data.BELGIAN_FIRST), rng.choice(data.BELGIAN_LAST)
        english = (country == data.UK) != (rng.random() < 0.12)  # some expats either way
        if english:
            return rng.choice(data.ENGLISH_FIRST), rng.choice(data.ENGLISH_LAST)
        return rng.choice(data.DUTCH_FIRST), rng.choice(data.DUTCH_LAST)

    def plan_members(
        self,
        companies: list[CompanyPage],
        industries: dict,
        skills: dict,
        book: images.PictureBook,
    ) -> list[MemberPage]:
        rng = self.rng
        n = self.n_members
        # Join moments: density rises towards now (x = sqrt(u)), sorted so that index
        # order is join order (preferential attachment below relies on it).
        joins = sorted(self._at(rng.random() ** 0.5) for _ in range(n))
        # The two demo members: Anna joined early (a well-connected member), Bram midway.
        anna_at, bram_at = max(1, n // 20), n // 2
        used_slugs: set[str] = set()
        pull = [data.SIZE_PULL[c.size_range] for c in companies]
        n_drafts = max(1, n // 150)
        members = []
        for index in range(n):
            if index == anna_at:
                country, city = data.NL, "Amsterdam"
                first, last = "Anna", "Visser"
            elif index == bram_at:
                country, city = data.NL, "Utrecht"
                first, last = "Bram", "de Jong"
            else:
                country = _weighted(rng, data.COUNTRY_WEIGHTS)
                city = _weighted(rng, data.CITIES[country])
                first, last = self._name(country)
            name = f"{first} {last}"
            slug = slugify(name)
            while slug in used_slugs:
                if index in (anna_at, bram_at):
                    slug = f"{slugify(name)}-{len(used_slugs)}"
                    continue
                first, last = self._name(country)
                name = f"{first} {last}"
                slug = slugify(name)
                if slug in used_slugs and rng.random() < 0.3:
                    slug = f"{slug}-{rng.randint(2, 99)}"
            used_slugs.add(slug)

            # Career: an industry, a current job (most people) and a few past ones.
            current_company = None
            if index == anna_at:
                current_company = companies[0]
            elif rng.random() < 0.72:
                current_company = rng.choices(companies, pull)[0]
            if current_company is not None and rng.random() < 0.8:
                industry_index = current_company._demo_industry
            else:
                industry_index = rng.randrange(len(data.INDUSTRIES))
            info = data.INDUSTRIES[industry_index]
            title = self._job_title(rng.choice(info.titles))
            has_job = current_company is not None or rng.random() < 0.75
            free_text_company = None if current_company else rng.choice(data.FREE_TEXT_COMPANIES)
            if not has_job:
                headline = f"{title.strip()} — open to new opportunities"
            elif current_company:
                headline = f"{title} at {current_company.title}"
            else:
                headline = f"{title} · {free_text_company}"

            member_skills = set(rng.sample(info.skills, min(len(info.skills), rng.randint(3, 6))))
            member_skills.update(rng.sample(data.GENERAL_SKILLS, rng.randint(1, 3)))
            if rng.random() < 0.3:
                other = data.INDUSTRIES[rng.randrange(len(data.INDUSTRIES))]
                member_skills.add(rng.choice(other.skills))
            interests = rng.sample(data.INTERESTS, rng.randint(1, 4))
            years = rng.randint(1, 30)

            bio_templates = data.BIOS_NL if country == data.NL and rng.random() < 0.25 else None
            bio = rng.choice(bio_templates or data.BIOS_EN).format(
                title=title,
                title_lower=title.lower(),
                years=years,
                industry_lower=info.name.lower(),
                interest=interests[0],
                skill1=sorted(member_skills)[0],
                skill2=sorted(member_skills)[-1],
                past=rng.choice(companies).title,
                city=city,
            )
            phone = {
                data.NL: f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                data.UK: f"+44 7700 900{rng.randint(100, 999)}",
                data.BE: f"+32 47{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
            }[country]
            domain = current_company.slug if current_company else "mail"
            is_draft = index >= n - n_drafts and index not in (anna_at, bram_at)
            joined = joins[index]
            member = MemberPage(
                title=name,
                slug=slug,
                headline=headline,
                bio=bio,
                city=city,
                country=country,
                industry_id=industries[info.name].pk,
                languages=_weighted(rng, data.LANGUAGES[country]),
                open_to_hiring=rng.random() < (0.35 if "manager" in title.lower() else 0.06),
                open_to_new_job=not has_job or rng.random() < 0.12,
                open_to_partnerships=rng.random() < 0.1,
                open_to_mentoring=years > 8 and rng.random() < 0.3,
                open_to_advice=rng.random() < 0.2,
                contact_email=f"{slug.replace('-', '.')}@{domain}.example",
                contact_phone=phone,
                profile_visibility=_weighted(
                    rng,
                    [
                        (ProfileVisibility.PUBLIC, 85),
                        (ProfileVisibility.MEMBERS, 10),
                        (ProfileVisibility.CONNECTIONS, 5),
                    ],
                ),
                email_visibility=_weighted(
                    rng,
                    [
                        (FieldVisibility.PUBLIC, 10),
                        (FieldVisibility.MEMBERS, 50),
                        (FieldVisibility.CONNECTIONS, 25),
                        (FieldVisibility.ONLY_ME, 15),
                    ],
                ),
                phone_visibility=_weighted(
                    rng,
                    [
                        (FieldVisibility.PUBLIC, 5),
                        (FieldVisibility.MEMBERS, 15),
                        (FieldVisibility.CONNECTIONS, 50),
                        (FieldVisibility.ONLY_ME, 30),
                    ],
                ),
                connections_visibility=_weighted(
                    rng,
                    [
                        (FieldVisibility.PUBLIC, 20),
                        (FieldVisibility.MEMBERS, 60),
                        (FieldVisibility.CONNECTIONS, 15),
                        (FieldVisibility.ONLY_ME, 5),
                    ],
                ),
                positions_visibility=_weighted(
                    rng,
                    [
                        (FieldVisibility.PUBLIC, 80),
                        (FieldVisibility.MEMBERS, 12),
                        (FieldVisibility.CONNECTIONS, 6),
                        (FieldVisibility.ONLY_ME, 2),
                    ],
                ),
                live=not is_draft,
                first_published_at=None if is_draft else joined,
                last_published_at=None if is_draft else self._between(joined),
                latest_revision_created_at=joined,
            )
            if index == anna_at:
                member.profile_visibility = ProfileVisibility.PUBLIC
                member.connections_visibility = FieldVisibility.MEMBERS
            elif index == bram_at:
                # Bram shows what "members only" looks like: visitors do not find him.
                member.profile_visibility = ProfileVisibility.MEMBERS
            member._demo_role = {anna_at: "anna", bram_at: "bram"}.get(index)
            member._demo_joined = joined
            member._demo_photo = book.portrait_key(name) if rng.random() < 0.85 else None
            member._demo_skills = [skills[s].pk for s in sorted(member_skills)]
            member._demo_interests = interests
            member._demo_career = self._plan_career(
                rng, title, info, years, current_company, free_text_company, has_job, companies
            )
            member._demo_education = self._plan_education(rng, country, info, years)
            member._demo_links = self._plan_links(rng, slug, industry_index)
            member._demo_first_last = (first, last)
            members.append(member)
        return members

    def _job_title(self, base: str) -> str:
        """``base`` with a seniority level where one makes sense ("Senior nurse", not
        "Senior CTO")."""
        seniority = self.rng.choice(data.SENIORITY)
        if not seniority or not any(word in base.lower() for word in data.LEVELLED_ROLES):
            return base
        return seniority + base[0].lower() + base[1:]

    def _plan_career(
        self, rng, title, info, years, current_company, free_text_company, has_job, companies
    ) -> list[dict]:
        today = self.now.date()
        career_start = today - timedelta(days=365 * years)
        positions = []
        cursor = today
        if has_job:
            start = max(career_start, today - timedelta(days=rng.randint(60, 365 * 7)))
            positions.append(
                {
                    "company": current_company,
                    "company_name": "" if current_company else free_text_company,
                    "title": title,
                    "start_date": start,
                    "end_date": None,
                    "is_current": True,
                }
            )
            cursor = start
        else:
            cursor = today - timedelta(days=rng.randint(20, 200))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            end = cursor - timedelta(days=rng.randint(0, 90))
            if end <= career_start:
                break
            start = max(career_start, end - timedelta(days=rng.randint(200, 365 * 5)))
            at_page = rng.random() < 0.5
            positions.append(
                {
                    "company": rng.choice(companies) if at_page else None,
                    "company_name": "" if at_page else rng.choice(data.FREE_TEXT_COMPANIES),
                    "title": rng.choice(info.titles),
                    "start_date": start,
                    "end_date": end,
                    "is_current": False,
                }
            )
            cursor = start
        return positions

    def _plan_education(self, rng, country, info, years) -> list[dict]:
        if rng.random() < 0.15:
            return []
        end_year = self.now.year - years
        entries = []
        for _ in range(rng.choice([1, 1, 1, 2])):
            length = rng.randint(3, 5)
            entries.append(
                {
                    "school": rng.choice(data.SCHOOLS[country]),
                    "degree": rng.choice(data.DEGREES[country]),
                    "field_of_study": rng.choice(info.studies),
                    "start_year": end_year - length,
                    "end_year": end_year,
                }
            )
            end_year -= length
        return entries

    def _plan_links(self, rng, slug, industry_index) -> list[dict]:
        links = []
        if rng.random() < 0.4:
            links.append({"label": "Website", "url": f"https://{slug}.example/"})
        if industry_index in (0, 1) and rng.random() < 0.6:
            links.append({"label": "Code", "url": f"https://code.example/{slug}"})
        if rng.random() < 0.15:
            links.append({"label": "Blog", "url": f"https://blog.example/{slug}"})
        return links

    # ------------------------------------------------------------------ network

    def plan_graph(self, members: list[MemberPage]) -> dict:
        """Pairs (by member index, join order) for every connection state."""
        rng = self.rng
        active = [i for i, m in enumerate(members) if m.live]
        joined = [m._demo_joined for m in members]
        degree = Counter()
        adjacency: dict[int, set[int]] = {i: set() for i in active}
        accepted: dict[tuple[int, int], dict] = {}

        def connect(a: int, b: int, at: datetime, requester: int) -> bool:
            key = (min(a, b), max(a, b))
            if a == b or key in accepted:
                return False
            responded = self._soon_after(at, 5)
            accepted[key] = {"requester": requester, "created_at": at, "responded_at": responded}
            adjacency[a].add(b)
            adjacency[b].add(a)
            degree[a] += 1
            degree[b] += 1
            return True

        # Preferential attachment in join order: a newcomer invites a few earlier
        # members, each picked with weight (degree + 1) ** 1.4 (superlinear, so a few
        # early members become hubs).
        for position, i in enumerate(active):
            if position == 0:
                continue
            earlier = active[:position]
            wanted = min(
                len(earlier),
                rng.choices([1, 2, 3, 4, 5, 6, 8, 12, 20], [20, 22, 18, 12, 8, 7, 6, 4, 3])[0],
            )
            cumulative = list(accumulate((degree[j] + 1) ** 1.4 for j in earlier))
            picked: dict[int, None] = {}  # insertion-ordered set: draw order kept
            for _ in range(4):  # a few rounds of draws; repeats are simply skipped
                for j in rng.choices(earlier, cum_weights=cumulative, k=wanted):
                    picked.setdefault(j)
                if len(picked) >= wanted:
                    break
            for j in list(picked)[:wanted]:
                connect(i, j, self._soon_after(joined[i], 10), requester=i)

        # Friend-of-a-friend links made later on: mutual connections mean something.
        target = len(accepted) * 35 // 100
        made = attempts = 0
        while made < target and attempts < target * 20:
            attempts += 1
            a = rng.choice(active)
            if not adjacency[a]:
                continue
            b = rng.choice(sorted(adjacency[a]))
            c = rng.choice(sorted(adjacency[b]))
            at = self._between(max(joined[a], joined[c]))
            if connect(a, c, at, requester=rng.choice([a, c])):
                made += 1

        def free_pair(a: int | None = None, b: int | None = None) -> tuple[int, int] | None:
            for _ in range(200):
                x = a if a is not None else rng.choice(active)
                y = b if b is not None else rng.choice(active)
                key = (min(x, y), max(x, y))
                if x != y and key not in taken:
                    taken.add(key)
                    return x, y
            return None

        def invitations(count: int, recent_days: float, **fixed) -> list[dict]:
            found = []
            for _ in range(count):
                pair = free_pair(fixed.get("requester"), fixed.get("recipient"))
                if pair is None:
                    break
                requester, recipient = pair
                earliest = max(
                    joined[requester], joined[recipient], self.now - timedelta(days=recent_days)
                )
                found.append(
                    {
                        "requester": requester,
                        "recipient": recipient,
                        "created_at": self._between(earliest),
                    }
                )
            return found

        roles_at = {m._demo_role: i for i, m in enumerate(members) if m._demo_role}
        anna, bram = roles_at["anna"], roles_at["bram"]
        if (min(anna, bram), max(anna, bram)) not in accepted:
            connect(bram, anna, self._between(max(joined[anna], joined[bram])), requester=bram)
        # Anna is a well-connected member (her lists have something to page through)
        # without being one of the hubs.
        target_degree = min(24, len(active) // 3)
        for _ in range(200):
            if degree[anna] >= target_degree:
                break
            other = rng.choice(active)
            connect(other, anna, self._between(max(joined[anna], joined[other])), requester=other)
        # A few of Anna's connections know Bram too: mutual connections to look at.
        for friend in rng.sample(
            sorted(adjacency[anna] - {bram}), min(3, len(adjacency[anna]) - 1)
        ):
            connect(bram, friend, self._between(max(joined[bram], joined[friend])), requester=bram)

        # Every pair with a live relation from here on is taken for invitations and blocks.
        taken = set(accepted)
        scale = max(1, len(accepted) // 100)
        pending = (
            invitations(3, 21, recipient=anna)
            + invitations(2, 21, requester=anna)
            + invitations(2, 21, recipient=bram)
            + invitations(1, 21, requester=bram)
            + invitations(2 * scale, 30)
        )
        ignored = invitations(1, 60, recipient=anna) + invitations(scale, 90)
        withdrawn = invitations(scale, 120)
        removed = invitations(scale // 2 + 1, 150)

        # Blocks between members with no live relation; Bram has blocked one member.
        blocks = []
        for pair in [free_pair(a=bram)] + [free_pair() for _ in range(max(2, scale // 6))]:
            if pair and anna not in pair and (pair[0] != bram or pair[1] != anna):
                blocks.append({"blocker": pair[0], "blocked": pair[1]})

        return {
            "accepted": accepted,
            "pending": pending,
            "ignored": ignored,
            "withdrawn": withdrawn,
            "removed": removed,
            "blocks": blocks,
            "degree": degree,
        }

    def write_connections(self, members: list[MemberPage], graph: dict) -> list[Connection]:
        """Connection rows, their history and, for accepted ones, both adjacency rows."""
        pk = [m.pk for m in members]

        def row(requester: int, recipient: int, state: str, **extra) -> Connection:
            low, high = sorted((pk[requester], pk[recipient]))
            return Connection(
                member_low_id=low,
                member_high_id=high,
                requester_id=pk[requester],
                recipient_id=pk[recipient],
                state=state,
                **extra,
            )

        rng = self.rng
        rows: list[tuple[Connection, list[tuple[int | None, str, datetime]]]] = []
        for (a, b), info in sorted(graph["accepted"].items()):
            requester = info["requester"]
            recipient = b if requester == a else a
            rows.append(
                (
                    row(
                        requester,
                        recipient,
                        ConnectionState.ACCEPTED,
                        created_at=info["created_at"],
                        responded_at=info["responded_at"],
                    ),
                    [
                        (requester, ConnectionState.PENDING, info["created_at"]),
                        (recipient, ConnectionState.ACCEPTED, info["responded_at"]),
                    ],
                )
            )
        for invite in graph["pending"]:
            message = rng.choice(data.INVITATION_MESSAGES).format(
                first=members[invite["recipient"]]._demo_first_last[0], skill="Wagtail"
            )
            rows.append(
                (
                    row(
                        invite["requester"],
                        invite["recipient"],
                        ConnectionState.PENDING,
                        created_at=invite["created_at"],
                        message=message,
                    ),
                    [(invite["requester"], ConnectionState.PENDING, invite["created_at"])],
                )
            )
        for invite in graph["ignored"]:
            responded = self._soon_after(invite["created_at"], 7)
            rows.append(
                (
                    row(
                        invite["requester"],
                        invite["recipient"],
                        ConnectionState.IGNORED,
                        created_at=invite["created_at"],
                        responded_at=responded,
                    ),
                    [
                        (invite["requester"], ConnectionState.PENDING, invite["created_at"]),
                        (invite["recipient"], ConnectionState.IGNORED, responded),
                    ],
                )
            )
        for invite in graph["withdrawn"]:
            ended = self._soon_after(invite["created_at"], 20)
            rows.append(
                (
                    row(
                        invite["requester"],
                        invite["recipient"],
                        ConnectionState.WITHDRAWN,
                        created_at=invite["created_at"],
                        ended_at=ended,
                    ),
                    [
                        (invite["requester"], ConnectionState.PENDING, invite["created_at"]),
                        (invite["requester"], ConnectionState.WITHDRAWN, ended),
                    ],
                )
            )
        for invite in graph["removed"]:
            responded = self._soon_after(invite["created_at"], 5)
            ended = self._soon_after(responded, 60)
            remover = rng.choice([invite["requester"], invite["recipient"]])
            rows.append(
                (
                    row(
                        invite["requester"],
                        invite["recipient"],
                        ConnectionState.REMOVED,
                        created_at=invite["created_at"],
                        responded_at=responded,
                        ended_at=ended,
                    ),
                    [
                        (invite["requester"], ConnectionState.PENDING, invite["created_at"]),
                        (invite["recipient"], ConnectionState.ACCEPTED, responded),
                        (remover, ConnectionState.REMOVED, ended),
                    ],
                )
            )

        connections = Connection.objects.bulk_create([c for c, _ in rows], batch_size=500)
        ConnectionEvent.objects.bulk_create(
            [
                ConnectionEvent(connection_id=c.pk, actor_id=pk[actor], state=state, at=at)
                for c, (_, events) in zip(connections, rows, strict=True)
                for actor, state, at in events
            ],
            batch_size=1000,
        )
        ConnectionEdge.objects.bulk_create(
            [
                ConnectionEdge(
                    member_id=member, other_id=other, connection_id=c.pk, created_at=c.responded_at
                )
                for c in connections
                if c.state == ConnectionState.ACCEPTED
                for member, other in (
                    (c.member_low_id, c.member_high_id),
                    (c.member_high_id, c.member_low_id),
                )
            ],
            batch_size=1000,
        )
        Block.objects.bulk_create(
            [
                Block(
                    blocker_id=pk[b["blocker"]],
                    blocked_id=pk[b["blocked"]],
                    created_at=self._between(self.now - timedelta(days=60)),
                )
                for b in graph["blocks"]
            ]
        )
        return [c for c in connections if c.state == ConnectionState.ACCEPTED]

    def write_endorsements_and_recommendations(
        self, members: list[MemberPage], accepted: list[Connection]
    ) -> tuple[list[Endorsement], list[Recommendation]]:
        rng = self.rng
        by_pk = {m.pk: m for m in members}
        endorsements: dict[tuple[int, int, int], Endorsement] = {}
        recommendations: dict[tuple[int, int], Recommendation] = {}
        roles_pk = {m._demo_role: m.pk for m in members if m._demo_role}
        for connection in accepted:
            for endorser, member in (
                (connection.member_low_id, connection.member_high_id),
                (connection.member_high_id, connection.member_low_id),
            ):
                target = by_pk[member]
                likely = 0.35 + (0.4 if roles_pk.get("anna") in (endorser, member) else 0)
                if target._demo_skills and rng.random() < likely:
                    for skill_id in rng.sample(
                        target._demo_skills, min(len(target._demo_skills), rng.randint(1, 3))
                    ):
                        endorsements[(endorser, member, skill_id)] = Endorsement(
                            endorser_id=endorser,
                            member_id=member,
                            skill_id=skill_id,
                            state=EndorsementState.LIVE,
                            is_hidden=rng.random() < 0.02,
                            created_at=self._between(connection.responded_at),
                        )
                if rng.random() < 0.05 or (
                    member == roles_pk.get("anna") and endorser == roles_pk.get("bram")
                ):
                    recommendations[(endorser, member)] = self._recommendation(
                        rng, by_pk[endorser], target, connection
                    )
        # Anna has one recommendation waiting for her answer.
        anna = roles_pk.get("anna")
        waiting = [r for (a, m), r in recommendations.items() if m == anna]
        if waiting:
            waiting[-1].state = RecommendationState.PENDING_RECIPIENT
            waiting[-1].responded_at = None
        created_e = Endorsement.objects.bulk_create(endorsements.values(), batch_size=1000)
        created_r = Recommendation.objects.bulk_create(recommendations.values(), batch_size=500)
        return created_e, created_r

    def _recommendation(self, rng, author, member, connection) -> Recommendation:
        created = self._between(connection.responded_at)
        state = _weighted(
            rng,
            [
                (RecommendationState.PUBLISHED, 80),
                (RecommendationState.PENDING_RECIPIENT, 15),
                (RecommendationState.DECLINED, 5),
            ],
        )
        responded = None
        if state != RecommendationState.PENDING_RECIPIENT:
            responded = self._soon_after(created, 10)
        skill_name = "teamwork"
        if member._demo_skills:
            skill_name = self._skills_by_pk[rng.choice(member._demo_skills)].name
        return Recommendation(
            author_id=author.pk,
            member_id=member.pk,
            relationship=rng.choice(RecommendationRelationship.values),
            text=rng.choice(data.RECOMMENDATION_TEXTS).format(
                first=member._demo_first_last[0], skill=skill_name
            ),
            state=state,
            created_at=created,
            updated_at=created,
            responded_at=responded,
        )

    def write_follows(self, members: list[MemberPage], companies: list[CompanyPage]) -> int:
        rng = self.rng
        popularity = [data.SIZE_PULL[c.size_range] + 1 for c in companies]
        follows: dict[tuple[int, int], Follow] = {}
        for member in members:
            if not member.live:
                continue
            chosen = set()
            current = [p["company"] for p in member._demo_career if p["is_current"]]
            if current and current[0] is not None and rng.random() < 0.85:
                chosen.add(current[0])
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
                chosen.add(rng.choices(companies, popularity)[0])
            for company in chosen:
                earliest = max(member._demo_joined, company.first_published_at)
                follows[(member.pk, company.pk)] = Follow(
                    member_id=member.pk, company_id=company.pk, created_at=self._between(earliest)
                )
        Follow.objects.bulk_create(follows.values(), batch_size=1000)
        return len(follows)

    def write_company_relationships(self, companies: list[CompanyPage]) -> int:
        rng = self.rng
        rows: dict[tuple[int, int, str], CompanyRelationship] = {}
        for company in companies:
            if len(companies) < 2 or rng.random() > 0.7:
                continue
            other = rng.choice([c for c in companies if c.pk != company.pk])
            kind = rng.choice(CompanyRelationshipKind.values)
            confirmation = _weighted(rng, [("both", 50), ("editor", 20), ("one", 30)])
            rows[(company.pk, other.pk, kind)] = CompanyRelationship(
                from_company_id=company.pk,
                to_company_id=other.pk,
                kind=kind,
                confirmed_by_from=confirmation in ("both", "one"),
                confirmed_by_to=confirmation == "both",
                confirmed_by_editor=confirmation == "editor",
                created_at=self._between(max(company.first_published_at, other.first_published_at)),
            )
        CompanyRelationship.objects.bulk_create(rows.values())
        return len(rows)

    def write_reports(
        self,
        members: list[MemberPage],
        endorsements: list[Endorsement],
        recommendations: list[Recommendation],
        moderator,
    ) -> int:
        rng = self.rng
        live = [m for m in members if m.live and not m._demo_role]
        reports = []
        if len(live) >= 3:
            reporter, target = rng.sample(live, 2)
            reports.append(
                Report(
                    reporter_id=reporter.pk,
                    target_member_id=target.pk,
                    reason=ReportReason.FAKE,
                    details=data.REPORT_DETAILS["fake"],
                    created_at=self._between(self.now - timedelta(days=10)),
                )
            )
            reporter, target = rng.sample(live, 2)
            created = self._between(self.now - timedelta(days=90), self.now - timedelta(days=30))
            reports.append(
                Report(
                    reporter_id=reporter.pk,
                    target_member_id=target.pk,
                    reason=ReportReason.INAPPROPRIATE,
                    details=data.REPORT_DETAILS["inappropriate"],
                    state=ReportState.RESOLVED,
                    created_at=created,
                    handled_at=self._soon_after(created, 3),
                    handled_by=moderator,
                    resolution_note="Headline changed after a message from the moderators.",
                )
            )
        published = [r for r in recommendations if r.state == RecommendationState.PUBLISHED]
        if published:
            recommendation = rng.choice(published)
            reports.append(
                Report(
                    reporter_id=recommendation.member_id,
                    target_recommendation_id=recommendation.pk,
                    reason=ReportReason.SPAM,
                    details=data.REPORT_DETAILS["spam"],
                    created_at=self._between(recommendation.created_at),
                )
            )
        if endorsements:
            endorsement = rng.choice(endorsements)
            reports.append(
                Report(
                    reporter_id=endorsement.member_id,
                    target_endorsement_id=endorsement.pk,
                    reason=ReportReason.OTHER,
                    details="I never worked with this person.",
                    created_at=self._between(endorsement.created_at),
                )
            )
        Report.objects.bulk_create(reports)
        return len(reports)

    # --------------------------------------------------------------------- main

    def build(self) -> DemoResult:
        """Write the whole network. Call inside ``transaction.atomic()``."""
        counts: dict[str, int] = {}
        home = self.ensure_home()
        company_index, member_index = self.ensure_directories(home)
        groups = roles.ensure_groups([company_index, member_index])
        accounts = roles.ensure_role_users(self.password_hash, groups, reset_passwords=True)

        industries = self._get_or_create_terms(Industry, [i.name for i in data.INDUSTRIES])
        skills = self._get_or_create_terms(Skill, data.all_skills())
        self._skills_by_pk = {s.pk: s for s in skills.values()}
        self._mark("site structure, groups, accounts, vocabularies")

        book = images.PictureBook(images.demo_collection())
        companies = self.plan_companies(industries, book)
        members = self.plan_members(companies, industries, skills, book)
        self._mark("planning companies and members, drawing pictures")
        counts["images"] = book.save()
        self._mark("storing images")
        for company in companies:
            company.logo_id = book.image_id(company._demo_logo)
            company.owner_id = accounts.editor.pk
        tree.bulk_add_children(company_index, companies)

        users = self._write_member_users(members, accounts)
        for member in members:
            if member._demo_photo:
                member.photo_id = book.image_id(member._demo_photo)
            member.user_id = users.get(member.slug)
            member.owner_id = member.user_id or accounts.editor.pk
        tree.bulk_add_children(member_index, members)
        self._mark("company and member pages, member accounts")

        admin_companies = companies[:2]
        roles.grant_company_admin(accounts.companyadmin, admin_companies)
        counts.update(self._write_profile_rows(members, companies, accounts, admin_companies))
        self._mark("positions, education, links, skills, tags")

        graph = self.plan_graph(members)
        accepted = self.write_connections(members, graph)
        counts["pending"] = len(graph["pending"])
        counts["blocks"] = len(graph["blocks"])
        self._mark("connections, edges, history, blocks")
        endorsements, recommendations = self.write_endorsements_and_recommendations(
            members, accepted
        )
        counts["endorsements"] = len(endorsements)
        counts["recommendations"] = len(recommendations)
        counts["follows"] = self.write_follows(members, companies)
        counts["company_relationships"] = self.write_company_relationships(companies)
        counts["reports"] = self.write_reports(
            members, endorsements, recommendations, accounts.moderator
        )
        self._mark("endorsements, recommendations, follows, relationships, reports")

        self._finish_pages(home, companies, members, accounts)
        self._mark("revisions and search index")
        return DemoResult(
            companies=companies,
            members=members,
            connections=len(accepted),
            accounts=accounts,
            admin_companies=admin_companies,
            counts=counts,
        )

    def _write_member_users(self, members: list[MemberPage], accounts) -> dict[str, int]:
        """Site accounts for most members (some profiles wait to be linked, as
        editors may create profiles before a user exists). Returns slug → user id."""
        User = get_user_model()
        linked = {}
        for member in members:
            if member._demo_role:
                linked[member.slug] = getattr(accounts, member._demo_role).pk
        wanted = [m for m in members if not m._demo_role and self.rng.random() < 0.9]
        username_field = User.USERNAME_FIELD
        taken = set(
            User.objects.filter(**{f"{username_field}__in": [m.slug for m in wanted]}).values_list(
                username_field, flat=True
            )
        )
        new_users = []
        for member in wanted:
            if member.slug in taken:
                continue
            first, last = member._demo_first_last
            new_users.append(
                User(
                    **{username_field: member.slug},
                    first_name=first,
                    last_name=last,
                    email=f"{member.slug}@{MEMBER_EMAIL_DOMAIN}",
                    password=self.password_hash,
                    date_joined=member._demo_joined,
                )
            )
        for user in User.objects.bulk_create(new_users, batch_size=500):
            linked[getattr(user, username_field)] = user.pk
        return linked

    def _write_profile_rows(self, members, companies, accounts, admin_companies) -> dict:
        """Positions, education, links, skills, interests and specialities."""
        rng = self.rng
        admin_company_ids = {c.pk for c in admin_companies}
        positions, education, links = [], [], []
        for member in members:
            for order, spec in enumerate(member._demo_career):
                company = spec["company"]
                verified_at = verified_by = None
                if (
                    company is not None
                    and spec["is_current"]
                    and member.live
                    and rng.random() < 0.45
                    and member._demo_role != "anna"  # Anna's claim waits for her company admin
                ):
                    verified_at = self._between(
                        max(member._demo_joined, company.first_published_at)
                    )
                    verified_by = (
                        accounts.companyadmin
                        if company.pk in admin_company_ids
                        else accounts.editor
                    )
                positions.append(
                    Position(
                        member_id=member.pk,
                        sort_order=order,
                        company_id=company.pk if company else None,
                        company_name=spec["company_name"],
                        title=spec["title"],
                        start_date=spec["start_date"],
                        end_date=spec["end_date"],
                        is_current=spec["is_current"],
                        verified_at=verified_at,
                        verified_by=verified_by,
                    )
                )
            for order, spec in enumerate(member._demo_education):
                education.append(Education(member_id=member.pk, sort_order=order, **spec))
            for order, spec in enumerate(member._demo_links):
                links.append(MemberLink(member_id=member.pk, sort_order=order, **spec))
        Position.objects.bulk_create(positions, batch_size=1000)
        Education.objects.bulk_create(education, batch_size=1000)
        MemberLink.objects.bulk_create(links, batch_size=1000)

        SkillLink = MemberPage.skills.through
        SkillLink.objects.bulk_create(
            [
                SkillLink(memberpage_id=member.pk, skill_id=skill_id)
                for member in members
                for skill_id in member._demo_skills
            ],
            batch_size=1000,
        )
        tags = self._get_or_create_tags(
            {name for m in members for name in m._demo_interests}
            | {name for c in companies for name in c._demo_specialities}
        )
        MemberInterest.objects.bulk_create(
            [
                MemberInterest(content_object_id=member.pk, tag_id=tags[name].pk)
                for member in members
                for name in member._demo_interests
            ],
            batch_size=1000,
        )
        CompanySpeciality.objects.bulk_create(
            [
                CompanySpeciality(content_object_id=company.pk, tag_id=tags[name].pk)
                for company in companies
                for name in dict.fromkeys(company._demo_specialities)
            ]
        )
        return {
            "positions": len(positions),
            "verified_positions": sum(1 for p in positions if p.verified_at),
            "education": len(education),
            "links": len(links),
        }

    def _finish_pages(self, home, companies, members, accounts) -> None:
        """Revisions and search-index entries, as publishing each page would leave."""
        company_pages = list(
            CompanyPage.objects.filter(pk__in=[c.pk for c in companies])
            .select_related("industry")
            .prefetch_related("tagged_specialities", "specialities")
            .order_by("path")
        )
        member_pages = list(
            MemberPage.objects.filter(pk__in=[m.pk for m in members])
            .select_related("industry")
            .prefetch_related(
                "positions", "education", "links", "skills", "tagged_interests", "interests"
            )
            .order_by("path")
        )
        tree.bulk_save_revisions(company_pages)
        tree.bulk_save_revisions(member_pages)
        tree.bulk_log_publication(company_pages + member_pages)
        tree.bulk_index(CompanyPage, [p for p in company_pages if p.live])
        tree.bulk_index(MemberPage, [p for p in member_pages if p.live])
        if not home.intro or "Welcome to the Wagtail Network demo" not in home.intro:
            home.intro = HOME_INTRO.format(companies=len(companies), members=len(members))
            home.save(update_fields=["intro"])


# ---------------------------------------------------------------------------
# Entry points used by the management command
# ---------------------------------------------------------------------------


def demo_is_loaded() -> bool:
    """Whether the network already holds companies or members (then loading skips)."""
    return CompanyPage.objects.exists() or MemberPage.objects.exists()


def load(*, members: int, companies: int, seed: int, password: str, stdout=None) -> DemoResult:
    """Build the demo network in one transaction (all or nothing)."""
    password_hash = roles.hash_password(password)
    with transaction.atomic():
        builder = DemoNetworkBuilder(
            members=members,
            companies=companies,
            seed=seed,
            password_hash=password_hash,
            stdout=stdout,
        )
        return builder.build()


def reset() -> dict[str, int]:
    """Remove the demo network: directories and every page under them, demo images,
    demo accounts. Vocabularies, tags and groups stay (loading reuses them)."""
    from wagtail.images import get_image_model
    from wagtail.signal_handlers import disable_reference_index_auto_update

    User = get_user_model()
    Image = get_image_model()
    removed: dict[str, int] = {}
    with transaction.atomic(), disable_reference_index_auto_update():
        # Wagtail updates the reference index once per deleted object (thousands of
        # queries for the relation rows); it is pruned in one pass at the end instead.
        directories = list(
            Page.objects.type(CompanyIndexPage, MemberIndexPage).order_by("-depth", "path")
        )
        page_ids = set()
        for directory in directories:
            page_ids.update(
                Page.objects.descendant_of(directory, inclusive=True).values_list("pk", flat=True)
            )
        removed["pages"] = len(page_ids)
        # Deleting a live page unpublishes it first (one signal per page); these are
        # all about to go, so take them offline in one statement.
        Page.objects.filter(pk__in=page_ids).update(live=False)
        for directory in directories:
            directory.refresh_from_db()
            directory.delete()
        collection = images.demo_collection()
        image_qs = Image.objects.filter(collection=collection)
        removed["images"] = image_qs.count()
        image_qs.delete()
        users = User.objects.filter(email__endswith=f"@{MEMBER_EMAIL_DOMAIN}")
        removed["users"] = users.count()
        users.delete()
        _prune_reference_index()
    return removed


def _prune_reference_index() -> None:
    """Delete reference-index rows whose source or target page or image is gone."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.images import get_image_model
    from wagtail.models import ReferenceIndex

    for model in (Page, get_image_model()):
        content_type = ContentType.objects.get_for_model(model)
        existing = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        stale = [
            pk
            for pk, source_type, source, target_type, target in ReferenceIndex.objects.filter(
                Q(base_content_type=content_type) | Q(to_content_type=content_type)
            ).values_list(
                "pk", "base_content_type_id", "object_id", "to_content_type_id", "to_object_id"
            )
            if (source_type == content_type.pk and source not in existing)
            or (target_type == content_type.pk and target not in existing)
        ]
        ReferenceIndex.objects.filter(pk__in=stale).delete()
