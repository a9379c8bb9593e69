"""``manage.py refresh_network_suggestions``: precompute "people you may know".

Computes and stores the candidate pool (who is considered for suggestions) of every
member with an account, or of ``--members`` ids, or (``--stale-only``) of those
whose stored pool is missing or older than ``WAGTAIL_NETWORK["SUGGESTIONS"]
["FRESH_FOR"]``; prints the rate. Pools are also refreshed on demand (a request
that finds a stale pool enqueues its refresh), so this is for warming the cache
after a deployment or a bulk load, or for a schedule shorter than ``FRESH_FOR``
(docs/how-to/suggestions.md).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wagtail_network import graph, suggestion_pool
from wagtail_network.models import MemberPage

#: How often (in members) progress is printed.
PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = "Precompute the suggestion candidate pools of members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            nargs="+",
            type=int,
            default=None,
            metavar="ID",
            help="Only these member page ids (default: every member with an account).",
        )
        parser.add_argument(
            "--stale-only",
            action="store_true",
            help="Skip members whose stored pool is younger than SUGGESTIONS['FRESH_FOR'].",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        members = MemberPage.objects.filter(user__isnull=False)
        if options["members"]:
            members = members.filter(pk__in=options["members"])
        ids = list(members.order_by("pk").values_list("pk", flat=True))
        if options["stale_only"]:
            ids = [pk for pk in ids if not _fresh(pk)]
        started = time.perf_counter()
        for done, pk in enumerate(ids, start=1):
            graph.refresh_suggestion_pool(pk)
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(self._rate(done, len(ids), started))
        self.stdout.write(self._rate(len(ids), len(ids), started, final=True))

    @staticmethod
    def _rate(done: int, total: int, started: float, final: bool = False) -> str:
        elapsed = max(time.perf_counter() - started, 1e-9)
        rate = done / elapsed
        if final:
            return f"Refreshed the suggestions of {done} members in {elapsed:.1f} s ({rate:.1f}/s)."
        return f"{done}/{total} members, {rate:.1f}/s"


def _fresh(member_id: int) -> bool:
    stored = suggestion_pool.cached_pool(member_id)
    return stored is not None and stored.is_fresh
