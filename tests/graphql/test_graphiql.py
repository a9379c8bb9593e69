"""GraphiQL is served from the package's own static files: no CDN, no inline script,
every file found by the static finders, collected by the manifest storage and shipped
in the wheel."""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
ASSETS = ROOT / "graphql_schema" / "static" / "graphql_schema" / "graphiql"
PREFIX = settings.STATIC_URL + "graphql_schema/graphiql/"

#: The Subresource Integrity hashes strawberry-graphql 0.341's own GraphiQL page gives
#: for these files on unpkg.com: the vendored copies are byte for byte the published ones.
UPSTREAM_SRI = {
    "react.production.min.js": (
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"
    ),
    "react-dom.production.min.js": (
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"
    ),
    "plugin-explorer.umd.js": (
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"
    ),
    "plugin-explorer.css": (
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi"
    ),
}


class _Assets(HTMLParser):
    """Collects every URL the page loads and every inline script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            if "src" in attrs:
                self.urls.append(attrs["src"])
            else:
                self.inline.append("<script> without src")
        elif tag == "link":
            self.urls.append(attrs["href"])
        elif tag in {"img", "iframe"}:
            self.urls.append(attrs.get("src", ""))
        elif tag == "style":
            self.inline.append("<style>")
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(f"inline attribute on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("inline script body")


def graphiql_page() -> str:
    client = Client()
    client.force_login(UserFactory(username="staffer", is_staff=True))
    response = client.get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.content.decode()


def page_assets() -> _Assets:
    parser = _Assets()
    parser.feed(graphiql_page())
    return parser


def test_graphiql_page_loads_only_same_origin_static_files() -> None:
    assets = page_assets()

    assert len(assets.urls) == 8  # 3 stylesheets, 5 scripts
    assert all(url.startswith(PREFIX) for url in assets.urls), assets.urls
    assert "unpkg.com" not in graphiql_page()


def test_graphiql_page_has_no_inline_script_or_style_for_a_strict_csp() -> None:
    assert page_assets().inline == []


def test_graphiql_page_hands_its_script_the_endpoint_and_csrf_token() -> None:
    html = graphiql_page()

    assert 'data-endpoint="/graphql/"' in html
    assert 'data-csrf-token="' in html and 'data-csrf-token=""' not in html


def test_graphiql_files_are_found_by_the_static_finders_and_served() -> None:
    client = Client()
    for url in page_assets().urls:
        name = url.removeprefix(settings.STATIC_URL)
        assert finders.find(name), name
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content)


def test_vendored_files_are_the_published_ones() -> None:
    for name, sri in UPSTREAM_SRI.items():
        digest = hashlib.sha384((ASSETS / name).read_bytes()).digest()
        assert "sha384-" + base64.b64encode(digest).decode() == sri, name
    for name in ("react", "react-dom", "graphiql"):
        assert "MIT License" in (ASSETS / "licenses" / f"{name}.LICENSE.txt").read_text()


def test_manifest_storage_collects_graphiql(tmp_path) -> None:
    # Production's storage hashes every file and follows CSS/JS references (a source
    # map named but not shipped would fail collectstatic).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for url in page_assets().urls:
        assert url.removeprefix(settings.STATIC_URL) in manifest


def test_wheel_package_data_includes_the_graphiql_files_and_template() -> None:
    # setuptools expands package-data globs with glob(recursive=True) from the package.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["graphql_schema"]
    package = ROOT / "graphql_schema"
    shipped = {
        Path(match)
        for pattern in patterns
        for match in glob.glob(pattern, root_dir=package, recursive=True)
    }
    for path in [*ASSETS.rglob("*"), package / "templates/graphql_schema/graphiql.html"]:
        if path.is_file():
            assert path.relative_to(package) in shipped, path
