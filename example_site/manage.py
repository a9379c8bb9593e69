#!/usr/bin/env python
"""Django's command-line utility for the example site.

Run it from anywhere, e.g. `python example_site/manage.py runserver` from the
repository root: the repository root is put on sys.path so that `example_site`,
`wagtail_network` and `graphql_schema` import without installing anything.
"""

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.dev")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Run `make demo` (it creates .venv) or activate "
            "the virtualenv that has wagtail-network's dependencies."
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
