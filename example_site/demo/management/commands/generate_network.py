"""``manage.py generate_network``: a large network, loaded in minutes, for measuring.

    manage.py generate_network --members 100000 --companies 5000 --connections 1000000

Streams the network into the database in one transaction (see
:mod:`example_site.demo.generate`), shows each step's progress and rate, then
refreshes the planner's statistics and builds the search index as a separate,
timed step (``--no-index`` leaves it to ``rebuild_network_search``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from wagtail.models import Page

from example_site.demo import generate, roles


class Command(BaseCommand):
    help = (
        "Generate a large network (member and company pages, accounts, skills, positions, "
        "connections with a heavy-tailed degree distribution, endorsements, "
        "recommendations) for benchmarks. Needs empty directories, or --reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--companies", type=int, default=500)
        parser.add_argument("--connections", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--password",
            default=roles.DEFAULT_PASSWORD,
            help="Password of every generated account (default: the demo's).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First remove the network there is (profile pages, the plugin's rows, "
            "demo accounts and images), without asking.",
        )
        parser.add_argument(
            "--no-index",
            action="store_false",
            dest="index",
            help="Skip the search index (build it later with rebuild_network_search).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Afterwards, check the page tree and the data model's invariants.",
        )

    def handle(self, *args, **options) -> None:
        members, companies = options["members"], options["companies"]
        connections = options["connections"]
        if members < 10 or companies < 2:
            raise CommandError("--members must be at least 10 and --companies at least 2.")
        # A directory's children are numbered in one step of the page tree's path.
        most = len(Page.alphabet) ** Page.steplen - 1
        if members > most or companies > most:
            raise CommandError(f"--members and --companies can be at most {most:,}.")
        possible = members * (members - 1) // 2
        if not 0 <= connections <= possible // 4:
            raise CommandError(
                f"--connections must be between 0 and {possible // 4:,} for {members:,} "
                "members (a quarter of all pairs)."
            )
        started = time.perf_counter()
        stream = self.stdout if options["verbosity"] >= 1 else None
        with transaction.atomic():
            if options["reset"]:
                try:
                    removed = generate.reset()
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(
                    f"Removed {removed['pages']:,} pages, {removed['images']:,} images, "
                    f"{removed['users']:,} accounts in {time.perf_counter() - started:.1f}s."
                )
            generator = generate.Generator(
                members=members,
                companies=companies,
                connections=connections,
                seed=options["seed"],
                password=options["password"],
                stream=stream,
            )
            try:
                timings = generator.run()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            committing = time.perf_counter()
        timings.steps["commit"] = time.perf_counter() - committing
        loaded = time.perf_counter() - started
        step = time.perf_counter()
        generate.analyze()
        analyzed = time.perf_counter() - step
        counts = timings.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {companies:,} companies, {members:,} members, "
                f"{generator.accepted:,} connections in {loaded:.1f}s "
                f"(+ {analyzed:.1f}s of planner statistics)"
            )
        )
        self.stdout.write(
            f"  {counts['edges']:,} edge rows, {counts['endorsements']:,} endorsements, "
            f"{counts['recommendations']:,} recommendations, {counts['position rows']:,} "
            f"positions, {counts['follows']:,} follows, {counts['blocks']:,} blocks, "
            f"{len(generator.pairs) - generator.accepted:,} pending invitations"
        )
        self.stdout.write(
            "  steps: "
            + ", ".join(f"{label} {seconds:.1f}s" for label, seconds in timings.steps.items())
        )
        degrees = generate.degree_summary()
        self.stdout.write(
            f"  connections per member: median {degrees['median']}, 99th percentile "
            f"{degrees['p99']}, most {degrees['max']:,}"
        )
        if options["index"]:
            step = time.perf_counter()
            indexed = generate.build_search_index()
            self.stdout.write(
                f"Search index: {indexed['entries']:,} profiles ({indexed['public']:,} in "
                f"Wagtail's shared index) in {time.perf_counter() - step:.1f}s"
            )
        else:
            self.stdout.write("Search index skipped: run manage.py rebuild_network_search.")
        if options["check"]:
            step = time.perf_counter()
            problems = generate.check_invariants()
            took = time.perf_counter() - step
            if problems:
                raise CommandError("The generated network is inconsistent: " + "; ".join(problems))
            self.stdout.write(f"Checked the page tree and the invariants in {took:.1f}s: sound.")
        self.stdout.write(
            f"Every member signs in on /accounts/login/ as {roles.login_of('<profile slug>')} "
            f"(e.g. {roles.login_of(generator.slugs[0])}) with the password given."
        )
