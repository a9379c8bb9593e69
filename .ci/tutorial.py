#!/usr/bin/env python3
"""CI leg: follow docs/tutorial/installation.md, exactly as written, on a fresh site.

The tutorial is executable. Every fenced code block in it is preceded by a marker
that says what a reader does with it, and this script does exactly that:

    <!-- tutorial: run -->                          a console block: each "$ " line is run
                                                    in the site's directory, virtualenv active
    <!-- tutorial: append PATH -->                  the block is added at the end of PATH
    <!-- tutorial: insert PATH before "TEXT" -->    the block goes above the one line holding TEXT,
                                                    indented like it
    <!-- tutorial: replace PATH "TEXT" -->          the block replaces the one line holding TEXT
    <!-- tutorial: write PATH -->                   PATH is created with the block as its content
    <!-- tutorial: skip REASON -->                  not for this site (an alternative, an example);
                                                    Python blocks are still compiled

A code block without a marker fails the run, so no step can be added to the page
without being followed here. PATH is relative to the site's directory (the one holding
manage.py); "/path/to/wagtail-network" stands for the clone of this repository.

Stages, each timed, any failure fails the run (exit 1) and prints the step's output:

1. host: a virtualenv (Python 3.11), Wagtail 8.0 with Django 5.2, ``wagtail start mysite``,
   then the files of .ci/tutorial-host/ (an e-mail user model set before the first
   migrate, blog pages, the site's own strawberry schema at /graphql/, Wagtail's page API
   at /api/v2/, a login, a sitemap), migrated, with a superuser, users and a blog post;
2. tutorial: the marked blocks, in order (the first builds the wheel from a copy of
   this working tree and installs it);
3. verify: what issue 8's "How it will be checked" lists, over HTTP against the site's
   ``runserver`` (see ``verify``);
4. uninstall: docs/how-to/uninstall.md's sequence (``uninstall_network --dry-run``, then
   ``--noinput``, ``migrate wagtail_network zero``, ``graphql_schema zero`` and
   ``guardian zero``, the tutorial's edits undone, the package removed), then nothing of
   the network is served and the blog is intact (see ``uninstall``). It runs once the
   command and the page exist.

Usage: python3 .ci/tutorial.py [--python python3.11] [--keep] [--keep-going]
                               [--workdir DIR] [--stages host,tutorial,verify,uninstall]
Standard library only; needs PyPI (pip) and nothing else from the network.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial" / "installation.md"
UNINSTALL = ROOT / "docs" / "how-to" / "uninstall.md"
HOST_FILES = ROOT / ".ci" / "tutorial-host"
CLONE_PLACEHOLDER = "/path/to/wagtail-network"

# The pins the plugin supports on Python 3.11 (Django 6 needs 3.12). Not the
# requirements.txt that `wagtail start` writes: it asks for Django 6.1.
HOST_REQUIREMENTS = ["wagtail>=8.0,<8.1", "Django>=5.2,<5.3", "strawberry-graphql"]

PASSWORD = "tutorial-Pass-8431"
ADMIN = "admin@host.example"
COMPANY_ADMIN = "boss@host.example"
HIDDEN_MEMBER = "hidden@host.example"  # joins with a members-only profile
PUBLIC_MEMBER = "public@host.example"  # joins with a public one
HIDDEN_NAME = "Zephyrine Quillfeather"
PUBLIC_NAME = "Tamsin Brightwater"
ADMIN_MEMBER_NAME = "Orla Publicwright"  # a member page made in the admin
COMPANY_NAME = "Quillworks"
BLOG_TITLE = "Harbour lights"

START = time.monotonic()


class Failure(Exception):
    """A step did not do what the tutorial says it does."""


def say(message: str) -> None:
    print(f"tutorial [{time.monotonic() - START:5.0f}s] {message}", flush=True)


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failure(message)


# --------------------------------------------------------------------------
# The tutorial's steps
# --------------------------------------------------------------------------

MARKER = re.compile(r"^\s*<!--\s*tutorial:\s*(?P<spec>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)(?P<lang>[\w+-]*)\s*$")
OPS = {"run", "append", "insert", "replace", "write", "skip"}


@dataclass
class Step:
    source: Path
    line: int  # of the opening fence, 1-based
    op: str
    args: list[str]
    lang: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.source.relative_to(ROOT)}:{self.line}"

    def commands(self) -> list[str]:
        """A console block's commands: the "$ " lines, "\\"-continued lines joined."""
        commands: list[str] = []
        pending = ""
        for raw in self.code.splitlines():
            if pending:
                pending += "\n" + raw
            elif raw.startswith("$ "):
                pending = raw[2:]
            else:
                continue  # output shown to the reader
            if not pending.endswith("\\"):
                commands.append(pending)
                pending = ""
        check(not pending, f"{self.where}: a command ends with a continuation")
        return commands


def _marker_words(spec: str, where: str) -> list[str]:
    """The marker's operation and arguments; a skip's reason is free text."""
    op, _, rest = spec.partition(" ")
    check(op in OPS, f"{where}: unknown marker {spec!r}")
    if op == "skip":
        return [op, rest]
    try:
        return [op, *shlex.split(rest)]
    except ValueError as error:
        raise Failure(f"{where}: marker {spec!r}: {error}") from None


def read_steps(path: Path) -> list[Step]:
    """Every fenced block of ``path`` with its marker; a block without one is an error."""
    lines = path.read_text(encoding="utf-8").splitlines()
    steps: list[Step] = []
    spec: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = MARKER.match(line)
        fence = FENCE.match(line)
        if marker:
            spec = marker["spec"]
        elif fence:
            opening = index + 1
            indent, closing = fence["indent"], fence["fence"]
            body: list[str] = []
            index += 1
            while index < len(lines) and lines[index].strip() != closing:
                body.append(
                    lines[index][len(indent) :] if lines[index].startswith(indent) else lines[index]
                )
                index += 1
            check(index < len(lines), f"{path.name}:{opening}: the code block is never closed")
            check(
                spec is not None,
                f"{path.name}:{opening}: a code block without a <!-- tutorial: ... --> marker",
            )
            words = _marker_words(spec or "", f"{path.name}:{opening}")
            steps.append(
                Step(path, opening, words[0], words[1:], fence["lang"], "\n".join(body) + "\n")
            )
            spec = None
        elif line.strip() and spec is not None:
            raise Failure(f"{path.name}:{index + 1}: a marker must come right before a code block")
        index += 1
    check(spec is None, f"{path.name}: a marker at the end of the file has no code block")
    return steps


@dataclass
class Site:
    """The site being built: where it lives and how to run things in it."""

    work: Path
    python: str
    clone: Path = field(init=False)
    venv: Path = field(init=False)
    root: Path = field(init=False)  # holds manage.py
    logs: Path = field(init=False)
    count: int = 0

    def __post_init__(self) -> None:
        self.clone = self.work / "wagtail-network"
        self.venv = self.work / "venv"
        self.root = self.work / "mysite"
        self.logs = self.work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        # A rerun of some stages in the same directory adds logs, never overwrites them.
        self.count = len(list(self.logs.glob("*.log")))

    @property
    def env(self) -> dict[str, str]:
        """The environment of a shell whose virtualenv is active."""
        env = {
            k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
        }
        env["VIRTUAL_ENV"] = str(self.venv)
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def sh(self, command: str, cwd: Path | None = None, quiet_ok: bool = True) -> str:
        """Run one shell command; its output goes to a log, shown when it fails."""
        self.count += 1
        log = self.logs / f"{self.count:03d}.log"
        command = command.replace(CLONE_PLACEHOLDER, str(self.clone))
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=cwd or self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        log.write_text(f"$ {command}\n{result.stdout}", encoding="utf-8")
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-60:])
            raise Failure(f"`{command}` exited {result.returncode}:\n{tail}")
        return result.stdout

    def manage(self, *args: str) -> str:
        return self.sh("python manage.py " + " ".join(shlex.quote(a) for a in args))

    def shell(self, code: str) -> object:
        """Run Python in the site (``manage.py shell``); its ``result(...)`` comes back."""
        prelude = "import json\ndef result(value):\n    print('@@RESULT@@' + json.dumps(value))\n"
        script = self.logs / f"shell-{self.count + 1:03d}.py"
        script.write_text(prelude + textwrap.dedent(code), encoding="utf-8")
        output = self.sh(f"python manage.py shell --no-imports < {shlex.quote(str(script))}")
        for line in output.splitlines():
            if line.startswith("@@RESULT@@"):
                return json.loads(line[len("@@RESULT@@") :])
        return None


def anchored_line(lines: list[str], text: str, step: Step) -> int:
    hits = [i for i, line in enumerate(lines) if text in line]
    check(len(hits) == 1, f"{step.where}: {len(hits)} lines hold {text!r} (expected one)")
    return hits[0]


def indented(code: str, indent: str) -> list[str]:
    return [indent + line if line.strip() else "" for line in textwrap.dedent(code).splitlines()]


def apply_step(site: Site, step: Step) -> str:
    """Do what the step's marker says; returns a one-line account of it."""
    if step.op == "skip":
        if step.lang == "python":
            compile(textwrap.dedent(step.code), step.where, "exec")
        return "skipped: " + " ".join(step.args)
    if step.op == "run":
        commands = step.commands()
        check(commands, f"{step.where}: a run block without a '$ ' command")
        cwd = site.root
        for command in commands:
            words = shlex.split(command.replace(CLONE_PLACEHOLDER, str(site.clone)))
            if words[:1] == ["cd"]:
                cwd = (cwd / words[1]).resolve()
                continue
            say(f"  $ {command}")
            site.sh(command, cwd=cwd)
        return f"ran {len(commands)} command(s)"
    check(step.args, f"{step.where}: {step.op} needs a file")
    target = site.root / step.args[0]
    if step.op == "write":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(step.code), encoding="utf-8")
        return f"wrote {step.args[0]}"
    check(target.exists(), f"{step.where}: {step.args[0]} does not exist")
    lines = target.read_text(encoding="utf-8").splitlines()
    if step.op == "append":
        lines += ["", *indented(step.code, "")]
    elif step.op == "insert":
        check(
            len(step.args) == 3 and step.args[1] == "before",
            f"{step.where}: insert PATH before TEXT",
        )
        at = anchored_line(lines, step.args[2], step)
        indent = re.match(r"\s*", lines[at])[0]  # type: ignore[index]
        lines[at:at] = indented(step.code, indent)
    elif step.op == "replace":
        check(len(step.args) == 2, f"{step.where}: replace PATH TEXT")
        at = anchored_line(lines, step.args[1], step)
        indent = re.match(r"\s*", lines[at])[0]  # type: ignore[index]
        lines[at : at + 1] = indented(step.code, indent)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{step.op} {step.args[0]}"


def follow(site: Site, path: Path) -> None:
    for step in read_steps(path):
        say(f"{step.where}: {apply_step(site, step)}")


# --------------------------------------------------------------------------
# Stage 1: the host site, as it was before the plugin
# --------------------------------------------------------------------------


def copy_clone(site: Site) -> None:
    """A copy of this working tree (tracked and untracked files, not ignored ones):
    what a reader's clone holds, with the changes under test."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = site.clone / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def build_host(site: Site) -> None:
    say(f"host: a virtualenv with {site.python}, Wagtail 8.0, Django 5.2")
    site.sh(f"{shlex.quote(site.python)} -m venv {shlex.quote(str(site.venv))}", cwd=site.work)
    site.sh(
        "python -m pip install --quiet " + " ".join(shlex.quote(r) for r in HOST_REQUIREMENTS),
        cwd=site.work,
    )
    site.sh("wagtail start mysite", cwd=site.work)
    say("host: e-mail user model, blog, own /graphql/, page API, login, sitemap")
    for source in sorted(HOST_FILES.rglob("*")):
        relative = source.relative_to(HOST_FILES)
        if source.is_dir() or relative.name in {"README.md", "settings.py"}:
            continue
        target = site.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    settings = site.root / "mysite" / "settings" / "base.py"
    with settings.open("a", encoding="utf-8") as handle:
        handle.write((HOST_FILES / "settings.py").read_text(encoding="utf-8"))
    site.manage("makemigrations", "accounts", "blog")
    site.manage("migrate", "--noinput")
    site.shell(
        f"""
        from django.contrib.auth import get_user_model
        from wagtail.models import Site
        from blog.models import BlogPage

        User = get_user_model()
        assert not any(f.name == "username" for f in User._meta.get_fields())
        User.objects.create_superuser({ADMIN!r}, {PASSWORD!r})
        for email in ({COMPANY_ADMIN!r}, {HIDDEN_MEMBER!r}, {PUBLIC_MEMBER!r}):
            User.objects.create_user(email, {PASSWORD!r})
        home = Site.objects.get(is_default_site=True).root_page
        post = home.add_child(
            instance=BlogPage(title={BLOG_TITLE!r}, slug="harbour-lights",
                              intro="<p>Strawberry tides in the harbour.</p>")
        )
        post.save_revision().publish()
        """
    )
    snapshot_host(site)
    copy_clone(site)


# --------------------------------------------------------------------------
# HTTP against the running site
# --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> dict:
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One visitor: a cookie jar, CSRF tokens from it, redirects not followed."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.name = name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def post_form(self, path: str, fields: list[tuple[str, str]] | dict[str, str]) -> Response:
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if not any(name == "csrfmiddlewaretoken" for name, _ in items):
            items.append(("csrfmiddlewaretoken", self.csrf()))
        return self.request(
            "POST",
            path,
            urllib.parse.urlencode(items).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path},
        )

    def login(self, path: str, email: str) -> None:
        page = self.get(path)
        check(page.status == 200, f"{self.name}: GET {path} answered {page.status}")
        answer = self.post_form(path, {"username": email, "password": PASSWORD})
        check(
            answer.status == 302,
            f"{self.name}: signing in at {path} answered {answer.status}:\n{answer.text[:800]}",
        )

    def graphql(self, query: str, variables: dict | None = None, **headers: str) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"Content-Type": "application/json", **headers}
        if self.csrf():
            headers["X-CSRFToken"] = self.csrf()
            headers["Referer"] = self.base + "/graphql/"
        answer = self.request("POST", "/graphql/", body, headers)
        check(
            answer.status == 200,
            f"{self.name}: /graphql/ answered {answer.status}: {answer.text[:800]}",
        )
        data = answer.json()
        check(not data.get("errors"), f"{self.name}: GraphQL errors: {data.get('errors')}")
        return data["data"]


class FormParser(HTMLParser):
    """The fields a browser would submit from the form with ``form_id``."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None


def submit_page_form(browser: Browser, path: str, values: dict[str, str]) -> Response:
    """Fill in Wagtail's page form at ``path`` as an editor would and publish."""
    page = browser.get(path)
    check(page.status == 200, f"{browser.name}: GET {path} answered {page.status}")
    parser = FormParser("page-edit-form")
    parser.feed(page.text)
    check(parser.fields, f"no page form at {path}")
    fields = [(k, v) for k, v in parser.fields if k not in values]
    fields += [*values.items(), ("action-publish", "action-publish")]
    return browser.post_form(path, fields)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``manage.py runserver`` for the duration of a ``with`` block."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = site.logs / f"runserver-{self.port}.log"

    def __enter__(self) -> Server:
        self.handle = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            ["python", "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=self.site.root,
            env=self.site.env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"runserver exited:\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.3)
        raise Failure("runserver did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.handle.close()
        server_errors = [line for line in self.log.read_text().splitlines() if "Traceback" in line]
        if server_errors and exc[0] is None:
            raise Failure(f"the server logged a traceback:\n{self.log.read_text()[-4000:]}")


# --------------------------------------------------------------------------
# Stage 3: what "How it will be checked" lists
# --------------------------------------------------------------------------

MEMBERS_QUERY = "{ blogPosts { title } members(first: 50) { totalCount edges { node { name } } } }"

JOIN = """
mutation Join($input: UpdateMyProfileInput!) {
  updateMyProfile(input: $input) { member { name slug url } errors { code field message } }
}
"""


def names(data: dict) -> set[str]:
    return {edge["node"]["name"] for edge in data["members"]["edges"]}


#: The page kinds ``state`` reads, by content type.
PAGE_KINDS = {
    ("wagtail_network", "memberindexpage"): "member_index",
    ("wagtail_network", "companyindexpage"): "company_index",
    ("wagtail_network", "memberpage"): "members",
    ("wagtail_network", "companypage"): "companies",
    ("blog", "blogpage"): "blog",
}


def state(site: Site) -> dict:
    """The site's pages (kind -> slug -> id), how many directories are live, and its users
    (e-mail -> id), read from its SQLite file: a ``manage.py shell`` costs seconds."""
    database = sqlite3.connect(f"file:{site.root / 'db.sqlite3'}?mode=ro", uri=True)
    try:
        rows = database.execute(
            "SELECT ct.app_label, ct.model, p.slug, p.id, p.live FROM wagtailcore_page p"
            " JOIN django_content_type ct ON ct.id = p.content_type_id"
        ).fetchall()
        users = dict(database.execute("SELECT email, id FROM accounts_user").fetchall())
    finally:
        database.close()
    found: dict = {kind: {} for kind in PAGE_KINDS.values()}
    live_directories = 0
    for app_label, model, slug, pk, live in rows:
        kind = PAGE_KINDS.get((app_label, model))
        if kind:
            found[kind][slug] = pk
            live_directories += bool(live) and kind.endswith("_index")
    return {**found, "live_directories": live_directories, "users": users}


class Expectations:
    """Failures that do not stop the checks after them: one run reports every leak."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, condition: object, message: str) -> None:
        if not condition:
            say(f"  NOT AS DOCUMENTED: {message}")
            self.failed.append(message)

    def settle(self) -> None:
        if self.failed:
            raise Failure(f"{len(self.failed)} check(s) failed:\n- " + "\n- ".join(self.failed))


def verify(site: Site) -> None:
    expect = Expectations()
    say("verify: manage.py check --fail-level WARNING, makemigrations --check")
    site.manage("check", "--fail-level", "WARNING")
    site.manage("makemigrations", "--check", "--dry-run")

    say("verify: the directories are there, once; the command is idempotent")
    before = state(site)
    check(len(before["member_index"]) == 1, f"member directories: {before['member_index']}")
    check(len(before["company_index"]) == 1, f"company directories: {before['company_index']}")
    check(before["live_directories"] == 2, "the directories are not published")
    expect("AnonymousUser" not in before["users"], "guardian created its AnonymousUser row")
    site.manage("create_network_directories")
    check(state(site) == before, "a second create_network_directories changed something")
    users = before["users"]
    members_dir = next(iter(before["member_index"].values()))
    companies_dir = next(iter(before["company_index"].values()))
    blog_id = before["blog"]["harbour-lights"]

    with Server(site) as server:
        base = server.base
        anonymous = Browser(base, "visitor")
        for path in ("/", "/members/", "/companies/", "/harbour-lights/"):
            answer = anonymous.get(path)
            check(answer.status == 200, f"visitor: GET {path} answered {answer.status}")

        say("verify: an editor makes a company and a member page in the admin")
        admin = Browser(base, "admin")
        admin.login("/admin/login/", ADMIN)
        for model, title, slug, parent in (
            ("companypage", COMPANY_NAME, "quillworks", companies_dir),
            ("memberpage", ADMIN_MEMBER_NAME, "orla-publicwright", members_dir),
        ):
            path = f"/admin/pages/add/wagtail_network/{model}/{parent}/"
            answer = submit_page_form(admin, path, {"title": title, "slug": slug})
            check(
                answer.status == 302,
                f"publishing {path} answered {answer.status}:\n{answer.text[-1500:]}",
            )
        company_id = state(site)["companies"]["quillworks"]

        say("verify: a company-admin grant made and revoked on Network -> Company admins")
        screen = f"/admin/network/company-admins/{company_id}/"
        for path in ("/admin/network/company-admins/", screen):
            answer = admin.get(path)
            check(
                answer.status == 200,
                f"admin: GET {path} answered {answer.status}:\n{answer.text[-1500:]}",
            )
        answer = admin.post_form(screen, {"user": COMPANY_ADMIN})
        check(answer.status == 302, f"granting answered {answer.status}:\n{answer.text[-1500:]}")
        admin.get(screen)  # shows (and so clears) the message naming the new admin
        check(COMPANY_ADMIN in admin.get(screen).text, "the screen does not list the new admin")
        boss = Browser(base, "company admin")
        boss.login("/admin/login/", COMPANY_ADMIN)
        answer = boss.get(f"/admin/pages/{company_id}/edit/")
        check(answer.status == 200, f"the company admin cannot edit their company: {answer.status}")
        answer = boss.get(f"/admin/pages/{blog_id}/edit/")
        check(answer.status != 200, "the company admin may edit the blog")
        answer = admin.post_form(screen, {"revoke": str(users[COMPANY_ADMIN])})
        check(answer.status == 302, f"revoking answered {answer.status}:\n{answer.text[-1500:]}")
        admin.get(screen)
        check(
            COMPANY_ADMIN not in admin.get(screen).text, "the screen still lists the revoked admin"
        )
        answer = boss.get(f"/admin/pages/{company_id}/edit/")
        check(answer.status != 200, "the revoked company admin can still edit the company")

        say("verify: members sign in through the site's login and join with a display name")
        hidden = Browser(base, "members-only member")
        hidden.login("/accounts/login/", HIDDEN_MEMBER)
        refused = hidden.graphql(JOIN, {"input": {"headline": "No name yet"}})["updateMyProfile"]
        check(
            refused["member"] is None and [e["field"] for e in refused["errors"]] == ["name"],
            f"joining without a name was not refused on `name`: {refused}",
        )
        dutch = hidden.graphql(JOIN, {"input": {"headline": "x"}}, **{"Accept-Language": "nl"})
        expect(
            dutch["updateMyProfile"]["errors"][0]["message"] != refused["errors"][0]["message"],
            f"GraphQL errors do not follow Accept-Language: nl: {dutch}",
        )
        joined = hidden.graphql(
            JOIN, {"input": {"name": HIDDEN_NAME, "profileVisibility": "MEMBERS"}}
        )
        member = joined["updateMyProfile"]["member"]
        check(member and member["name"] == HIDDEN_NAME, f"joining: {joined}")
        check(member["slug"] == "zephyrine-quillfeather", f"the profile's slug is {member['slug']}")
        public = Browser(base, "public member")
        public.login("/accounts/login/", PUBLIC_MEMBER)
        joined = public.graphql(JOIN, {"input": {"name": PUBLIC_NAME}})
        member = joined["updateMyProfile"]["member"]
        check(member and member["name"] == PUBLIC_NAME, f"joining: {joined}")
        public_path = urllib.parse.urlsplit(member["url"]).path
        pages = state(site)["members"]
        hidden_id, public_id = pages["zephyrine-quillfeather"], pages["tamsin-brightwater"]

        say(
            "verify: one /graphql/ serves the network and the site's types, anonymous and signed in"
        )
        data = anonymous.graphql(MEMBERS_QUERY)
        expect(
            data["blogPosts"] == [{"title": BLOG_TITLE}],
            f"a visitor's blogPosts: {data['blogPosts']}",
        )
        expect(
            names(data) == {PUBLIC_NAME, ADMIN_MEMBER_NAME}, f"a visitor's members: {names(data)}"
        )
        data = public.graphql("{ viewer { member { name } } blogPosts { title } }")
        expect(
            data["viewer"]["member"] == {"name": PUBLIC_NAME},
            f"signed in, viewer: {data['viewer']}",
        )
        expect(
            data["blogPosts"] == [{"title": BLOG_TITLE}],
            f"signed in, blogPosts: {data['blogPosts']}",
        )
        data = public.graphql(MEMBERS_QUERY)
        expect(
            HIDDEN_NAME in names(data),
            f"a member does not see the members-only profile: {names(data)}",
        )

        say("verify: a members-only profile is listed nowhere for a visitor; a public one is")
        quote = urllib.parse.quote
        surfaces: dict[str, Callable[[str], str]] = {
            "the site's search view": lambda word: (
                anonymous.get(f"/search/?query={quote(word)}").text
            ),
            "the page API's list": lambda word: anonymous.get("/api/v2/pages/?limit=20").text,
            "the page API's search": lambda word: (
                anonymous.get(f"/api/v2/pages/?search={quote(word)}").text
            ),
            "the sitemap": lambda word: anonymous.get("/sitemap.xml").text,
            "the member directory": lambda word: anonymous.get("/members/").text,
            "the member directory's search": lambda word: (
                anonymous.get(f"/members/?q={quote(word)}").text
            ),
        }
        for label, name, slug, should in (
            ("members-only", HIDDEN_NAME, "zephyrine-quillfeather", False),
            ("public", PUBLIC_NAME, "tamsin-brightwater", True),
        ):
            for surface, read in surfaces.items():
                text = read(name.split()[-1])
                listed = name in text or f"/members/{slug}/" in text
                expect(
                    listed == should,
                    f"{surface} {'omits' if should else 'lists'} the {label} profile",
                )
        status = anonymous.get(f"/api/v2/pages/{hidden_id}/").status
        expect(status == 404, f"the page API's detail serves the members-only profile ({status})")
        status = anonymous.get(f"/api/v2/pages/{public_id}/").status
        expect(status == 200, f"the page API's detail refuses the public profile ({status})")
        status = anonymous.get("/members/zephyrine-quillfeather/").status
        expect(status == 404, f"a visitor reads the members-only profile page ({status})")
        status = anonymous.get(public_path).status
        expect(status == 200, f"a visitor cannot read the public profile page ({status})")
        expect(
            HIDDEN_NAME in public.get("/members/").text, "a member misses the members-only profile"
        )
        expect(
            BLOG_TITLE in anonymous.get("/search/?query=harbour").text,
            "the search view lost the blog",
        )

        say("verify: pages follow Accept-Language (LocaleMiddleware)")
        text = anonymous.get("/members/", **{"Accept-Language": "nl"}).text
        expect(
            "Leden zoeken" in text, "the member directory is not in Dutch for Accept-Language: nl"
        )
        text = anonymous.get("/members/", **{"Accept-Language": "en"}).text
        expect(
            "Search members" in text,
            "the member directory is not in English for Accept-Language: en",
        )

        if "corsheaders" in (site.root / "mysite" / "settings" / "base.py").read_text():
            say("verify: a CORS preflight from the allowed origin")
            answer = anonymous.request(
                "OPTIONS",
                "/graphql/",
                headers={
                    "Origin": "http://localhost:3000",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type",
                },
            )
            allowed = {k.lower(): v for k, v in answer.headers.items()}.get(
                "access-control-allow-origin"
            )
            expect(
                allowed == "http://localhost:3000", f"preflight: {answer.status} {answer.headers}"
            )
    expect.settle()


# --------------------------------------------------------------------------
# Stage 4: uninstalling
# --------------------------------------------------------------------------


# The site's files as the host had them before the tutorial (the "undo" of step 4-5).
SNAPSHOT = "host-snapshot"


def snapshot_host(site: Site) -> None:
    """Keep the host's own code as it was before the tutorial changed it."""
    target = site.work / SNAPSHOT
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        site.root / "mysite", target / "mysite", ignore=shutil.ignore_patterns("__pycache__")
    )


def undo_tutorial_edits(site: Site) -> list[str]:
    """Put back every file of the site's package the tutorial changed; returns their names."""
    source = site.work / SNAPSHOT / "mysite"
    check(source.is_dir(), "no snapshot of the host's files (run the host stage first)")
    changed = []
    for original in sorted(source.rglob("*.py")):
        relative = original.relative_to(source.parent)
        current = site.root / relative
        if not current.exists() or current.read_bytes() != original.read_bytes():
            shutil.copy2(original, current)
            changed.append(str(relative))
    return changed


def uninstall(site: Site) -> None:
    """docs/how-to/uninstall.md's sequence, its section numbers in brackets; then nothing
    of the network is served and the blog is intact."""
    expect = Expectations()
    say("uninstall [1]: uninstall_network --dry-run lists what would go, changes nothing")
    before = state(site)
    check(
        {"zephyrine-quillfeather", "tamsin-brightwater"} <= set(before["members"]),
        "no members to uninstall: run the verify stage first",
    )
    member_ids = [
        before["members"][slug] for slug in ("zephyrine-quillfeather", "tamsin-brightwater")
    ]
    blog_id = before["blog"]["harbour-lights"]
    listing = site.manage("uninstall_network", "--dry-run", "-v", "2")
    for title in (HIDDEN_NAME, PUBLIC_NAME, COMPANY_NAME):
        expect(title in listing, f"the dry run does not list {title!r}")
    expect(BLOG_TITLE not in listing, "the dry run lists the blog post")
    check(state(site) == before, "the dry run changed something")

    say("uninstall [2]: uninstall_network --noinput; run twice, the second finds nothing")
    site.manage("uninstall_network", "--noinput")
    after = state(site)
    check(
        not any(after[k] for k in ("member_index", "company_index", "members", "companies")),
        f"network pages left: {after}",
    )
    check(after["blog"] == before["blog"], "the blog's pages changed")
    check(after["users"] == before["users"], "user accounts were removed")
    site.manage("uninstall_network", "--noinput")
    with Server(site) as server:
        visitor = Browser(server.base, "visitor")
        for path in ("/members/", "/companies/"):
            status = visitor.get(path).status
            expect(status == 404, f"with the app still installed, GET {path} answered {status}")

    say("uninstall [3, 5]: migrate wagtail_network zero, graphql_schema zero, guardian zero")
    site.manage("migrate", "wagtail_network", "zero", "--noinput")
    site.manage("migrate", "graphql_schema", "zero", "--noinput")
    site.manage("migrate", "guardian", "zero", "--noinput")
    say("uninstall [4, 5]: the tutorial's edits undone (URLs, page API, schema, apps, settings)")
    say(f"  put back: {', '.join(undo_tutorial_edits(site))}")
    site.sh("python -m pip uninstall --yes --quiet wagtail-network")
    site.manage("check", "--fail-level", "WARNING")
    say("uninstall [6]: remove_stale_contenttypes")
    site.manage("remove_stale_contenttypes", "--noinput")

    say("uninstall: nothing of the network served, the blog intact")
    left = site.shell(
        """
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db import connection
        from wagtail.models import Page
        result({
            "installed": [a for a in ("wagtail_network", "graphql_schema", "guardian")
                          if apps.is_installed(a)],
            "pages": list(Page.objects.values_list("url_path", flat=True)),
            "groups": list(Group.objects.values_list("name", flat=True)),
            "tables": [t for t in connection.introspection.table_names()
                       if t.startswith(("wagtail_network_", "graphql_schema_", "guardian_"))],
            "users": get_user_model().objects.count(),
        })
        """
    )
    expect(not left["installed"], f"still installed: {left['installed']}")
    expect(not left["tables"], f"tables left: {left['tables']}")
    expect(
        not {"Network editors", "Network moderators", "Company admins"} & set(left["groups"]),
        f"role groups left: {left['groups']}",
    )
    expect(left["users"] == len(before["users"]), "user accounts were removed")
    expect("/home/harbour-lights/" in left["pages"], f"the blog post is gone: {left['pages']}")
    expect(
        not any("/members/" in p or "/companies/" in p for p in left["pages"]),
        f"network pages left in the tree: {left['pages']}",
    )
    with Server(site) as server:
        visitor = Browser(server.base, "visitor")
        for path in (
            "/members/",
            "/companies/",
            "/members/tamsin-brightwater/",
            "/companies/quillworks/",
            "/network/account/",
            *(f"/api/v2/pages/{pk}/" for pk in member_ids),
        ):
            status = visitor.get(path).status
            expect(status == 404, f"after uninstalling, GET {path} answered {status}")
        listing = visitor.get("/api/v2/pages/?limit=20")
        check(listing.status == 200, f"the page API answers {listing.status} after uninstalling")
        served = {item["id"] for item in listing.json()["items"]}
        expect(blog_id in served, "the page API lost the blog post")
        for path in (
            "/search/?query=Brightwater",
            "/api/v2/pages/?search=Brightwater",
            "/sitemap.xml",
        ):
            text = visitor.get(path).text
            expect(
                PUBLIC_NAME not in text and "/members/" not in text,
                f"{path} still lists the network",
            )
        expect(
            BLOG_TITLE in visitor.get("/search/?query=harbour").text,
            "the search view lost the blog",
        )
        expect(visitor.get("/harbour-lights/").status == 200, "the blog post is not served")
        # strawberry's own view refuses a POST without a CSRF cookie: ask as GET.
        answer = visitor.get(
            "/graphql/?" + urllib.parse.urlencode({"query": "{ blogPosts { title } }"})
        )
        expect(
            answer.status == 200
            and answer.json().get("data") == {"blogPosts": [{"title": BLOG_TITLE}]},
            f"the site's own /graphql/ after uninstalling: {answer.status} {answer.text[:300]}",
        )
        answer = visitor.get(
            "/graphql/?" + urllib.parse.urlencode({"query": "{ members { totalCount } }"})
        )
        expect(
            "Cannot query field 'members'" in answer.text,
            f"/graphql/ still answers members: {answer.text[:300]}",
        )
    expect.settle()


# --------------------------------------------------------------------------


STAGES = ("host", "tutorial", "verify", "uninstall")
# The uninstall stage needs `manage.py uninstall_network` and docs/how-to/uninstall.md
# (issue 8's uninstall work); it runs by default once both are on this branch.
UNINSTALL_READY = (
    UNINSTALL.exists()
    and (ROOT / "wagtail_network" / "management" / "commands" / "uninstall_network.py").exists()
)
DEFAULT_STAGES = STAGES if UNINSTALL_READY else STAGES[:-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python", default="python3.11", help="the site's Python (default python3.11)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where to build the site (default: a new temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the site after a successful run")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="run the uninstall stage after failed checks too (the run still fails)",
    )
    parser.add_argument(
        "--stages",
        default=",".join(DEFAULT_STAGES),
        help=f"comma-separated subset of {','.join(STAGES)} (default {','.join(DEFAULT_STAGES)})",
    )
    options = parser.parse_args(argv)
    stages = options.stages.split(",")
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stages: {', '.join(sorted(unknown))}")
    if not UNINSTALL_READY:
        say("the uninstall stage is off: no uninstall_network command or uninstall.md yet")
    python = shutil.which(options.python)
    if python is None:
        print(f"tutorial: no {options.python} on this machine", file=sys.stderr)
        return 1
    work = options.workdir or Path(tempfile.mkdtemp(prefix="wn-tutorial-"))
    site = Site(work.resolve(), python)
    say(f"site in {site.work}")
    try:
        # Fail on a malformed page before spending a minute on the host.
        read_steps(TUTORIAL)
        if "host" in stages:
            build_host(site)
        if "tutorial" in stages:
            follow(site, TUTORIAL)
        failures: list[str] = []
        for name, stage in (("verify", verify), ("uninstall", uninstall)):
            if name not in stages:
                continue
            try:
                stage(site)
            except Failure as failure:
                # The site is still whole after a failed check: the uninstall stage can
                # run and report its own failures in the same run.
                if name != "verify" or not options.keep_going:
                    raise
                say(f"FAILED ({name}, going on): {failure}")
                failures.append(f"{name}: {failure}")
        if failures:
            raise Failure("\n".join(failures))
    except Failure as failure:
        say(f"FAILED: {failure}")
        say(f"the site and its logs are kept in {site.work}")
        return 1
    say("passed")
    if not options.keep and options.workdir is None:
        shutil.rmtree(site.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
