"""The floor of benchmarks/graphql_load.py: plain Django views behind the same
middleware that answer the same JSON as GraphQL, byte for byte, from one
hand-written PostgreSQL statement each, applying the same visibility rules by hand.

A measuring stick, not product code: it knows only the benchmark's viewers (a
visitor, or a signed-in member with a live profile who administers no company) and
assumes no page view restrictions and no locked visibility settings
(:func:`check_assumptions` says so before a run). The rules it writes out, from
docs/concepts/visibility.md:

* a member is visible when live and their profile visibility admits the viewer
  (public; members, to a signed-in member; connections, to a connection; anyone
  with an open invitation either way), not hidden by a block either way; the
  viewer always sees themselves;
* a position is listed when the member's position visibility admits the viewer;
  its company when that company page is live;
* an endorsement counts when live and not hidden and its endorser is visible;
* an edge X–Y counts when both ends are visible and the viewer is one of them or
  may see X's or Y's connection list;
* ``degree`` (1–3 over all connections) and ``connectionStatus`` as
  wagtail_network.graph defines them.
"""

from __future__ import annotations

import base64
import json

from django.db import connection
from django.http import HttpResponse

FIRST_MAX = 100


def _global_id(pk: int) -> str:
    return base64.b64encode(f"Member:{pk}".encode()).decode()


def _url(url_path: str) -> str | None:
    from wagtail.models import Site

    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return root.root_url + url_path[len(root.root_path) - 1 :]
    return None


def _viewer(request) -> int | None:
    """The signed-in member's page id (bearer token), as the endpoint authenticates."""
    from graphql_schema.auth import authenticate_token, bearer_token_from

    plaintext = bearer_token_from(request)
    if plaintext is None:
        return None
    token = authenticate_token(plaintext)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_ptr_id FROM wagtail_network_memberpage WHERE user_id = %s",
            [token.user_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _audience(column: str, member: str, signed_in: bool) -> str:
    """Whether the audience in ``column`` of member ``member`` admits the viewer."""
    if not signed_in:
        return f"{column} = 'public'"
    # The viewer's own rows as small sets, hashed once per statement.
    return (
        f"({column} IN ('public', 'members') OR {member} = %(me)s OR ({column} = 'connections'"
        f" AND {member} IN (SELECT c.other_id FROM wagtail_network_connectionedge c"
        " WHERE c.member_id = %(me)s)))"
    )


def _visible(m: str, p: str, signed_in: bool) -> str:
    """Whether member ``m`` (its page ``p``) is visible to the viewer."""
    if not signed_in:
        return f"({p}.live AND {m}.profile_visibility = 'public')"
    partner = (
        f"{m}.page_ptr_id IN (SELECT CASE WHEN i.requester_id = %(me)s THEN i.recipient_id"
        " ELSE i.requester_id END FROM wagtail_network_connection i"
        " WHERE i.state IN ('pending', 'ignored')"
        " AND (i.requester_id = %(me)s OR i.recipient_id = %(me)s))"
    )
    blocked = (
        f"{m}.page_ptr_id IN (SELECT CASE WHEN b.blocker_id = %(me)s THEN b.blocked_id"
        " ELSE b.blocker_id END FROM wagtail_network_block b"
        " WHERE b.blocker_id = %(me)s OR b.blocked_id = %(me)s)"
    )
    return (
        f"(({p}.live AND ({_audience(f'{m}.profile_visibility', f'{m}.page_ptr_id', True)}"
        f" OR {partner}) AND NOT {blocked}) OR {m}.page_ptr_id = %(me)s)"
    )


def _positions(signed_in: bool, current_only: bool) -> str:
    current = "AND pos.is_current " if current_only else ""
    fields = "'title', pos.title, " + ("" if current_only else "'isCurrent', pos.is_current, ")
    return f"""(SELECT COALESCE(json_agg(json_build_object({fields}
              'company', CASE WHEN cp.live THEN json_build_object('name', cp.title) END)
              ORDER BY pos.is_current DESC, pos.start_date DESC, pos.sort_order, pos.id), '[]')
         FROM wagtail_network_position pos
         LEFT JOIN wagtailcore_page cp ON cp.id = pos.company_id
        WHERE pos.member_id = m.page_ptr_id {current}
          AND {_audience("m.positions_visibility", "m.page_ptr_id", signed_in)})"""


def _skills(signed_in: bool) -> str:
    return f"""(SELECT COALESCE(json_agg(json_build_object(
              'skill', json_build_object('name', s.name),
              'endorsementCount', (SELECT COUNT(*) FROM wagtail_network_endorsement e
                  JOIN wagtail_network_memberpage em ON em.page_ptr_id = e.endorser_id
                  JOIN wagtailcore_page ep ON ep.id = e.endorser_id
                 WHERE e.member_id = m.page_ptr_id AND e.skill_id = s.id
                   AND e.state = 'live' AND NOT e.is_hidden AND {_visible("em", "ep", signed_in)}))
              ORDER BY s.name, s.id), '[]')
         FROM wagtail_network_skill s
         JOIN wagtail_network_memberpage_skills ms ON ms.skill_id = s.id
        WHERE ms.memberpage_id = m.page_ptr_id)"""


_DEGREE = """CASE WHEN m.page_ptr_id = %(me)s THEN NULL
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connectionedge a
                WHERE a.member_id = %(me)s AND a.other_id = m.page_ptr_id) THEN 1
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connectionedge a
                JOIN wagtail_network_connectionedge b ON b.member_id = a.other_id
                WHERE a.member_id = %(me)s AND b.other_id = m.page_ptr_id) THEN 2
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connectionedge t
                JOIN wagtail_network_connectionedge x ON x.member_id = t.member_id
                JOIN wagtail_network_connectionedge mine ON mine.other_id = x.other_id
                WHERE t.other_id = m.page_ptr_id AND mine.member_id = %(me)s) THEN 3
  END"""

_STATUS = """CASE WHEN m.page_ptr_id = %(me)s THEN 'SELF'
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connectionedge a
                WHERE a.member_id = %(me)s AND a.other_id = m.page_ptr_id) THEN 'CONNECTED'
  WHEN EXISTS (SELECT 1 FROM wagtail_network_block b
                WHERE b.blocker_id = %(me)s AND b.blocked_id = m.page_ptr_id) THEN 'BLOCKED'
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connection i WHERE i.requester_id = %(me)s
                AND i.recipient_id = m.page_ptr_id AND i.state IN ('pending', 'ignored'))
       THEN 'PENDING_SENT'
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connection i WHERE i.recipient_id = %(me)s
                AND i.requester_id = m.page_ptr_id AND i.state = 'pending') THEN 'PENDING_RECEIVED'
  WHEN EXISTS (SELECT 1 FROM wagtail_network_connection i WHERE i.recipient_id = %(me)s
                AND i.requester_id = m.page_ptr_id AND i.state = 'ignored') THEN 'IGNORED'
  ELSE 'NONE' END"""


def _respond(data: dict) -> HttpResponse:
    # The same encoding as strawberry's Django view (compact separators).
    return HttpResponse(
        json.dumps({"data": data}, separators=(",", ":")), content_type="application/json"
    )


def directory(request):
    """``members(first:)`` with id, name, headline, url, (signed in: degree and
    connectionStatus,) current positions with company, skills with counts."""
    me = _viewer(request)
    signed_in = me is not None
    first = max(0, min(int(request.GET.get("first", 20)), FIRST_MAX))
    relation = f"{_DEGREE} AS degree, {_STATUS} AS status," if signed_in else ""
    # The page first (the visible members in order, counted), then the columns
    # that cost a subquery each for its rows only.
    sql = f"""
        WITH page AS (
          SELECT m.page_ptr_id AS id, p.title, COUNT(*) OVER () AS total
            FROM wagtail_network_memberpage m JOIN wagtailcore_page p ON p.id = m.page_ptr_id
           WHERE {_visible("m", "p", signed_in)}
           ORDER BY p.title, m.page_ptr_id LIMIT %(first)s)
        SELECT m.page_ptr_id, page.title, m.headline, p.url_path, {relation}
               {_positions(signed_in, True)} AS positions, {_skills(signed_in)} AS skills,
               page.total
          FROM page JOIN wagtail_network_memberpage m ON m.page_ptr_id = page.id
          JOIN wagtailcore_page p ON p.id = m.page_ptr_id
         ORDER BY page.title, page.id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"me": me, "first": first})
        rows = cursor.fetchall()
    edges = []
    for row in rows:
        pk, title, headline, url_path = row[:4]
        node = {"id": _global_id(pk), "name": title, "headline": headline, "url": _url(url_path)}
        if signed_in:
            node["degree"], node["connectionStatus"] = row[4], row[5]
        node["positions"], node["skills"] = row[-3], row[-2]
        edges.append({"node": node})
    total = rows[0][-1] if rows else _count(me, signed_in)
    return _respond({"members": {"totalCount": total, "edges": edges}})


def _count(me: int | None, signed_in: bool) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM wagtail_network_memberpage m JOIN wagtailcore_page p"
            f" ON p.id = m.page_ptr_id WHERE {_visible('m', 'p', signed_in)}",
            {"me": me},
        )
        return cursor.fetchone()[0]


def profile(request):
    """``member(slug:)``: the profile fields, positions, education, links, skills
    with counts and the connection count."""
    me = _viewer(request)
    signed_in = me is not None
    lists = _audience("{0}.connections_visibility", "{0}.page_ptr_id", signed_in)
    own = "ce.member_id = %(me)s OR ce.other_id = %(me)s OR " if signed_in else ""
    sql = f"""
        SELECT m.page_ptr_id, p.title, m.headline, m.bio, m.city, m.country, p.url_path,
               {_positions(signed_in, False)},
               (SELECT COALESCE(json_agg(json_build_object('school', ed.school,
                        'degree', ed.degree) ORDER BY ed.sort_order, ed.id), '[]')
                  FROM wagtail_network_education ed WHERE ed.member_id = m.page_ptr_id),
               (SELECT COALESCE(json_agg(json_build_object('label', l.label, 'url', l.url)
                        ORDER BY l.sort_order, l.id), '[]')
                  FROM wagtail_network_memberlink l WHERE l.member_id = m.page_ptr_id),
               {_skills(signed_in)},
               (SELECT COUNT(*) FROM wagtail_network_connectionedge ce
                  JOIN wagtail_network_memberpage om ON om.page_ptr_id = ce.other_id
                  JOIN wagtailcore_page op ON op.id = ce.other_id
                 WHERE ce.member_id = m.page_ptr_id AND {_visible("om", "op", signed_in)}
                   AND ({own}{lists.format("m")} OR {lists.format("om")}))
          FROM wagtail_network_memberpage m JOIN wagtailcore_page p ON p.id = m.page_ptr_id
         WHERE p.slug = %(slug)s AND {_visible("m", "p", signed_in)}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"me": me, "slug": request.GET.get("slug", "")})
        row = cursor.fetchone()
    if row is None:
        return _respond({"member": None})
    pk, title, headline, bio, city, country, url_path, positions, education, links = row[:10]
    skills, connection_count = row[10:]
    member = {
        "id": _global_id(pk),
        "name": title,
        "headline": headline,
        "bio": bio,
        "city": city,
        "country": country,
        "url": _url(url_path),
        "positions": positions,
        "education": education,
        "links": links,
        "skills": skills,
        "connectionCount": connection_count,
    }
    return _respond({"member": member})


def check_assumptions() -> list[str]:
    """What in the database or settings the floor does not write out (empty: none)."""
    from wagtail.models import PageViewRestriction

    from wagtail_network.conf import get_setting

    problems = []
    if PageViewRestriction.objects.exists():
        problems.append("page view restrictions exist")
    if get_setting("LOCKED_FIELD_VISIBILITY") or get_setting("LOCKED_PROFILE_VISIBILITY"):
        problems.append("visibility settings are locked")
    if connection.vendor != "postgresql":
        problems.append("the floor is written for PostgreSQL")
    return problems
