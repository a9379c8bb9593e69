"""WSGI entry point: `gunicorn example_site.wsgi` from the repository root."""

import os
import sys
from pathlib import Path

from django.core.wsgi import get_wsgi_application

# Make `example_site` and the plugin importable however the server was started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.production")

application = get_wsgi_application()

# Fail at start, not with a 500 on every page, when collectstatic was not run.
from example_site.startup import require_static_manifest, warm_up  # noqa: E402

require_static_manifest()
warm_up()
