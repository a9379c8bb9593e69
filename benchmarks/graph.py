#!/usr/bin/env python
"""Benchmark the network's shape: degrees, mutual connections, suggestions,
"how you are connected" and connections at a company, on a large network.

Optionally generates the network first (``--generate MEMBERS,COMPANIES,CONNECTIONS``,
through the example site's ``generate_network`` command in a child process whose
wall time and peak RSS are reported; then the search index, as its own timed child
unless ``--no-index``), then measures, in this process, each graph
question as the pages and GraphQL ask it, for viewers picked from the data:

* *median-degree* viewers (members whose connection count is the median) and
  *hubs* (2,000 connections or more; the best-connected members if none has 2,000);
* targets at 2 and 3 hops and unreachable ones, found with ``graph.degrees``;
* a page of 20 members for ``degrees``; a company where the viewer has connections.

Every sample uses a fresh :class:`~wagtail_network.viewer.Viewer` (as every request
has) whose own member is looked up before the clock starts. It prints the median and
the 95th percentile in milliseconds and the SQL queries of one call, beside the
issue's target where it sets one (``met`` or ``SHORT``). ``--explain``
prints PostgreSQL's plan (EXPLAIN ANALYZE) of every query of one call of each.

Usage::

    createdb -h 127.0.0.1 -U postgres wn_graph
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_graph REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python benchmarks/graph.py --generate 100000,5000,1000000 --runs 3

Without ``--generate`` it measures whatever network the database holds.
"""

from __future__ import annotations

import argparse
import inspect
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "benchmarks.graph_settings"


def child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; its wall time (s) and peak RSS (MiB), measured for it alone."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[2]} failed ({process.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024  # KiB on Linux


def generate(spec: str, seed: int, *, index: bool) -> None:
    members, companies, connections = (int(x) for x in spec.split(","))
    manage = [sys.executable, str(REPO / "example_site" / "manage.py")]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(REPO)}
    print(f"generating {members:,} members, {companies:,} companies, {connections:,} connections")
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    command = [
        *manage,
        "generate_network",
        "--members",
        str(members),
        "--companies",
        str(companies),
        "--connections",
        str(connections),
        "--seed",
        str(seed),
        "--reset",
        "--no-index",
    ]
    wall, peak = child(command, env)
    print(
        f"generate_network: {wall:.1f} s wall, peak RSS {peak:,.0f} MiB  (target: 180 s, 2,048 MiB)"
    )
    if index:
        wall, peak = child([*manage, "rebuild_network_search", "--chunk-size", "2000"], env)
        print(f"search index (rebuild_network_search): {wall:.1f} s wall, peak RSS {peak:,.0f} MiB")
    print()


def setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


#: The issue's floor for each figure: (words in its name, p95 under, queries at most).
TARGETS = [
    ("degree, a page of 20", 20.0, 1),
    ("mutual connections: count", 20.0, None),
    ("suggestions served (median", 50.0, None),
    ("suggestions served (member with 2,000+", 250.0, None),
    ("shortest path", 100.0, None),
]


def target_of(name: str) -> str:
    for words, p95, queries in TARGETS:
        if words in name:
            return f"p95 < {p95:g} ms" + (f", {queries} query" if queries else "")
    return ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class Bench:
    def __init__(self, runs: int, explain: bool, only: list[str] | None = None) -> None:
        self.only = only or []
        self.runs = runs
        self.explain = explain
        self.rows: list[tuple[str, float, float, int, int]] = []

    def measure(self, name: str, cases: list[tuple[Any, Any]], call: Callable) -> None:
        """Time ``call(viewer, arg)`` for each ``(user, arg)`` in ``cases``, ``runs`` times."""
        if self.only and not any(word in name for word in self.only):
            return
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from wagtail_network import visibility
        from wagtail_network.viewer import Viewer

        if not cases:
            print(f"{name}: no case in this network")
            return
        samples: list[float] = []
        queries = 0
        for run in range(self.runs + 1):
            for user, arg in cases:
                viewer = Viewer(user)
                visibility.viewer_member(viewer)  # a request has looked it up already
                if run == 0:  # count (and warm) outside the timed runs
                    with CaptureQueriesContext(connection) as ctx:
                        call(viewer, arg)
                    queries = max(queries, len(ctx.captured_queries))
                    if self.explain and (user, arg) == cases[0]:
                        self._explain(name, ctx.captured_queries)
                    continue
                started = time.perf_counter()
                call(viewer, arg)
                samples.append((time.perf_counter() - started) * 1000)
        self.rows.append(
            (
                name,
                statistics.median(samples),
                percentile(samples, 0.95),
                queries,
                len(samples),
            )
        )
        target = target_of(name)
        if target:
            p95_floor = next(p for words, p, _q in TARGETS if words in name)
            query_floor = next(q for words, _p, q in TARGETS if words in name)
            met = self.rows[-1][2] < p95_floor and (query_floor is None or queries <= query_floor)
            target = f"  target {target}: {'met' if met else 'SHORT'}"
        print(
            f"{name:<52} median {self.rows[-1][1]:7.1f} ms  p95 {self.rows[-1][2]:7.1f} ms"
            f"  {queries:2d} queries  ({len(samples)} samples){target}",
            flush=True,
        )

    def _explain(self, name: str, captured: list[dict]) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        print(f"--- plans: {name}")
        with connection.cursor() as cursor:
            for query in captured:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
                print()


def pick(args: argparse.Namespace) -> dict[str, Any]:
    """Viewers and targets from the data, by a seeded random choice."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from wagtail_network import graph, visibility
    from wagtail_network.models import ConnectionEdge, MemberPage, Position
    from wagtail_network.viewer import Viewer

    rng = random.Random(args.seed)
    degree_of = dict(
        ConnectionEdge.objects.values("member_id")
        .annotate(n=Count("*"))
        .values_list("member_id", "n")
        .order_by()
    )
    with_account = set(
        MemberPage.objects.filter(live=True, user__isnull=False).values_list("pk", flat=True)
    )
    members = sorted(with_account)
    counts = sorted(degree_of.get(pk, 0) for pk in members)
    median = counts[len(counts) // 2]
    print(
        f"network: {len(members):,} members with an account, "
        f"{sum(degree_of.values()) // 2:,} connections, degree median {median}, "
        f"p99 {counts[int(len(counts) * 0.99)]}, max {counts[-1]}"
    )
    at_median = [pk for pk in members if degree_of.get(pk, 0) == median]
    hubs = [pk for pk in members if degree_of.get(pk, 0) >= 2000]
    if not hubs:
        hubs = sorted(members, key=lambda pk: -degree_of.get(pk, 0))[: args.viewers // 2]
        print(
            f"no member has 2,000 connections: hubs are the best-connected ({degree_of[hubs[-1]]}+)"
        )
    median_viewers = rng.sample(at_median, min(args.viewers, len(at_median)))
    hub_viewers = rng.sample(hubs, min(max(1, args.viewers // 2), len(hubs)))
    users = {
        m.pk: m.user
        for m in MemberPage.objects.filter(pk__in=median_viewers + hub_viewers).select_related(
            "user"
        )
    }
    picked: dict[str, Any] = {
        "median": [(users[pk], pk) for pk in median_viewers],
        "hub": [(users[pk], pk) for pk in hub_viewers],
    }
    # Targets by degree (over all edges) and, for "hidden", members 2 or 3 hops
    # away with no path through visible edges.
    for key in ("median", "hub"):
        hops: dict[Any, list] = {2: [], 3: [], None: [], "hidden": []}
        for user, me in picked[key]:
            viewer = Viewer(user)
            sample = rng.sample(members, 400)
            visible = set(
                visibility.members_visible_to(viewer)
                .filter(pk__in=sample)
                .values_list("pk", flat=True)
            )
            found = graph.degrees(viewer, [pk for pk in sample if pk in visible])
            for degree in (2, 3, None):
                targets = [pk for pk, d in found.items() if d == degree and pk != me]
                hops[degree] += [(user, pk) for pk in targets[:2]]
            hidden = [
                pk
                for pk, d in found.items()
                if d in (2, 3) and graph.connection_path(viewer, pk).hidden
            ]
            hops["hidden"] += [(user, pk) for pk in hidden[:2]]
        picked[f"hops_{key}"] = hops
    picked["pages"] = [(user, rng.sample(members, 20)) for user, _me in picked["median"]]
    # The company where each viewer has the most connections.
    picked["companies"] = []
    for user, me in picked["median"] + picked["hub"]:
        mine = ConnectionEdge.objects.filter(member_id=me).values("other_id")
        top = (
            Position.objects.filter(member_id__in=mine, company_id__isnull=False)
            .values("company_id")
            .annotate(n=Count("*"))
            .order_by("-n")
            .first()
        )
        if top:
            picked["companies"].append((user, top["company_id"]))
    del get_user_model
    return picked


def run(args: argparse.Namespace) -> None:
    from wagtail_network import graph, visibility

    picked = pick(args)
    bench = Bench(args.runs, args.explain, args.only)
    bench.measure(
        "degree, a page of 20 (median viewer)",
        picked["pages"],
        lambda viewer, ids: graph.degrees(viewer, ids),
    )
    two = picked["hops_median"][2]
    bench.measure(
        "mutual connections: count (median viewer, 2 hops)",
        two,
        lambda viewer, pk: visibility.mutual_connections(viewer, pk).count(),
    )
    bench.measure(
        "mutual connections: first 20 (median viewer)",
        two,
        lambda viewer, pk: list(
            visibility.mutual_connections(viewer, pk).order_by("title", "pk")[:20]
        ),
    )
    for label, key in (("median-degree member", "median"), ("member with 2,000+", "hub")):
        cases = [(user, None) for user, _me in picked[key]]
        for user, _none in cases:  # the served answer: the pool is precomputed
            graph.suggestions(user, 10)
        bench.measure(
            f"suggestions served ({label})",
            cases,
            lambda viewer, _: graph.suggestions(viewer, 10),
        )
        if "from_scratch" in inspect.signature(graph.suggestions).parameters:
            bench.measure(
                f"suggestions from scratch ({label})",
                cases,
                lambda viewer, _: graph.suggestions(viewer, 10, from_scratch=True),
            )
    for key, who in (("median", "median viewer"), ("hub", "viewer with 2,000+")):
        for hops, label in (
            (2, "2 hops"),
            (3, "3 hops"),
            ("hidden", "hidden: only through private lists"),
            (None, "unreachable"),
        ):
            bench.measure(
                f"shortest path, {label} ({who})",
                picked[f"hops_{key}"][hops],
                lambda viewer, pk: graph.connection_path(viewer, pk),
            )
    bench.measure(
        "connections at a company: count + first 20",
        picked["companies"],
        lambda viewer, company: (
            graph.connections_at_company(viewer, company).count(),
            list(graph.connections_at_company(viewer, company).order_by("title", "pk")[:20]),
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", metavar="MEMBERS,COMPANIES,CONNECTIONS")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="timed runs over every case")
    parser.add_argument("--viewers", type=int, default=10, help="median-degree viewers")
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plans")
    parser.add_argument(
        "--no-index",
        dest="index",
        action="store_false",
        help="with --generate: skip building the search index (its own, timed step)",
    )
    parser.add_argument(
        "--only", action="append", metavar="WORD", help="measure only what is named with WORD"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL (the benchmark's figures are for PostgreSQL)")
    if args.generate:
        generate(args.generate, args.seed, index=args.index)
    setup()
    run(args)


if __name__ == "__main__":
    main()
