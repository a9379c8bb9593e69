"""``manage.py repair_profile_names``: profiles named after their account, renamed.

Finds member profiles whose name or slug came from the account's username or
e-mail address (as profiles created before joining asked for a display name
were), gives each a neutral name ("Member 12") and a slug made from it, publishes
the change, removes the old name from the page's history, and flags the profile
for its member (``needsDisplayName`` over GraphQL) and for editors (the admin's
member profile listing). ``--dry-run`` lists what would change. The rules are in
:mod:`wagtail_network.services.names`. Safe to run again: a repaired profile no
longer matches.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wagtail_network.services.names import REASONS, repair_profile_names


class Command(BaseCommand):
    help = (
        "Give member profiles whose name or slug came from the account's username or "
        "e-mail address a neutral name, and flag them for their member. Run with "
        "--dry-run first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the profiles that would be repaired; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        repairs = repair_profile_names(dry_run=dry_run)
        # The old names are not printed: they are the e-mail addresses this repairs.
        for repair in repairs:
            why = "; ".join(REASONS[reason] for reason in repair.reasons)
            self.stdout.write(
                f"member page {repair.member_id}: {why} -> {repair.title!r}, slug {repair.slug!r}"
            )
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(repairs)} profile(s) would be repaired; nothing was changed."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{len(repairs)} profile(s) repaired."))
