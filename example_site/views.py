"""The example site's error views.

Django's default error views are decorated with ``requires_csrf_token``, which runs
the CSRF check again and so reads ``request.POST`` again: for a form body Django
refuses to read (a charset other than UTF-8, say) that raises inside the error view
itself, and the client gets the WSGI server's bare "A server error occurred"
instead of a 400 page. These render the same templates without reading the body.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    # No request context: the request is the one that could not be read.
    return HttpResponse(render_to_string("400.html"), status=400)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("500.html"), status=500)
