"""``manage.py uninstall_network``: remove the network from the site's database.

``--dry-run`` lists what would go and changes nothing; without it the command asks
for confirmation (``--noinput`` skips the question) and removes everything in one
transaction (:func:`wagtail_network.uninstall.uninstall_network`; its docstring
lists what goes and what stays). Then ``migrate wagtail_network zero`` and removing
the apps finish the job (docs/how-to/uninstall.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from wagtail_network.uninstall import (
    Inventory,
    UninstallRefused,
    plan_uninstall,
    uninstall_network,
)


class Command(BaseCommand):
    help = (
        "Remove the network's pages (with their revisions, search entries and the "
        "renditions of their images), rows, grants and role groups; audit entries stay "
        "without personal data. Run with --dry-run first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be removed; change nothing.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--keep-groups",
            action="store_true",
            help="Keep the plugin's role groups (Network editors, Network moderators, "
            "Company admins).",
        )

    # The report names page types by their verbose names: in one language (English,
    # the source), whatever language the process had active.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        keep_groups = options["keep_groups"]
        verbosity = options["verbosity"]
        if options["dry_run"]:
            inventory = plan_uninstall(keep_groups=keep_groups)
            self.report(inventory, verbosity, done=False)
            self.refusals(inventory)
            self.stdout.write("Dry run: nothing was changed.")
            return
        if options["interactive"]:
            inventory = plan_uninstall(keep_groups=keep_groups)
            self.report(inventory, verbosity, done=False)
            self.refusals(inventory)
            answer = input(
                "This removes the network from the database and cannot be undone.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Uninstall cancelled.")
        try:
            inventory = uninstall_network(keep_groups=keep_groups)
        except UninstallRefused as exc:
            raise CommandError("\n".join(exc.reasons)) from None
        self.report(inventory, verbosity, done=True)
        self.stdout.write(
            self.style.SUCCESS(
                "The network was removed. Next: python manage.py migrate wagtail_network zero"
            )
        )

    def refusals(self, inventory: Inventory) -> None:
        if inventory.refusals:
            raise CommandError("Cannot uninstall:\n" + "\n".join(inventory.refusals))

    def report(self, inventory: Inventory, verbosity: int, *, done: bool) -> None:
        """What goes and what stays; every page at verbosity 2, the topmost ones at 1."""
        write = self.stdout.write
        write("Removed:" if done else "Would remove:")
        by_type: dict[str, int] = {}
        for item in inventory.pages:
            by_type[item.type] = by_type.get(item.type, 0) + 1
        write(f"  pages: {len(inventory.pages)} of the network's types")
        for kind, n in sorted(by_type.items()):
            write(f"    {kind}: {n}")
        pages = inventory.pages if verbosity >= 2 else inventory.top_pages
        if pages:
            write("    " + ("every page:" if verbosity >= 2 else "with everything below them:"))
        for item in pages:
            write(f"      {item.url_path}  {item.title!r} ({item.type}, id {item.pk})")
        if inventory.host_pages:
            n = len(inventory.host_pages)
            write(f"  host pages below network pages, removed with them: {n}")
            for item in inventory.host_pages:
                write(f"      {item.url_path}  {item.title!r} ({item.type}, id {item.pk})")
        write(f"  page revisions: {inventory.revisions}")
        write(f"  search-index entries of {inventory.indexed_objects} objects")
        write(
            f"  renditions: {inventory.renditions} of {len(inventory.images)} images "
            "(the images stay in the image library)"
        )
        if verbosity >= 2:
            for pk, title in inventory.images:
                write(f"      image {pk}: {title!r}")
        write(f"  rows of the network's models: {sum(inventory.rows.values())}")
        for label, n in sorted(inventory.rows.items()):
            write(f"    {label}: {n}")
        write(f"  tags used only by the network: {inventory.tags}")
        write(f"  guardian per-object grants: {inventory.object_permissions}")
        write(f"  network permissions given to groups or users: {inventory.permission_assignments}")
        write(f"  role groups: {len(inventory.role_groups)}")
        for name, members in inventory.role_groups:
            write(f"    {name!r} ({members} users)")
        write("Kept:")
        write(f"  audit entries, without personal data: {inventory.log_entries}")
        write(
            f"  images used by the network: {len(inventory.images)} "
            "(delete them in the image library if they are not wanted)"
        )
        write(
            f"  API tokens of members' accounts: {inventory.member_tokens} "
            "(Wagtail's; revoke them separately if they are not wanted)"
        )
        write("  user accounts, host pages and everything else of the host site")
