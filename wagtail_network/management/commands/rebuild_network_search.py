"""``manage.py rebuild_network_search``: both search indexes of the profiles, rebuilt.

Writes the plugin's own search entry (``ProfileSearchEntry``) of every member and
company page and indexes it, and leaves in Wagtail's shared page index only the
profiles every visitor may see (the others are removed, the public ones re-added),
on every configured search backend. Idempotent: run it after upgrading, after a
bulk load that bypassed ``save()``, or after changing ``LOCKED_PROFILE_VISIBILITY``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from wagtail_network import search


class Command(BaseCommand):
    help = (
        "Rebuild the network's own search entries of every profile and keep only "
        "public profiles in Wagtail's shared page index. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=search.CHUNK_SIZE,
            help="Profiles read and written at once (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        # One transaction: on a database search backend a failure leaves the
        # indexes as they were, never half rebuilt.
        with transaction.atomic():
            counts = search.rebuild(chunk_size=max(1, options["chunk_size"]))
        self.stdout.write(
            f"{counts['entries']} profiles indexed; Wagtail's shared page index holds the "
            f"{counts['public']} public ones, {counts['hidden']} kept out; "
            f"{counts['stale']} stale entries deleted"
            + (f" ({time.perf_counter() - started:.1f}s)" if options["verbosity"] > 1 else "")
        )
