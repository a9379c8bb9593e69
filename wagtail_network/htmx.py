"""htmx requests, told apart through django-htmx.

The host site need not add django-htmx's middleware: when ``request.htmx`` is
missing, the same details are read from the request's headers here.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def htmx_of(request: HttpRequest) -> HtmxDetails:
    """The request's htmx details (``bool(details)`` is True for an htmx request)."""
    details = getattr(request, "htmx", None)
    return details if isinstance(details, HtmxDetails) else HtmxDetails(request)
