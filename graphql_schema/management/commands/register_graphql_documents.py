"""``manage.py register_graphql_documents``: the documents trusted-documents mode runs.

Reads ``.graphql``/``.gql`` files (a folder is searched for them), Relay's persisted
queries file (``{"<id>": "<text>", …}``) and Apollo's persisted-query manifest
(``{"format": "apollo-persisted-query-manifest", "operations": […]}``), checks every
document against the schema (syntax, fields, depth and alias limits), computes its
worst-case cost, and registers them all or none. See ``docs/how-to/persisted-queries.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    build_schema,
    parse,
    print_ast,
    specified_rules,
    validate,
)

from graphql_schema.models import TrustedDocument
from graphql_schema.persisted import forget_trusted, sha256_hex
from graphql_schema.protection import (
    CostAnalysis,
    ProtectionError,
    ProtectionRules,
)
from wagtail_network.conf import get_setting

GRAPHQL_SUFFIXES = (".graphql", ".gql")
APOLLO_FORMAT = "apollo-persisted-query-manifest"


@dataclass
class Document:
    document_id: str
    body: str
    source: str
    operation_names: str = ""
    cost: int = 0


def read_sources(paths: list[str]) -> list[Document]:
    """Every document the files and folders hold, with the id a client sends."""
    documents: list[Document] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in GRAPHQL_SUFFIXES)
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{name}: no such file or folder")
        for file in files:
            documents.extend(_read_file(file))
    return documents


def _read_file(path: Path) -> list[Document]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read as UTF-8 ({exc})") from exc
    if path.suffix in GRAPHQL_SUFFIXES:
        # A client may send the file as written or as graphql-js prints it.
        found = [Document(sha256_hex(text), text, str(path))]
        try:
            printed = print_ast(parse(text))
        except GraphQLError:
            return found  # reported by the check that follows
        if printed != text:
            found.append(Document(sha256_hex(printed), printed, str(path)))
        return found
    if path.suffix == ".json":
        try:
            manifest = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"{path}: not JSON ({exc})") from exc
        return _read_manifest(manifest, str(path))
    raise CommandError(f"{path}: neither a .graphql file nor a JSON manifest")


def _read_manifest(manifest: Any, source: str) -> list[Document]:
    if isinstance(manifest, dict) and manifest.get("format") == APOLLO_FORMAT:
        operations = manifest.get("operations")
        if not isinstance(operations, list):
            raise CommandError(f"{source}: an Apollo manifest needs a list of operations")
        documents = []
        for operation in operations:
            if not (
                isinstance(operation, dict)
                and isinstance(operation.get("id"), str)
                and isinstance(operation.get("body"), str)
            ):
                raise CommandError(f"{source}: every operation needs a string id and body")
            documents.append(Document(operation["id"], operation["body"], source))
        return documents
    if isinstance(manifest, dict) and all(
        isinstance(key, str) and isinstance(value, str) for key, value in manifest.items()
    ):
        # Relay's persisted queries file: id -> text.
        return [Document(key, value, source) for key, value in manifest.items()]
    raise CommandError(
        f"{source}: neither Relay's persisted queries file ({{id: text}}) nor an Apollo "
        "persisted-query manifest"
    )


def check_document(document: Document, graphql_schema: Any) -> list[str]:
    """What is wrong with ``document`` against the schema; sets its operations and cost."""
    if len(document.document_id) > 200:
        return ["its id is longer than 200 characters"]
    try:
        ast = parse(document.body, max_tokens=int(get_setting("GRAPHQL_MAX_TOKENS")))
    except GraphQLError as exc:
        return [exc.message]
    rules = [*specified_rules, *ProtectionRules().validation_rules]
    errors = [error.message for error in validate(graphql_schema, ast, rules)]
    if errors:
        return errors
    operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    document.operation_names = ", ".join(
        op.name.value if op.name else "(anonymous)" for op in operations
    )[:500]
    try:
        # Variables are unknown here: every connection counts at its largest page.
        analysis = CostAnalysis(graphql_schema, fragments, {})
        document.cost = max((analysis.operation(op) for op in operations), default=0)
    except ProtectionError as exc:
        return [exc.message]
    return []


def load_schema(path: str | None) -> Any:
    """The graphql-core schema to check against: the plugin's, or a host site's
    (``--schema myproject.schema.schema``), rebuilt from its SDL."""
    from strawberry.printer import print_schema

    if path:
        try:
            schema = import_string(path)
        except ImportError as exc:
            raise CommandError(f"--schema {path}: {exc}") from exc
    else:
        from graphql_schema.schema import schema
    return build_schema(print_schema(schema))


def _forget(document_id: str, sha: str) -> None:
    """Drop the cached entries now and again after the commit (a request in between
    must not keep the old text)."""
    forget_trusted(document_id, sha)
    transaction.on_commit(lambda: forget_trusted(document_id, sha))


class Command(BaseCommand):
    help = (
        "Register the GraphQL documents a frontend sends (.graphql files, Relay's or "
        "Apollo's persisted-query manifest) for trusted-documents mode."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help=".graphql files, folders or manifests.")
        parser.add_argument(
            "--schema",
            help="Dotted path of the strawberry schema the endpoint serves, when the site "
            "extends the plugin's (default: graphql_schema.schema.schema).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove every registered document these sources do not hold.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check, register nothing.")
        parser.add_argument("--list", action="store_true", help="List what is registered.")
        parser.add_argument(
            "--remove", action="append", default=[], metavar="ID", help="Remove one document."
        )

    def handle(self, *args, paths, schema, replace, dry_run, list, remove, **options):
        if list:
            for doc in TrustedDocument.objects.all():
                self.stdout.write(
                    f"{doc.document_id}\t{doc.operation_names}\tcost {doc.cost}\t{doc.source}"
                )
            return
        if remove:
            self._remove(TrustedDocument.objects.filter(document_id__in=remove))
            return
        if not paths:
            raise CommandError("Name the .graphql files, folders or manifests to register.")
        documents = read_sources(paths)
        graphql_schema = load_schema(schema)
        failures = []
        for document in documents:
            for message in check_document(document, graphql_schema):
                failures.append(f"{document.source} [{document.document_id[:16]}]: {message}")
        if failures:
            raise CommandError(
                "Nothing was registered; these documents do not fit the schema:\n"
                + "\n".join(failures)
            )
        max_cost = int(get_setting("GRAPHQL_MAX_COST"))
        for document in documents:
            if document.cost > max_cost:
                self.stderr.write(
                    f"warning: {document.operation_names} costs up to {document.cost} points "
                    f"(GRAPHQL_MAX_COST is {max_cost}): requests asking for large pages "
                    "will be refused"
                )
        if dry_run:
            self.stdout.write(f"{len(documents)} documents fit the schema (nothing registered).")
            return
        with transaction.atomic():
            created = 0
            for document in documents:
                old_sha = (
                    TrustedDocument.objects.filter(document_id=document.document_id)
                    .values_list("sha256", flat=True)
                    .first()
                )
                if old_sha is not None:
                    _forget(document.document_id, old_sha)
                _obj, new = TrustedDocument.objects.update_or_create(
                    document_id=document.document_id,
                    defaults={
                        "body": document.body,
                        "sha256": sha256_hex(document.body),
                        "operation_names": document.operation_names,
                        "cost": document.cost,
                        "source": document.source[:500],
                    },
                )
                created += new
                _forget(document.document_id, sha256_hex(document.body))
            removed = 0
            if replace:
                removed = self._remove(
                    TrustedDocument.objects.exclude(
                        document_id__in=[d.document_id for d in documents]
                    ),
                    quiet=True,
                )
        self.stdout.write(
            f"Registered {len(documents)} documents ({created} new"
            + (f", {removed} removed" if replace else "")
            + ")."
        )
        for document in documents:
            self.stdout.write(
                f"  {document.document_id[:16]}  {document.operation_names}  "
                f"worst-case cost {document.cost}"
            )

    def _remove(self, queryset, quiet: bool = False) -> int:
        gone = [(doc.document_id, doc.sha256) for doc in queryset]
        queryset.delete()
        for document_id, sha in gone:
            _forget(document_id, sha)
        if not quiet:
            self.stdout.write(f"Removed {len(gone)} documents.")
        return len(gone)
