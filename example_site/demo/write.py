"""Writes the demo network to the database: site structure, accounts, then the plan.

:func:`load` prepares what the plan needs from the site (the home page, the two
directories, the role accounts and groups, the vocabularies), asks
:func:`example_site.demo.plan.plan_network` for the network and writes it with a
handful of bulk statements inside one transaction (see :mod:`example_site.demo.tree`
for the pages), which is what makes a 450-page network load in seconds rather than
minutes. :func:`reset` removes it again.

Every accepted connection gets its two ``ConnectionEdge`` rows, as the service layer
would leave them; pages get the revisions, log entries and search-index rows that
publishing each one would have left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page, Site

from example_site.home.models import HomePage
from wagtail_network import search
from wagtail_network.models import (
    Block,
    CompanyIndexPage,
    CompanyPage,
    CompanyRelationship,
    CompanySpeciality,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Education,
    Endorsement,
    EndorsementState,
    Follow,
    Industry,
    MemberIndexPage,
    MemberInterest,
    MemberLink,
    MemberPage,
    Notification,
    NotificationSettings,
    Position,
    Recommendation,
    Report,
    ReportState,
    Skill,
)

from . import data, images, roles, tree
from .plan import DemoPlan, MemberPlan, plan_network

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
        return write_network(
            members=members,
            companies=companies,
            seed=seed,
            password_hash=password_hash,
            stdout=stdout,
        )


def write_network(
    *, members: int, companies: int, seed: int, password_hash: str, stdout=None
) -> DemoResult:
    """Plan the network for ``seed`` and write it. Call inside ``transaction.atomic()``.

    With ``stdout``, reports the time each stage took (``--verbosity 2``).
    """
    timer = _Timer(stdout)
    now = timezone.now().replace(microsecond=0)
    home = ensure_home()
    company_index, member_index = ensure_directories(home)
    groups = roles.ensure_groups([company_index, member_index])
    accounts = roles.ensure_role_users(password_hash, groups, reset_passwords=True)
    industries = _get_or_create_terms(Industry, [i.name for i in data.INDUSTRIES])
    skills = _get_or_create_terms(Skill, data.all_skills())
    timer.mark("site structure, groups, accounts, vocabularies")

    plan = plan_network(
        members=members,
        companies=companies,
        seed=seed,
        now=now,
        skill_names={name: term.name for name, term in skills.items()},
    )
    writer = _Writer(plan, accounts, industries, skills, password_hash)
    counts = writer.write_pages(company_index, member_index, timer)
    counts.update(writer.write_profile_rows())
    timer.mark("positions, education, links, skills, tags")
    accepted = writer.write_connections()
    counts["pending"] = sum(1 for c in plan.connections if c.state == ConnectionState.PENDING)
    counts["blocks"] = len(plan.blocks)
    timer.mark("connections, edges, history, blocks")
    counts.update(writer.write_activity())
    timer.mark("endorsements, recommendations, follows, relationships, reports")
    counts["notifications"] = write_notifications(accounts)
    timer.mark("notifications")
    _finish_pages(home, writer.companies, writer.members)
    timer.mark("revisions and search index")
    return DemoResult(
        companies=writer.companies,
        members=writer.members,
        connections=len(accepted),
        accounts=accounts,
        admin_companies=[writer.companies[i] for i in plan.admin_companies],
        counts=counts,
    )


def write_notifications(accounts: Any = None) -> int:
    """What the demo's accounts would have been told of the network written above:
    invitations waiting for them, endorsements and recommendations they received,
    reports waiting for moderators. On the site only (the demo mails nothing while
    loading); what the visitor does afterwards notifies through the services, with
    its e-mail in the console."""
    members = dict(MemberPage.objects.filter(user__isnull=False).values_list("pk", "user_id"))
    rows = [
        Notification(
            recipient_id=members[c.recipient_id],
            kind="invitation_received",
            actor_id=c.requester_id,
            connection_id=c.pk,
            created_at=c.created_at,
        )
        for c in Connection.objects.filter(
            state=ConnectionState.PENDING, recipient_id__in=list(members)
        )
    ]
    rows += [
        Notification(
            recipient_id=members[e.member_id],
            kind="endorsement_received",
            actor_id=e.endorser_id,
            endorsement_id=e.pk,
            created_at=e.created_at,
        )
        for e in Endorsement.objects.filter(
            state=EndorsementState.LIVE, member_id__in=list(members)
        )
    ]
    rows += [
        Notification(
            recipient_id=members[r.member_id],
            kind="recommendation_received",
            actor_id=r.author_id,
            recommendation_id=r.pk,
            created_at=r.created_at,
        )
        for r in Recommendation.objects.filter(member_id__in=list(members))
    ]
    moderators = (
        get_user_model()
        ._default_manager.filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="moderate_network")
            | Q(user_permissions__codename="moderate_network")
        )
        .distinct()
    )
    rows += [
        Notification(
            recipient_id=moderator.pk,
            kind="report_received",
            report_id=report.pk,
            created_at=report.created_at,
        )
        for report in Report.objects.filter(state=ReportState.OPEN)
        for moderator in moderators
    ]
    Notification.objects.bulk_create(rows, batch_size=500)
    if accounts is not None:
        # The demo's two members read their e-mails in two languages, so that the
        # journey between them shows both (each can change it in their preferences).
        for user, language in ((accounts.anna, "en"), (accounts.bram, "nl")):
            NotificationSettings.objects.update_or_create(
                user_id=user.pk, defaults={"language": language}
            )
    return len(rows)


class _Timer:
    def __init__(self, stdout) -> None:
        self.stdout = stdout
        self.last = time.perf_counter()

    def mark(self, label: str) -> None:
        """Report the time spent since the previous mark."""
        now = time.perf_counter()
        if self.stdout is not None:
            self.stdout.write(f"  {label}: {now - self.last:.2f}s")
        self.last = now


# ---------------------------------------------------------------------------
# Site skeleton and vocabularies
# ---------------------------------------------------------------------------


def ensure_home() -> HomePage:
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


def parse_site_url(url: str) -> tuple[str, int]:
    """``(hostname, port)`` for a Wagtail Site serving ``url`` (``http://127.0.0.1:8000``).

    Wagtail's ``Site.root_url`` says https only for port 443 and http for any other
    port, so an origin it cannot give back exactly is refused.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) origin such as http://127.0.0.1:8000.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ValueError(f"{url!r} has a path; give the origin only.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if (parts.scheme == "https") != (port == 443):
        raise ValueError(
            f"{url!r}: a Wagtail Site serves https only on port 443 and http on any other."
        )
    return parts.hostname, port


def set_site_origin(url: str) -> Site:
    """Point the default Site at the origin the demo is served on, so that every
    absolute URL (``Member.url``, renditions, the sitemap, export links) names it."""
    hostname, port = parse_site_url(url)
    site = Site.objects.get(is_default_site=True)
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save()  # Site.save clears Wagtail's cached site root paths
    return site


def ensure_directories(home: HomePage) -> tuple[CompanyIndexPage, MemberIndexPage]:
    """The company and member directories under ``home``, created when missing."""
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


def _get_or_create_terms(model, names: list[str]) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------
# The plan, as rows
# ---------------------------------------------------------------------------


class _Writer:
    """Writes one plan; the plan's indices become the primary keys of written rows."""

    def __init__(
        self,
        plan: DemoPlan,
        accounts: roles.RoleAccounts,
        industries: dict[str, Industry],
        skills: dict[str, Skill],
        password_hash: str,
    ) -> None:
        self.plan = plan
        self.accounts = accounts
        self.industries = industries
        self.skills = skills
        self.password_hash = password_hash
        self.companies: list[CompanyPage] = []
        self.members: list[MemberPage] = []
        self.endorsements: list[Endorsement] = []
        self.recommendations: list[Recommendation] = []

    def _account(self, role: str | None):
        return getattr(self.accounts, role) if role else None

    def write_pages(self, company_index: Page, member_index: Page, timer: _Timer) -> dict:
        """Pictures, company and member pages, and the members' site accounts."""
        plan = self.plan
        book = images.PictureBook(images.demo_collection())
        logos = [book.logo_key(c.name, c.slug) for c in plan.companies]
        portraits = [book.portrait_key(m.name) if m.photo else None for m in plan.members]
        timer.mark("planning companies and members, drawing pictures")
        counts = {"images": book.save()}
        timer.mark("storing images")

        self.companies = [
            CompanyPage(
                **company.page,
                industry_id=self.industries[company.industry].pk,
                logo_id=book.image_id(logo),
                owner_id=self.accounts.editor.pk,
            )
            for company, logo in zip(plan.companies, logos, strict=True)
        ]
        tree.bulk_add_children(company_index, self.companies)

        users = self._write_member_users(plan.members)
        self.members = []
        for member, portrait in zip(plan.members, portraits, strict=True):
            user_id = users.get(member.slug)
            self.members.append(
                MemberPage(
                    **member.page,
                    industry_id=self.industries[member.industry].pk,
                    photo_id=book.image_id(portrait) if portrait else None,
                    user_id=user_id,
                    owner_id=user_id or self.accounts.editor.pk,
                )
            )
        tree.bulk_add_children(member_index, self.members)
        timer.mark("company and member pages, member accounts")

        roles.grant_company_admin(
            self.accounts.companyadmin, [self.companies[i] for i in plan.admin_companies]
        )
        return counts

    def _write_member_users(self, members: list[MemberPlan]) -> dict[str, int]:
        """The members' site accounts (the demo roles' are the role accounts).
        Returns slug → user id; a slug some other account already uses stays unlinked."""
        User = get_user_model()
        linked = {m.slug: self._account(m.role).pk for m in members if m.role}
        wanted = [m for m in members if m.own_account]
        username_field = User.USERNAME_FIELD
        # On an e-mail login model the login is slug@demo.example, not the slug.
        slug_of = {roles.login_of(m.slug): m.slug for m in wanted}
        taken = set(
            User.objects.filter(**{f"{username_field}__in": list(slug_of)}).values_list(
                username_field, flat=True
            )
        )
        new_users = [
            User(
                **roles.account_fields(member.slug),
                first_name=member.first_name,
                last_name=member.last_name,
                password=self.password_hash,
                date_joined=member.joined,
            )
            for member in wanted
            if roles.login_of(member.slug) not in taken
        ]
        for user in User.objects.bulk_create(new_users, batch_size=500):
            linked[slug_of[getattr(user, username_field)]] = user.pk
        return linked

    def write_profile_rows(self) -> dict[str, int]:
        """Positions, education, links, skills, interests and specialities."""
        plan = self.plan
        positions, education, links = [], [], []
        for member, page in zip(plan.members, self.members, strict=True):
            for order, spec in enumerate(member.positions):
                positions.append(
                    Position(
                        member_id=page.pk,
                        sort_order=order,
                        company_id=(
                            self.companies[spec.company].pk if spec.company is not None else None
                        ),
                        company_name=spec.company_name,
                        title=spec.title,
                        start_date=spec.start_date,
                        end_date=spec.end_date,
                        is_current=spec.is_current,
                        verified_at=spec.verified_at,
                        verified_by=self._account(spec.verified_by),
                    )
                )
            for order, spec in enumerate(member.education):
                education.append(Education(member_id=page.pk, sort_order=order, **spec))
            for order, spec in enumerate(member.links):
                links.append(MemberLink(member_id=page.pk, sort_order=order, **spec))
        Position.objects.bulk_create(positions, batch_size=1000)
        Education.objects.bulk_create(education, batch_size=1000)
        MemberLink.objects.bulk_create(links, batch_size=1000)

        SkillLink = MemberPage.skills.through
        SkillLink.objects.bulk_create(
            [
                SkillLink(memberpage_id=page.pk, skill_id=self.skills[name].pk)
                for member, page in zip(plan.members, self.members, strict=True)
                for name in member.skills
            ],
            batch_size=1000,
        )
        tags = _get_or_create_tags(
            {name for m in plan.members for name in m.interests}
            | {name for c in plan.companies for name in c.specialities}
        )
        MemberInterest.objects.bulk_create(
            [
                MemberInterest(content_object_id=page.pk, tag_id=tags[name].pk)
                for member, page in zip(plan.members, self.members, strict=True)
                for name in member.interests
            ],
            batch_size=1000,
        )
        CompanySpeciality.objects.bulk_create(
            [
                CompanySpeciality(content_object_id=page.pk, tag_id=tags[name].pk)
                for company, page in zip(plan.companies, self.companies, strict=True)
                for name in dict.fromkeys(company.specialities)
            ]
        )
        return {
            "positions": len(positions),
            "verified_positions": sum(1 for p in positions if p.verified_at),
            "education": len(education),
            "links": len(links),
        }

    def write_connections(self) -> list[Connection]:
        """Connection rows, their history and, for accepted ones, both adjacency rows;
        then the blocks. Returns the accepted connections."""
        pk = [m.pk for m in self.members]
        rows = []
        for spec in self.plan.connections:
            low, high = sorted((pk[spec.requester], pk[spec.recipient]))
            rows.append(
                Connection(
                    member_low_id=low,
                    member_high_id=high,
                    requester_id=pk[spec.requester],
                    recipient_id=pk[spec.recipient],
                    state=spec.state,
                    message=spec.message,
                    created_at=spec.created_at,
                    responded_at=spec.responded_at,
                    ended_at=spec.ended_at,
                )
            )
        connections = Connection.objects.bulk_create(rows, batch_size=500)
        ConnectionEvent.objects.bulk_create(
            [
                ConnectionEvent(connection_id=c.pk, actor_id=pk[actor], state=state, at=at)
                for c, spec in zip(connections, self.plan.connections, strict=True)
                for actor, state, at in spec.events
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
                Block(blocker_id=pk[b.blocker], blocked_id=pk[b.blocked], created_at=b.created_at)
                for b in self.plan.blocks
            ]
        )
        return [c for c in connections if c.state == ConnectionState.ACCEPTED]

    def write_activity(self) -> dict[str, int]:
        """Endorsements, recommendations, follows, company relationships, reports."""
        plan = self.plan
        member_pk = [m.pk for m in self.members]
        company_pk = [c.pk for c in self.companies]
        self.endorsements = Endorsement.objects.bulk_create(
            [
                Endorsement(
                    endorser_id=member_pk[e.endorser],
                    member_id=member_pk[e.member],
                    skill_id=self.skills[e.skill].pk,
                    state=e.state,
                    is_hidden=e.is_hidden,
                    created_at=e.created_at,
                )
                for e in plan.endorsements
            ],
            batch_size=1000,
        )
        self.recommendations = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    author_id=member_pk[r.author],
                    member_id=member_pk[r.member],
                    relationship=r.relationship,
                    text=r.text,
                    state=r.state,
                    created_at=r.created_at,
                    updated_at=r.created_at,
                    responded_at=r.responded_at,
                )
                for r in plan.recommendations
            ],
            batch_size=500,
        )
        Follow.objects.bulk_create(
            [
                Follow(
                    member_id=member_pk[f.member],
                    company_id=company_pk[f.company],
                    created_at=f.created_at,
                )
                for f in plan.follows
            ],
            batch_size=1000,
        )
        CompanyRelationship.objects.bulk_create(
            [
                CompanyRelationship(
                    from_company_id=company_pk[r.from_company],
                    to_company_id=company_pk[r.to_company],
                    kind=r.kind,
                    confirmed_by_from=r.confirmed_by_from,
                    confirmed_by_to=r.confirmed_by_to,
                    confirmed_by_editor=r.confirmed_by_editor,
                    created_at=r.created_at,
                )
                for r in plan.company_relationships
            ]
        )
        Report.objects.bulk_create([self._report(r, member_pk) for r in plan.reports])
        return {
            "endorsements": len(self.endorsements),
            "recommendations": len(self.recommendations),
            "follows": len(plan.follows),
            "company_relationships": len(plan.company_relationships),
            "reports": len(plan.reports),
        }

    def _report(self, spec, member_pk: list[int]) -> Report:
        def target_pk(rows: list, index: int | None) -> int | None:
            return rows[index].pk if index is not None else None

        return Report(
            reporter_id=member_pk[spec.reporter],
            target_member_id=target_pk(self.members, spec.target_member),
            target_endorsement_id=target_pk(self.endorsements, spec.target_endorsement),
            target_recommendation_id=target_pk(self.recommendations, spec.target_recommendation),
            reason=spec.reason,
            details=spec.details,
            state=spec.state,
            created_at=spec.created_at,
            handled_at=spec.handled_at,
            handled_by=self._account(spec.handled_by),
            resolution_note=spec.resolution_note,
        )


def _finish_pages(home: HomePage, companies: list[CompanyPage], members: list[MemberPage]) -> None:
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
    # The network's search entries, and Wagtail's shared index for the profiles
    # every visitor may see (the pages went in past save() and its signals).
    search.index_profiles(company_pages, remove=False)
    search.index_profiles(member_pages, remove=False)
    if not home.intro or "Welcome to the Wagtail Network demo" not in home.intro:
        home.intro = HOME_INTRO.format(companies=len(companies), members=len(members))
        home.save(update_fields=["intro"])


# ---------------------------------------------------------------------------
# Removing the demo network
# ---------------------------------------------------------------------------


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
        users = User.objects.filter(
            **{f"{User.get_email_field_name()}__endswith": f"@{MEMBER_EMAIL_DOMAIN}"}
        )
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
