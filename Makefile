# Everything runs inside .venv, created on first use. Needs only python3, make and git.
#
#   make demo           set up, migrate, load the demo network, serve on 127.0.0.1:$PORT (8000)
#   make test           set up, lint, migration and system checks, the test suite (SQLite);
#                       leaves out the browser tests (and says so)
#   make test-browser   the admin browser tests (tests/browser) in /usr/bin/chromium, with
#                       axe-core from npm (npm ci in tests/browser)
#   make test-postgres  the test suite on PostgreSQL (127.0.0.1:5432, user postgres), with
#                       the e-mail login user model (TEST_USER_MODEL=email, tests/testapp)
#   make wheel          build the distributable wheel into dist/
#   make tutorial       follow docs/tutorial/installation.md on a fresh `wagtail start` site
#                       (Python 3.11, the built wheel, an e-mail user model; .ci/tutorial.py)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The example site's development settings, whatever the calling shell has set.
MANAGE := DJANGO_SETTINGS_MODULE=example_site.settings.dev $(BIN)/python example_site/manage.py
# The demo: the same, with DEBUG off (settings/demo.py: the site's own error pages).
DEMO := DJANGO_SETTINGS_MODULE=example_site.settings.demo $(BIN)/python example_site/manage.py
# Explicit, so that a DJANGO_SETTINGS_MODULE in the environment cannot override it.
PYTEST := $(BIN)/pytest --ds=tests.settings
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/wagtail_network

.PHONY: install demo migrate lint check test test-postgres test-browser wheel tutorial clean

# Reinstall only when the project's metadata or the example site's requirements change.
# The plugin's own dependencies come from pyproject.toml; the example site (which
# `make demo` serves and the tests run against) adds its own.
$(STAMP): pyproject.toml example_site/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[testing]" -r example_site/requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

# The default Site is set to the origin served, so absolute URLs (Member.url, image
# renditions, the sitemap) name it.
demo: migrate
	$(DEMO) load_demo_network --site-url http://127.0.0.1:$${PORT:-8000}
	$(DEMO) runserver 127.0.0.1:$${PORT:-8000}

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check --fail-level WARNING

# SQLite unless DATABASE_URL is set; one test database per xdist worker.
test: lint check
	$(PYTEST) -n auto

# A host's e-mail login user model (no username) rides on this leg; the default
# auth.User stays covered by `make test` and the Django 6.1 tox leg.
test-postgres: $(STAMP)
	DATABASE_URL=$(POSTGRES_URL) TEST_USER_MODEL=email $(PYTEST) -n auto

# Playwright's client only: the browser is the system's Chromium (never `playwright install`).
BROWSER_STAMP := $(VENV)/.browser-stamp
$(BROWSER_STAMP): $(STAMP) tests/browser/package-lock.json
	$(BIN)/python -m pip install --quiet -e ".[testing,browser]"
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(PYTEST) --browser tests/browser

wheel: $(STAMP)
	$(BIN)/python -m pip wheel . --no-deps -w dist

# Builds its own virtualenv and site in a temporary directory (kept when a step fails);
# needs python3.11 and PyPI, not this repository's .venv.
tutorial:
	$(PYTHON) .ci/tutorial.py --keep-going

clean:
	rm -rf build dist *.egg-info .tox
