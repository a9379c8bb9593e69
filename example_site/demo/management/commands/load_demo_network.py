"""``manage.py load_demo_network``: a realistic demo network in seconds.

Safe to run every time (``make demo`` does): when the network already holds
companies or members it changes nothing and prints the demo logins again;
``--reset`` removes the demo network and loads it afresh.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from wagtail.models import Page

from example_site.demo import roles, write
from wagtail_network import graph, services, visibility
from wagtail_network.admin import policies
from wagtail_network.models import (
    Block,
    CompanyIndexPage,
    CompanyPage,
    Connection,
    ConnectionEdge,
    ConnectionState,
    Endorsement,
    Follow,
    MemberIndexPage,
    MemberPage,
    Recommendation,
    RecommendationState,
)

DEFAULT_MEMBERS = 420
DEFAULT_COMPANIES = 48
DEFAULT_SEED = 2026


def default_site_url() -> str:
    """The origin ``make demo`` serves on: ``runserver 127.0.0.1:${PORT:-8000}``."""
    return f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"


class Command(BaseCommand):
    help = (
        "Load a demo professional network (companies, members, connections, endorsements, "
        "recommendations, generated logos and portraits) and one account per role. "
        "Skips when the network already has data, unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help="Number of member profiles."
        )
        parser.add_argument(
            "--companies", type=int, default=DEFAULT_COMPANIES, help="Number of companies."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the demo network (pages, demo images, demo accounts) and load it again.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --reset: do not ask for confirmation.",
        )
        parser.add_argument(
            "--site-url",
            default=None,
            help=(
                "Origin the demo is served on; the default Site is set to it so that "
                "absolute URLs name it (default: http://127.0.0.1:$PORT, PORT defaulting "
                "to 8000, as `make demo` serves). Applied on every run, loaded or not."
            ),
        )
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password for every demo account (default: {roles.DEFAULT_PASSWORD!r}).",
        )

    def handle(self, *args, **options) -> None:
        members, companies = options["members"], options["companies"]
        if members < 10:
            raise CommandError("--members must be at least 10.")
        if companies < 2:
            raise CommandError("--companies must be at least 2.")
        password = options["password"] or roles.DEFAULT_PASSWORD
        site_url = options["site_url"] or default_site_url()
        try:
            write.parse_site_url(site_url)
        except ValueError as exc:
            raise CommandError(f"--site-url: {exc}") from exc
        if not options["reset"] and write.demo_is_loaded():
            self._set_site(site_url)
            self._already_loaded(password, password_given=options["password"] is not None)
            return

        if options["reset"] and options["interactive"]:
            answer = input(
                "--reset deletes the company and member directories with every page under "
                "them, the demo images and every account with an @demo.example address. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Reset cancelled; nothing changed.")

        # Reset and load are one transaction: a failed load leaves the old network.
        with transaction.atomic():
            if options["reset"]:
                started = time.perf_counter()
                removed = write.reset()
                self.stdout.write(
                    f"Removed the demo network: {removed['pages']} pages, {removed['images']} "
                    f"images, {removed['users']} accounts in {time.perf_counter() - started:.1f}s."
                )
            started = time.perf_counter()
            result = write.load(
                members=members,
                companies=companies,
                seed=options["seed"],
                password=password,
                stdout=self.stdout if options["verbosity"] >= 2 else None,
            )
            elapsed = time.perf_counter() - started
            self._set_site(site_url)
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(result.companies)} companies, {len(result.members)} members, "
                f"{result.connections} connections in {elapsed:.1f}s"
            )
        )
        self.stdout.write(
            f"  {counts['pending']} pending invitations, {counts['endorsements']} endorsements, "
            f"{counts['recommendations']} recommendations, {counts['follows']} follows, "
            f"{counts['blocks']} blocks, {counts['reports']} reports, "
            f"{counts['company_relationships']} company relationships, "
            f"{counts['positions']} positions ({counts['verified_positions']} verified), "
            f"{counts['images']} generated images."
        )
        self._print_logins(password)

    def _set_site(self, site_url: str) -> None:
        site = write.set_site_origin(site_url)
        self.stdout.write(f"Default site: {site.root_url}/ (absolute URLs name this origin).")

    def _already_loaded(self, password: str, *, password_given: bool) -> None:
        self.stdout.write(
            f"The demo network is already loaded ({CompanyPage.objects.count()} companies, "
            f"{MemberPage.objects.count()} members, "
            f"{Connection.objects.filter(state=ConnectionState.ACCEPTED).count()} connections); "
            "nothing changed. Run with --reset to rebuild it."
        )
        # Accounts and groups deleted by hand come back; passwords change only when asked
        # to. Hashing costs ~0.3 s, so only when an account is written.
        groups = roles.ensure_groups(Page.objects.type(CompanyIndexPage, MemberIndexPage))
        User = get_user_model()
        existing = User.objects.filter(
            **{f"{User.USERNAME_FIELD}__in": [roles.login_of(n) for n in roles.ROLE_USERNAMES]}
        )
        needs_hash = password_given or existing.count() < len(roles.ROLE_USERNAMES)
        roles.ensure_role_users(
            roles.hash_password(password) if needs_hash else "",
            groups,
            reset_passwords=password_given,
        )
        self._print_logins(password if password_given else None)

    def _print_logins(self, password: str | None) -> None:
        User = get_user_model()
        # Keyed by role name; the login is the name, or name@demo.example on a
        # model that signs in by e-mail.
        names = {roles.login_of(name): name for name in roles.ROLE_USERNAMES}
        users = {
            names[u.get_username()]: u
            for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": list(names)})
        }
        company_admin = users.get("companyadmin")
        companies = (
            ", ".join(
                visibility.administered_companies(company_admin).values_list("title", flat=True)
            )
            if company_admin
            else ""
        )
        summaries = {name: self._member_summary(users.get(name)) for name in ("anna", "bram")}
        shown_password = password or f"{roles.DEFAULT_PASSWORD}*"
        rows = [
            (
                roles.login_of(username),
                shown_password
                if username not in users or roles.is_demo_account(users[username])
                else "(unchanged)",
                where,
                what.format(
                    companies=companies or "their companies",
                    anna_summary=summaries["anna"],
                    bram_summary=summaries["bram"],
                    newcomer_summary=self._newcomer_summary(users.get("newcomer")),
                ),
            )
            for username, where, what in roles.ROLE_TABLE
        ]
        rows.append(("(visitor)", "-", "/", "no login: public profiles and directories"))
        header = ("login", "password", "sign in at", "what they can do")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for row in [header, tuple("-" * len(h) for h in header), *rows]:
            self.stdout.write(
                "  "
                + "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
                + "  "
                + row[3]
            )
        if not password:
            self.stdout.write("  * unless the demo was loaded with --password.")
        self.stdout.write(
            "  Notification e-mails are printed to this console as they are sent; anna "
            "reads hers in English, bram in Dutch (each changes it under Notification "
            "preferences)."
        )
        self.stdout.write(
            "  Every other member with a site account signs in on /accounts/login/ as "
            f"{roles.login_of('<profile slug>')} with the same password."
        )
        self._print_waiting(users)

    @staticmethod
    def _member_summary(user) -> str:
        """One line for the logins table: what waits for the member in My network."""
        waiting = member_waiting(user)
        if waiting is None:
            return "no profile yet"
        return f"{waiting.member.title}: {waiting.headline()}"

    @staticmethod
    def _newcomer_summary(user) -> str:
        """The newcomer's line: an account without a profile, until they join."""
        member = MemberPage.objects.filter(user=user).first() if user is not None else None
        if member is None:
            return "site account only (no profile yet: try Join the network)"
        return f"joined the network as {member.title}"

    def _print_waiting(self, users: dict) -> None:
        """Who has what waiting, by name, so that a tester knows where to look."""
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("What waits for the demo members"))
        for name in ("anna", "bram"):
            waiting = member_waiting(users.get(name))
            if waiting is None:
                continue
            self.stdout.write(f"  {roles.login_of(name)} ({waiting.member.title}):")
            for line in waiting.details():
                self.stdout.write(f"    - {line}")
        company_admin = users.get("companyadmin")
        if company_admin is not None:
            claims = list(
                policies.positions_to_review(company_admin)
                .filter(verified_at__isnull=True, is_current=True)
                .select_related("member", "company")
                .order_by("company__title", "member__title")
            )
            anna = (
                MemberPage.objects.filter(user=users.get("anna")).first()
                if users.get("anna")
                else None
            )
            named = [c for c in claims if anna is not None and c.member_id == anna.pk][:1]
            example = (
                f", among them {named[0].member.title} at {named[0].company.title}" if named else ""
            )
            self.stdout.write(
                f"  {roles.login_of('companyadmin')}: {_count(len(claims), 'position')} to "
                f"confirm in the admin (Positions to confirm){example}."
            )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(members: list[str], limit: int = 3) -> str:
    shown = ", ".join(members[:limit])
    return shown + (f" and {len(members) - limit} more" if len(members) > limit else "")


@dataclass
class Waiting:
    """What a demo member finds in My network, read through the service layer."""

    member: MemberPage
    connections: int
    received: list[Connection]
    sent: list[Connection]
    recommendations: list[Recommendation]
    endorsements: int
    follows: list[str]
    claims: list[str]
    blocked: list[str]
    suggestions: list[str]

    def headline(self) -> str:
        parts = [_count(len(self.received), "invitation")]
        if self.recommendations:
            parts.append(_count(len(self.recommendations), "recommendation"))
        return " and ".join(parts) + " waiting in My network (/network/)"

    def details(self) -> list[str]:
        noted = sum(1 for c in self.received if c.message)
        lines = [
            f"{_count(len(self.received), 'invitation')} received, {noted} with a note, from "
            f"{_names([c.requester.title for c in self.received])}: accept or ignore",
            f"{_count(len(self.recommendations), 'recommendation')} to answer, from "
            f"{_names([r.author.title for r in self.recommendations])}: accept or hide",
            f"{_count(len(self.sent), 'invitation')} sent, to "
            f"{_names([c.recipient.title for c in self.sent])}: withdraw",
            f"{_count(self.connections, 'connection')}, {_count(self.endorsements, 'endorsement')} "
            f"received, follows {_names(self.follows) or 'no company'}",
        ]
        if self.suggestions:
            lines.append(f"people you may know: {'; '.join(self.suggestions)}: connect or dismiss")
        if self.claims:
            lines.append(f"waits for a company admin to confirm: {_names(self.claims)}")
        if self.blocked:
            lines.append(f"has blocked {_names(self.blocked)}: unblock")
        return lines


def member_waiting(user) -> Waiting | None:
    """What waits for ``user``'s member profile, or None when they have none."""
    member = MemberPage.objects.filter(user=user).first() if user else None
    if member is None:
        return None
    received = list(
        services.invitations_received(user).select_related("requester").order_by("-created_at")
    )
    sent = list(services.invitations_sent(user).select_related("recipient").order_by("-created_at"))
    recommendations = list(
        Recommendation.objects.filter(member=member, state=RecommendationState.PENDING_RECIPIENT)
        .select_related("author")
        .order_by("-created_at")
    )
    return Waiting(
        member=member,
        connections=ConnectionEdge.objects.filter(member=member).count(),
        received=received,
        sent=sent,
        recommendations=recommendations,
        endorsements=Endorsement.objects.filter(member=member).count(),
        follows=list(
            Follow.objects.filter(member=member)
            .order_by("company__title")
            .values_list("company__title", flat=True)
        ),
        claims=[
            f"{p.title} at {p.company.title}"
            for p in member.positions.filter(
                company__isnull=False, is_current=True, verified_at__isnull=True
            ).select_related("company")
        ],
        # The first three, as My network lists them, with their reasons.
        suggestions=[
            f"{s.member.title} ({', '.join(r.label for r in s.reasons)})"
            for s in graph.suggestions(user, limit=3)
        ],
        blocked=list(
            Block.objects.filter(blocker=member)
            .order_by("blocked__title")
            .values_list("blocked__title", flat=True)
        ),
    )
