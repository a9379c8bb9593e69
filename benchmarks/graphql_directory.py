#!/usr/bin/env python
"""Benchmark the GraphQL read side against Wagtail's page API and a one-SQL floor.

Loads N public members into a fresh database, then measures, for the members
directory (a page of members with current company and skills with endorsement
counts) and for a full profile:

* ``graphql``: our ``/graphql/`` endpoint (strawberry-django + optimizer + visibility);
* ``api-v2``: Wagtail's own ``wagtail.api.v2`` pages endpoint serving the same pages
  and fields (exposed for this benchmark only, the naive way: properties on the model);
* ``floor``: a plain Django view behind the same middleware returning the same JSON
  from one hand-written SQL statement (no visibility rules: every profile is public).

It prints SQL queries per request and the median latency. Requests go through the
whole Django stack (middleware, URL routing, views); with ``--http`` they go over a
real HTTP server on 127.0.0.1 (a threaded wsgiref server in this process).

Usage::

    .venv/bin/python benchmarks/graphql_directory.py --members 200 --page 20 --page 100
    .venv/bin/python benchmarks/graphql_directory.py --members 200 --http

The database is a temporary SQLite file unless ``--database-url`` is given
(an existing database is never touched: give an empty one).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

DIRECTORY_QUERY = """
query Directory($first: Int!) {
  members(first: $first) {
    totalCount
    edges { node {
      id name headline url
      positions(current: true) { title company { name } }
      skills { skill { name } endorsementCount }
    } }
  }
}
"""

PROFILE_QUERY = """
query Profile($slug: String!) {
  member(slug: $slug) {
    id name headline bio city country url
    positions { title isCurrent company { name } }
    education { school degree }
    links { label url }
    skills { skill { name } endorsementCount }
    connectionCount
    connections(first: 10) { edges { node { name headline } } }
    endorsementsReceived(first: 10) { edges { node { endorser { name } skill { name } } } }
  }
}
"""


# --------------------------------------------------------------------------
# The floor: one hand-written SQL statement per request, same JSON
# --------------------------------------------------------------------------


def _concat(expression: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"string_agg({expression}, '|')"
    return f"group_concat({expression}, '|')"


def _text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _split(value: str | None) -> list[str]:
    return value.split("|") if value else []


def _url(url_path: str) -> str | None:
    from wagtail.models import Site

    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return root.root_url + url_path[len(root.root_path) - 1 :]
    return None


def _skills_sql(vendor: str) -> str:
    count = (
        "(SELECT COUNT(*) FROM wagtail_network_endorsement e WHERE e.member_id = m.page_ptr_id "
        "AND e.skill_id = s.id AND e.state = 'live' AND NOT e.is_hidden)"
    )
    return (
        f"(SELECT {_concat('s.name || ' + repr(':') + ' || ' + _text(count), vendor)} "
        "FROM wagtail_network_skill s JOIN wagtail_network_memberpage_skills ms "
        "ON ms.skill_id = s.id WHERE ms.memberpage_id = m.page_ptr_id)"
    )


def floor_directory(request):
    """The directory page as JSON, from one SQL statement."""
    from django.db import connection
    from django.http import JsonResponse

    first = min(int(request.GET.get("first", 20)), 100)
    vendor = connection.vendor
    sql = f"""
        SELECT p.id, p.title, m.headline, p.url_path,
          (SELECT cp.title || '|' || pos.title FROM wagtail_network_position pos
             JOIN wagtailcore_page cp ON cp.id = pos.company_id
            WHERE pos.member_id = m.page_ptr_id AND pos.is_current
            ORDER BY pos.sort_order LIMIT 1) AS company,
          {_skills_sql(vendor)} AS skills,
          COUNT(*) OVER () AS total
        FROM wagtail_network_memberpage m JOIN wagtailcore_page p ON p.id = m.page_ptr_id
        WHERE p.live AND m.profile_visibility = 'public'
        ORDER BY p.title, p.id LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [first])
        rows = cursor.fetchall()
    edges = []
    for pk, title, headline, url_path, company, skills, _total in rows:
        company_name, position_title = (
            (company.split("|", 1) + [None])[:2] if company else (None, None)
        )
        edges.append(
            {
                "node": {
                    "id": pk,
                    "name": title,
                    "headline": headline,
                    "url": _url(url_path),
                    "positions": [{"title": position_title, "company": {"name": company_name}}]
                    if company
                    else [],
                    "skills": [
                        {"skill": {"name": n}, "endorsementCount": int(c)}
                        for n, c in (s.rsplit(":", 1) for s in _split(skills))
                    ],
                }
            }
        )
    total = rows[0][-1] if rows else 0
    return JsonResponse({"data": {"members": {"totalCount": total, "edges": edges}}})


def floor_profile(request, pk: int):
    """A full profile as JSON, from one SQL statement."""
    from django.db import connection
    from django.http import JsonResponse

    vendor = connection.vendor
    position = (
        "pos.title || '~' || "
        + _text("pos.is_current")
        + " || '~' || COALESCE(cp.title, pos.company_name)"
    )
    sql = f"""
        SELECT p.id, p.title, m.headline, m.bio, m.city, m.country, p.url_path,
          (SELECT {_concat(position, vendor)}
             FROM wagtail_network_position pos
             LEFT JOIN wagtailcore_page cp ON cp.id = pos.company_id
            WHERE pos.member_id = m.page_ptr_id),
          (SELECT {_concat("ed.school || '~' || ed.degree", vendor)}
             FROM wagtail_network_education ed WHERE ed.member_id = m.page_ptr_id),
          (SELECT {_concat("l.label || '~' || l.url", vendor)}
             FROM wagtail_network_memberlink l WHERE l.member_id = m.page_ptr_id),
          {_skills_sql(vendor)},
          (SELECT COUNT(*) FROM wagtail_network_connectionedge ce
            WHERE ce.member_id = m.page_ptr_id),
          (SELECT {_concat("x.title || '~' || x.headline", vendor)} FROM (
             SELECT op.title, om.headline FROM wagtail_network_connectionedge ce
               JOIN wagtailcore_page op ON op.id = ce.other_id
               JOIN wagtail_network_memberpage om ON om.page_ptr_id = ce.other_id
              WHERE ce.member_id = m.page_ptr_id ORDER BY op.title LIMIT 10) x),
          (SELECT {_concat("y.title || '~' || y.name", vendor)} FROM (
             SELECT ep.title, sk.name FROM wagtail_network_endorsement e
               JOIN wagtailcore_page ep ON ep.id = e.endorser_id
               JOIN wagtail_network_skill sk ON sk.id = e.skill_id
              WHERE e.member_id = m.page_ptr_id AND e.state = 'live' AND NOT e.is_hidden
              ORDER BY e.created_at DESC LIMIT 10) y)
        FROM wagtail_network_memberpage m JOIN wagtailcore_page p ON p.id = m.page_ptr_id
        WHERE p.id = %s AND p.live AND m.profile_visibility = 'public'
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"data": {"member": None}})
    (pk, title, headline, bio, city, country, url_path, positions, education, links, skills,
     connection_count, connections, endorsements) = row  # fmt: skip

    def parts(value: str | None) -> list[list[str]]:
        return [item.split("~") for item in _split(value)]

    member = {
        "id": pk,
        "name": title,
        "headline": headline,
        "bio": bio,
        "city": city,
        "country": country,
        "url": _url(url_path),
        "positions": [
            {"title": t, "isCurrent": c in ("1", "true"), "company": {"name": n}}
            for t, c, n in parts(positions)
        ],
        "education": [{"school": s, "degree": d} for s, d in parts(education)],
        "links": [{"label": label, "url": u} for label, u in parts(links)],
        "skills": [
            {"skill": {"name": n}, "endorsementCount": int(c)}
            for n, c in (s.rsplit(":", 1) for s in _split(skills))
        ],
        "connectionCount": connection_count,
        "connections": {
            "edges": [{"node": {"name": n, "headline": h}} for n, h in parts(connections)]
        },
        "endorsementsReceived": {
            "edges": [
                {"node": {"endorser": {"name": n}, "skill": {"name": s}}}
                for n, s in parts(endorsements)
            ]
        },
    }
    return JsonResponse({"data": {"member": member}})


# --------------------------------------------------------------------------
# Wagtail API v2, exposed the naive way for the comparison
# --------------------------------------------------------------------------


def expose_api_v2_fields() -> None:
    """Give MemberPage ``api_fields`` carrying the same data as the GraphQL queries.

    Done here, for the benchmark only: the plugin itself serves its API over
    GraphQL (and ``wagtail_network.api`` for visibility-aware page API listings).
    """
    from wagtail.api import APIField

    from wagtail_network.models import ConnectionEdge, MemberPage

    def current_company(self):
        for position in self.positions.all():
            if position.is_current:
                return {"title": position.title, "company": position.display_company}
        return None

    def skill_endorsements(self):
        return [
            {
                "name": skill.name,
                "endorsements": self.endorsements_received.filter(
                    skill=skill, state="live", is_hidden=False
                ).count(),
            }
            for skill in self.skills.all()
        ]

    def position_list(self):
        return [
            {"title": p.title, "isCurrent": p.is_current, "company": p.display_company}
            for p in self.positions.all()
        ]

    def education_list(self):
        return [{"school": e.school, "degree": e.degree} for e in self.education.all()]

    def link_list(self):
        return [{"label": link.label, "url": link.url} for link in self.links.all()]

    def connection_list(self):
        edges = ConnectionEdge.objects.filter(member=self).select_related("other")
        return [
            {"name": e.other.title, "headline": e.other.headline}
            for e in edges.order_by("other__title")[:10]
        ]

    def connection_count(self):
        return ConnectionEdge.objects.filter(member=self).count()

    def endorsement_list(self):
        return [
            {"endorser": e.endorser.title, "skill": e.skill.name}
            for e in self.endorsements_received.filter(state="live", is_hidden=False)[:10]
        ]

    for name, function in {
        "current_company": current_company,
        "skill_endorsements": skill_endorsements,
        "position_list": position_list,
        "education_list": education_list,
        "link_list": link_list,
        "connection_list": connection_list,
        "connection_count": connection_count,
        "endorsement_list": endorsement_list,
    }.items():
        setattr(MemberPage, name, property(function))
    MemberPage.api_fields = [
        APIField(name)
        for name in (
            "headline",
            "bio",
            "city",
            "country",
            "current_company",
            "skill_endorsements",
            "position_list",
            "education_list",
            "link_list",
            "connection_list",
            "connection_count",
            "endorsement_list",
        )
    ]


API_DIRECTORY_FIELDS = "headline,current_company,skill_endorsements"
API_PROFILE_FIELDS = (
    "headline,bio,city,country,position_list,education_list,link_list,skill_endorsements,"
    "connection_count,connection_list,endorsement_list"
)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def load_network(members: int) -> dict[str, Any]:
    """N public members at N/10 companies, each with a current position, three
    skills, endorsements, an education row, a link and a few connections."""
    import random

    from django.test import override_settings

    from tests.factories import (
        CompanyIndexPageFactory,
        CompanyPageFactory,
        MemberIndexPageFactory,
        MemberPageFactory,
        PositionFactory,
        SkillFactory,
        connect,
        site_root,
    )
    from wagtail_network.models import Education, Endorsement, MemberLink, MemberPage

    rng = random.Random(42)
    no_index = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=no_index):
        root = site_root()
        directory = MemberIndexPageFactory(parent=root)
        company_index = CompanyIndexPageFactory(parent=root)
        skills = [SkillFactory(name=f"Skill {i:02d}") for i in range(20)]
        companies = [
            CompanyPageFactory(
                parent=company_index, title=f"Company {i:03d}", slug=f"company-{i:03d}"
            )
            for i in range(max(5, members // 10))
        ]
        pages = []
        through = MemberPage.skills.through
        for i in range(members):
            page = MemberPageFactory(
                parent=directory,
                title=f"Member {i:05d}",
                slug=f"member-{i:05d}",
                headline=f"Engineer #{i}",
                bio="<p>Builds things.</p>",
                profile_visibility="public",
                connections_visibility="public",
                positions_visibility="public",
            )
            chosen = rng.sample(skills, 3)
            through.objects.bulk_create([through(memberpage=page, skill=s) for s in chosen])
            PositionFactory(member=page, company=rng.choice(companies), title="Engineer")
            PositionFactory(member=page, company_name="Old job", title="Intern", is_current=False)
            Education.objects.create(member=page, school="University", degree="MSc")
            MemberLink.objects.create(member=page, label="Site", url="https://example.com")
            page._skills = chosen
            pages.append(page)
        for i, page in enumerate(pages):
            for j in (1, 7, 31):
                if i + j < len(pages):
                    connect(page, pages[i + j])
        for i, page in enumerate(pages):
            for j in (1, 7):
                if i + j < len(pages):
                    Endorsement.objects.create(
                        endorser=pages[i + j], member=page, skill=page._skills[0]
                    )
    return {"profile": pages[len(pages) // 2]}


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


class Transport:
    """Sends requests through Django's test client (whole middleware stack, in
    process) or over a real HTTP server on 127.0.0.1."""

    def __init__(self, http: bool):
        from django.test import Client

        self.client = Client()
        self.http = http
        if http:
            self._start_server()

    def _start_server(self) -> None:
        import threading
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        from django.core.handlers.wsgi import WSGIHandler

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

        self.server = make_server("127.0.0.1", 0, WSGIHandler(), Server, QuietHandler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def get(self, url: str) -> bytes:
        if not self.http:
            response = self.client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response.content
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200, (url, response.status, body[:300])
        return body

    def post_json(self, url: str, payload: dict) -> bytes:
        data = json.dumps(payload)
        if not self.http:
            response = self.client.post(url, data=data, content_type="application/json")
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response.content
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        conn.request("POST", url, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200, (url, response.status, body[:300])
        return body


def count_queries(call) -> tuple[int, bytes]:
    """SQL queries of one request, counted in process (the HTTP server's thread
    has its own connection, so counting always uses the test client)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = call()
    return len(ctx.captured_queries), body


def median_ms(call, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200, help="members to load (default 200)")
    parser.add_argument(
        "--page", type=int, action="append", help="directory page size(s) (default 20 and 100)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per cell")
    parser.add_argument("--http", action="store_true", help="go over a real HTTP server")
    parser.add_argument(
        "--database-url",
        help="database to use (default: a temporary SQLite file); an empty one is loaded, "
        "one loaded by an earlier run is reused as it is",
    )
    args = parser.parse_args(argv)
    pages = args.page or [20, 100]

    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    tmpdir = tempfile.mkdtemp(prefix="wn-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmpdir}/bench.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", tmpdir)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmpdir
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    from wagtail_network.models import MemberPage

    if MemberPage.objects.exists():  # a database loaded by an earlier run
        data = {"profile": MemberPage.objects.order_by("title")[MemberPage.objects.count() // 2]}
    else:
        data = load_network(args.members)
    loaded = time.perf_counter()
    expose_api_v2_fields()
    print(
        f"{args.members} members loaded ({loaded - migrated:.1f} s; "
        f"migrate {migrated - start:.1f} s); "
        f"transport: {'HTTP on 127.0.0.1' if args.http else 'Django test client (in process)'}; "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )

    counter = Transport(http=False)
    transport = Transport(http=args.http)
    profile = data["profile"]

    cells: list[tuple[str, str, Any, Any]] = []
    for size in pages:
        gql = {"query": DIRECTORY_QUERY, "variables": {"first": size}}
        cells += [
            (
                f"directory, {size} rows",
                "graphql",
                lambda t, g=gql: t.post_json("/graphql/", g),
                None,
            ),
            (
                f"directory, {size} rows",
                "api-v2",
                lambda t, s=size: t.get(
                    f"/api/v2/pages/?type=wagtail_network.MemberPage&fields={API_DIRECTORY_FIELDS}"
                    f"&limit={s}&order=title"
                ),
                None,
            ),
            (
                f"directory, {size} rows",
                "floor",
                lambda t, s=size: t.get(f"/bench/floor/directory/?first={s}"),
                None,
            ),
        ]
    gql = {"query": PROFILE_QUERY, "variables": {"slug": profile.slug}}
    cells += [
        ("full profile", "graphql", lambda t: t.post_json("/graphql/", gql), None),
        (
            "full profile",
            "api-v2",
            lambda t: t.get(f"/api/v2/pages/{profile.pk}/?fields={API_PROFILE_FIELDS}"),
            None,
        ),
        ("full profile", "floor", lambda t: t.get(f"/bench/floor/profile/{profile.pk}/"), None),
    ]

    rows = []
    for operation, backend, call, _ in cells:
        queries, body = count_queries(lambda c=call: c(counter))
        if backend == "graphql":
            decoded = json.loads(body)
            assert "errors" not in decoded, decoded["errors"]
        latency = median_ms(lambda c=call: c(transport), args.repeat)
        rows.append((operation, backend, queries, latency, len(body)))

    print()
    header = (
        f"{'operation':<22} {'backend':<8} {'SQL/request':>11} {'median ms':>10} "
        f"{'bytes':>8} {'vs floor':>9}"
    )
    print(header)
    print("-" * len(header))
    floors = {op: ms for op, backend, _q, ms, _b in rows if backend == "floor"}
    for operation, backend, queries, latency, size in rows:
        ratio = latency / floors[operation] if floors.get(operation) else float("nan")
        print(
            f"{operation:<22} {backend:<8} {queries:>11} {latency:>10.1f} {size:>8} {ratio:>8.1f}×"
        )


if __name__ == "__main__":
    main()
