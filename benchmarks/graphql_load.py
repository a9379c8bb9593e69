#!/usr/bin/env python
"""GraphQL against its floor over HTTP: interleaved latency rounds, then a load run.

The example site with its production settings (benchmarks/load_settings.py: DEBUG
off, Redis, the production GraphQL defaults) runs under gunicorn with several
workers on 127.0.0.1. Beside /graphql/ it serves the floor (benchmarks/floor.py:
the same JSON from one hand-written SQL statement applying the same visibility
rules) and Wagtail's page API v2. Then:

1. **identity**: for every case, GraphQL's ``data`` and the floor's are the same
   bytes (the run stops otherwise);
2. **latency**: interleaved rounds (GraphQL, floor, API v2 one after another, per
   case), each request timed over a kept-alive HTTP connection: median and p95,
   *cold* (the response cache's generation moved just before: nothing cached) and
   *warm* (the same request again);
3. **load**: wrk from a second process at ``--clients`` connections (each its own
   thread, and for signed-in cases its own member's token) for ``--duration``
   seconds per target, GraphQL and floor alternating: requests per second, p50/p99,
   non-2xx answers and answers holding GraphQL ``errors`` (which must be zero).

Cases: the members directory of 20 and of 100 (anonymous; signed in, with
``degree`` and ``connectionStatus``) and the full profile.

Usage (a database holding a network: generate_network or load_demo_network)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python benchmarks/graphql_load.py --workers 4 --duration 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "benchmarks.load_settings"

NODE_ANON = """id name headline url
      positions(current: true) { title company { name } }
      skills { skill { name } endorsementCount }"""
NODE_SIGNED = """id name headline url degree connectionStatus
      positions(current: true) { title company { name } }
      skills { skill { name } endorsementCount }"""
DIRECTORY = (
    "query Directory($first: Int!) { members(first: $first) { totalCount edges { node { %s } } } }"
)
PROFILE = """query Profile($slug: String!) { member(slug: $slug) {
  id name headline bio city country url
  positions { title isCurrent company { name } }
  education { school degree }
  links { label url }
  skills { skill { name } endorsementCount }
  connectionCount } }"""
API_V2_DIRECTORY = (
    "/api/v2/pages/?type=wagtail_network.MemberPage"
    "&fields=headline,current_company,skill_endorsements&limit={first}&order=title"
)

WRK_SCRIPT = r"""
local tokens = {}
for line in io.lines(os.getenv("WRK_TOKENS")) do tokens[#tokens + 1] = line end
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("token", tokens[counter] or "")
  table.insert(threads, thread)
end
function init(args)
  errors = 0
  local headers = {["Content-Type"] = "application/json"}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  if os.getenv("WRK_METHOD") == "GET" then
    req = wrk.format("GET", os.getenv("WRK_PATH"), headers)
  else
    req = wrk.format("POST", os.getenv("WRK_PATH"), headers, os.getenv("WRK_BODY"))
  end
end
function request() return req end
function response(status, headers, body)
  if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("errors") end
  io.write(string.format("GRAPHQL_ERRORS %d\n", total))
  io.write(string.format("P50 %.3f\nP99 %.3f\n", latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000))
end
"""


def django_setup(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def prepare(clients: int) -> dict[str, Any]:
    """Tokens for ``clients`` members and the profile measured (in this process)."""
    from django.db.models import Count
    from wagtail.models import APIToken

    from benchmarks import floor
    from wagtail_network.models import MemberPage

    problems = floor.check_assumptions()
    if problems:
        raise SystemExit("The floor cannot stand in here: " + "; ".join(problems))
    members = list(
        MemberPage.objects.filter(live=True, user__isnull=False, user__is_active=True)
        .order_by("pk")
        .select_related("user")[: clients * 7 : 7]
    )
    if len(members) < clients:
        raise SystemExit(f"Need {clients} members with accounts; found {len(members)}.")
    tokens = []
    for member in members:
        _token, plaintext = APIToken.create_token(user=member.user, name="load benchmark")
        tokens.append(plaintext)
    profile = (
        MemberPage.objects.filter(live=True, profile_visibility="public")
        .annotate(n=Count("skills"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    return {"tokens": tokens, "profile": profile.slug}


def bump_generation() -> None:
    from graphql_schema import response_cache

    response_cache.bump()


class Http:
    """One kept-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> bytes:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.status != 200:
                    raise SystemExit(f"{method} {path} answered {response.status}: {data[:300]!r}")
                return data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError


def cases(prep: dict[str, Any]) -> list[dict[str, Any]]:
    token = prep["tokens"][0]
    found = []
    for first in (20, 100):
        for signed in (False, True):
            found.append(
                {
                    "name": f"directory {first}, {'signed in' if signed else 'anonymous'}",
                    "query": DIRECTORY % (NODE_SIGNED if signed else NODE_ANON),
                    "variables": {"first": first},
                    "floor": f"/bench/floor2/directory/?first={first}",
                    "api": API_V2_DIRECTORY.format(first=first),
                    "token": token if signed else None,
                    "signed": signed,
                }
            )
    for signed in (False, True):
        found.append(
            {
                "name": f"full profile, {'signed in' if signed else 'anonymous'}",
                "query": PROFILE,
                "variables": {"slug": prep["profile"]},
                "floor": f"/bench/floor2/profile/?slug={urllib.parse.quote(prep['profile'])}",
                "api": None,
                "token": token if signed else None,
                "signed": signed,
            }
        )
    return found


def headers_for(case: dict[str, Any]) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if case["token"]:
        headers["Authorization"] = f"Bearer {case['token']}"
    return headers


def graphql_body(case: dict[str, Any]) -> bytes:
    return json.dumps({"query": case["query"], "variables": case["variables"]}).encode()


def check_identity(http_: Http, case: dict[str, Any]) -> int:
    """Stop unless GraphQL's ``data`` and the floor's are the same bytes; the size."""
    gql = http_.request("POST", "/graphql/", graphql_body(case), headers_for(case))
    floor = http_.request("GET", case["floor"], None, headers_for(case))
    decoded = json.loads(gql)
    if decoded.get("errors"):
        raise SystemExit(f"{case['name']}: GraphQL answered errors {decoded['errors']}")
    prefix = floor[:-1] + b',"extensions":'
    if not gql.startswith(prefix):
        data = json.dumps({"data": decoded["data"]}, separators=(",", ":")).encode()
        at = next((i for i, (a, b) in enumerate(zip(data, floor, strict=False)) if a != b), None)
        raise SystemExit(
            f"{case['name']}: the floor's JSON differs from GraphQL's at byte {at}:\n"
            f"  graphql {data[max(0, (at or 0) - 80) : (at or 0) + 80]!r}\n"
            f"  floor   {floor[max(0, (at or 0) - 80) : (at or 0) + 80]!r}"
        )
    return len(floor)


def latency_rounds(http_: Http, all_cases: list[dict[str, Any]], rounds: int) -> list[dict]:
    results = []
    for case in all_cases:
        times: dict[str, list[float]] = {"cold": [], "warm": [], "floor": [], "api": []}
        body, headers = graphql_body(case), headers_for(case)
        for _ in range(rounds):
            bump_generation()
            started = time.perf_counter()
            http_.request("POST", "/graphql/", body, headers)
            times["cold"].append(time.perf_counter() - started)
            started = time.perf_counter()
            http_.request("POST", "/graphql/", body, headers)
            times["warm"].append(time.perf_counter() - started)
            started = time.perf_counter()
            http_.request("GET", case["floor"], None, headers)
            times["floor"].append(time.perf_counter() - started)
            if case["api"] and not case["signed"]:
                started = time.perf_counter()
                http_.request("GET", case["api"], None, {})
                times["api"].append(time.perf_counter() - started)
        results.append({"case": case["name"], **times})
    return results


def cache_memory() -> str:
    """What the response cache and the persisted documents hold in Redis now."""
    try:
        from django_redis import get_redis_connection
    except ImportError:
        return "cache memory: not Redis"
    redis = get_redis_connection("default")
    report = []
    for label, pattern in (
        ("response cache", "*wagtail_network:graphql-response:*"),
        ("APQ documents", "*wagtail_network:apq:*"),
        ("trusted documents", "*wagtail_network:trusted:*"),
    ):
        keys = list(redis.scan_iter(match=pattern, count=1000))
        size = sum(redis.memory_usage(key) or 0 for key in keys)
        report.append(f"{label}: {len(keys)} entries, {size / 1024:.1f} KiB")
    return "cache memory (Redis MEMORY USAGE): " + "; ".join(report)


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_wrk(port: int, path: str, method: str, body: str, tokens_file: str, args) -> dict:
    env = {
        **os.environ,
        "WRK_PATH": path,
        "WRK_METHOD": method,
        "WRK_BODY": body,
        "WRK_TOKENS": tokens_file,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.clients}",
            f"-c{args.clients}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else default

    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": number(r"P50 ([\d.]+)"),
        "p99": number(r"P99 ([\d.]+)"),
        "non2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(
            int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
        "graphql_errors": int(number(r"GRAPHQL_ERRORS (\d+)")),
        "requests": int(number(r"(\d+) requests in")),
    }


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=int, default=20, help="seconds per load target")
    parser.add_argument("--rounds", type=int, default=30, help="latency rounds per case")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-load", action="store_true", help="latency rounds only")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="DB_CONN_MAX_AGE for the server (default: the production settings' 60 s; "
        "0 opens a connection per request, Django's own default)",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database holding the network.")
    django_setup(args)
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    prep = prepare(args.clients)
    tokens_file = tempfile.NamedTemporaryFile("w", delete=False, suffix=".tokens")
    tokens_file.write("\n".join(prep["tokens"]) + "\n")
    tokens_file.close()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "example_site.wsgi",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{args.port}",
            "--log-level=warning",
            "--keep-alive=60",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            **({} if args.conn_max_age is None else {"DB_CONN_MAX_AGE": str(args.conn_max_age)}),
        },
        start_new_session=True,
    )
    try:
        wait_for(args.port, server)
        http_ = Http(args.port)
        all_cases = cases(prep)
        max_age = "60 (production default)" if args.conn_max_age is None else args.conn_max_age
        print(
            f"load average {os.getloadavg()[0]:.2f}; {args.workers} gunicorn workers; "
            f"DB_CONN_MAX_AGE {max_age}"
        )
        for case in all_cases:
            size = check_identity(http_, case)
            print(f"identical JSON: {case['name']} ({size} bytes)")
        # Warm every worker's caches (imports, parser, Site root paths).
        for _ in range(args.workers * 3):
            for case in all_cases:
                http_.request("POST", "/graphql/", graphql_body(case), headers_for(case))
                http_.request("GET", case["floor"], None, headers_for(case))
        print()
        header = (
            f"{'case':<28} {'graphql cold':>17} {'graphql warm':>17} {'floor':>15} "
            f"{'api v2':>15} {'cold/floor':>10} {'warm/floor':>10} {'v2/warm':>8}"
        )
        print("latency over HTTP, ms (median / p95)")
        print(header)
        for row in latency_rounds(http_, all_cases, args.rounds):
            cold, warm, floor_, api = (statistics.median(row[k]) if row[k] else None
                                       for k in ("cold", "warm", "floor", "api"))  # fmt: skip
            api_text = f"{ms(row['api'], 0.5):6.1f} / {ms(row['api'], 0.95):6.1f}" if api else "-"
            ratio_v2 = f"{api / warm:7.1f}×" if api else "-"
            print(
                f"{row['case']:<28} {ms(row['cold'], 0.5):7.1f} / {ms(row['cold'], 0.95):6.1f} "
                f"{ms(row['warm'], 0.5):7.1f} / {ms(row['warm'], 0.95):6.1f} "
                f"{ms(row['floor'], 0.5):6.1f} / {ms(row['floor'], 0.95):6.1f} {api_text:>15} "
                f"{cold / floor_:9.1f}× {warm / floor_:9.1f}× {ratio_v2:>8}"
            )
        print(cache_memory())
        if args.no_load:
            return
        print()
        print(
            f"load: wrk, {args.clients} clients (own thread and token each), "
            f"{args.duration} s per target"
        )
        print(
            f"{'case':<28} {'target':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'errors':>7} {'vs floor':>9}"
        )
        for case in all_cases:
            if not case["name"].startswith("directory 20"):
                continue
            tokens = tokens_file.name if case["signed"] else os.devnull
            floor_run = run_wrk(args.port, case["floor"], "GET", "", tokens, args)
            gql_run = run_wrk(
                args.port, "/graphql/", "POST", graphql_body(case).decode(), tokens, args
            )
            for target, run in (("floor", floor_run), ("graphql", gql_run)):
                errors = run["non2xx"] + run["graphql_errors"] + run["socket_errors"]
                ratio = run["rps"] / floor_run["rps"] if floor_run["rps"] else float("nan")
                print(
                    f"{case['name']:<28} {target:<8} {run['rps']:8.1f} {run['p50']:8.1f} "
                    f"{run['p99']:8.1f} {errors:7d} {ratio:8.2f}×"
                )
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(tokens_file.name)
        from wagtail.models import APIToken

        APIToken.objects.filter(name="load benchmark").delete()


if __name__ == "__main__":
    main()
