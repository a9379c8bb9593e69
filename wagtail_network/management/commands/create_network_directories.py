"""``manage.py create_network_directories``: the company and member directories.

Creates a company directory (``CompanyIndexPage``) and a member directory
(``MemberIndexPage``) under the default site's root page — or under ``--parent`` —
and publishes them. Idempotent: a directory of either kind already there is kept
and reported, never duplicated, so the command is safe in a deployment script.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from wagtail.models import Page, Site

from wagtail_network.models import CompanyIndexPage, MemberIndexPage


class Command(BaseCommand):
    help = (
        "Create and publish the company and member directories under the default site's "
        "root page (or --parent). Directories that exist already are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--parent",
            help="The id or tree path (Page.url_path, e.g. /home/) of the page to put them "
            "under; default: the default site's root page.",
        )
        parser.add_argument("--companies-title", default="Companies")
        parser.add_argument("--companies-slug", default="companies")
        parser.add_argument("--members-title", default="Members")
        parser.add_argument("--members-slug", default="members")

    def handle(self, *args: Any, **options: Any) -> None:
        parent = self.parent(options["parent"])
        with transaction.atomic():
            for model, title, slug in (
                (CompanyIndexPage, options["companies_title"], options["companies_slug"]),
                (MemberIndexPage, options["members_title"], options["members_slug"]),
            ):
                self.ensure(parent, model, title, slug)

    def parent(self, value: str | None) -> Page:
        if value is None:
            site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
            if site is None:
                raise CommandError("No default Wagtail site: pass --parent.")
            return site.root_page
        page = (
            Page.objects.filter(pk=int(value)).first()
            if value.isdigit()
            else Page.objects.filter(url_path="/" + value.strip("/") + "/").first()
        )
        if page is None:
            raise CommandError(f"No page {value!r}.")
        return page

    def ensure(self, parent: Page, model: type[Page], title: str, slug: str) -> None:
        existing = model.objects.child_of(parent).first()
        if existing is not None:
            self.stdout.write(
                f"{model._meta.verbose_name} kept: {existing.url_path} (id {existing.pk})"
            )
            return
        if parent.get_children().filter(slug=slug).exists():
            raise CommandError(
                f"{parent.title!r} already has a child page with the slug {slug!r}: "
                f"pass another --{'companies' if model is CompanyIndexPage else 'members'}-slug."
            )
        page = model(title=title, slug=slug)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.stdout.write(
            self.style.SUCCESS(
                f"{model._meta.verbose_name} created: {page.url_path} (id {page.pk})"
            )
        )
