"""``manage.py export_graphql_schema``: write the schema's SDL to ``schema.graphql``.

The committed file is what clients and reviewers read; a test fails when it and
the code disagree.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

SDL_PATH = Path(__file__).resolve().parents[2] / "schema.graphql"


def current_sdl() -> str:
    """The SDL of the schema as the code defines it now."""
    from strawberry.printer import print_schema

    from graphql_schema.schema import schema

    return print_schema(schema) + "\n"


class Command(BaseCommand):
    help = "Export the GraphQL schema (SDL) to graphql_schema/schema.graphql."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", default=str(SDL_PATH), help="Where to write (default: %(default)s)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Do not write; exit with status 1 when the file differs from the code.",
        )

    def handle(self, *args, path: str, check: bool, **options):
        sdl = current_sdl()
        target = Path(path)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != sdl:
                self.stderr.write(f"{target} is out of date; run manage.py export_graphql_schema")
                raise SystemExit(1)
            self.stdout.write("Schema is up to date.")
            return
        target.write_text(sdl, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
