"""System checks: name anything missing from the host site's configuration.

Two kinds: the settings (apps, backends, the ``WAGTAIL_NETWORK`` dict) and the
URL wiring (what the host's URLconf includes, in which order, and which page API
it serves). The wiring checks only import the URLconf and ask Django's resolver,
as Django's own URL checks do: they never touch the database. The GraphQL
endpoint's own wiring is checked by ``graphql_schema.checks``, next to the view it
looks for (this app never imports the API package).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, resolve, reverse
from django.urls.resolvers import ResolverMatch, get_resolver

GUARDIAN_BACKEND = "guardian.backends.ObjectPermissionBackend"
VISIBILITIES = {"public", "members", "connections"}
FIELD_VISIBILITIES = VISIBILITIES | {"only_me"}


# What the host site must have: (present?, message, hint, id), one row a requirement.
def _requirements() -> list[tuple[bool, str, str, str]]:
    return [
        (
            "guardian" in settings.INSTALLED_APPS,
            "django-guardian is not installed.",
            "Add 'guardian' to INSTALLED_APPS: company admins are per-object grants.",
            "wagtail_network.E001",
        ),
        (
            GUARDIAN_BACKEND in getattr(settings, "AUTHENTICATION_BACKENDS", []),
            "guardian's ObjectPermissionBackend is not in AUTHENTICATION_BACKENDS.",
            f"Add {GUARDIAN_BACKEND!r} after ModelBackend.",
            "wagtail_network.E002",
        ),
        (
            "strawberry_django" in settings.INSTALLED_APPS,
            "strawberry_django is not installed.",
            "Add 'strawberry_django' to INSTALLED_APPS for the GraphQL API.",
            "wagtail_network.E003",
        ),
        (
            "django_htmx" in settings.INSTALLED_APPS,
            "django_htmx is not installed.",
            "Add 'django_htmx' to INSTALLED_APPS: the member's pages load htmx from it.",
            "wagtail_network.E015",
        ),
    ]


@checks.register()
def check_installation(app_configs=None, **kwargs):
    """Errors for each missing app or backend, then for malformed WAGTAIL_NETWORK settings."""
    errors = [
        checks.Error(message, hint=hint, id=error_id)
        for present, message, hint, error_id in _requirements()
        if not present
    ]
    errors.extend(_check_settings_dict())
    errors.extend(_check_task_backends())
    errors.extend(_check_suggestion_settings())
    return errors


#: Task backends that keep their tasks in an app's tables: (backend path prefix, app).
DATABASE_TASK_BACKENDS = (("django_tasks_db.", "django_tasks_db"),)


def _task_settings() -> dict[str, Any] | None:
    """Django's ``TASKS`` as the tasks framework reads it: ``None`` when the host set
    none (the framework then has one ``"default"`` alias, the immediate backend)."""
    value = getattr(settings, "TASKS", None)
    return value if isinstance(value, dict) else None


def _check_task_backends() -> list[checks.CheckMessage]:
    """E018 when the notification e-mails' task backend alias is not configured (the
    first e-mail would fail in the request's on-commit hook, and every one after it);
    E019 when a database task backend is configured without its app (no tables: every
    enqueue fails)."""
    from .conf import notification_setting

    errors: list[checks.CheckMessage] = []
    configured = _task_settings()
    aliases = set(configured) if configured is not None else {"default"}
    alias = notification_setting("TASK_BACKEND")
    if alias not in aliases:
        errors.append(
            checks.Error(
                f"WAGTAIL_NETWORK['NOTIFICATIONS']['TASK_BACKEND'] is {alias!r}, which is "
                "not a task backend in the TASKS setting"
                + (f" (it has: {', '.join(sorted(map(str, aliases)))})." if aliases else "."),
                hint="Add that alias to TASKS, or name one of its aliases; without TASKS "
                'the tasks framework has one, "default" (the immediate backend).',
                id="wagtail_network.E018",
            )
        )
    for name, options in sorted((configured or {}).items()):
        backend = str((options or {}).get("BACKEND", "")) if isinstance(options, dict) else ""
        for prefix, app in DATABASE_TASK_BACKENDS:
            if backend.startswith(prefix) and app not in settings.INSTALLED_APPS:
                errors.append(
                    checks.Error(
                        f"The task backend {name!r} is {backend}, but {app!r} is not in "
                        "INSTALLED_APPS: its tables do not exist and every task enqueued "
                        "on it fails.",
                        hint=f"Add {app!r} to INSTALLED_APPS and run migrate, or choose "
                        "another backend.",
                        id="wagtail_network.E019",
                    )
                )
    return errors


def _check_suggestion_settings() -> list[checks.CheckMessage]:
    """E020 unless ``SUGGESTIONS`` is a dict of known keys with seconds >= 0 for
    ``FRESH_FOR``/``STALE_FOR`` and aliases that exist for ``CACHE`` (in ``CACHES``)
    and ``TASK_BACKEND`` (in ``TASKS``): a wrong alias would fail every request
    that shows suggestions, a wrong duration every one that stores them."""
    from .conf import DEFAULTS

    raw = (getattr(settings, "WAGTAIL_NETWORK", None) or {}).get("SUGGESTIONS", {})
    problems: list[str] = []
    if not isinstance(raw, dict):
        problems.append(f"it must be a dict, not {raw!r}")
        raw = {}
    known = DEFAULTS["SUGGESTIONS"]
    for key in sorted(set(raw) - set(known)):
        problems.append(f"{key!r} is not a key (known: {', '.join(known)})")
    for key in ("FRESH_FOR", "STALE_FOR"):
        value = raw.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a number of seconds >= 0, not {value!r}")
    cache = raw.get("CACHE", known["CACHE"])
    if cache not in (getattr(settings, "CACHES", None) or {"default": {}}):
        problems.append(f"CACHE is {cache!r}, which is not an alias in CACHES")
    configured = _task_settings()
    aliases = set(configured) if configured is not None else {"default"}
    backend = raw.get("TASK_BACKEND", known["TASK_BACKEND"])
    if backend not in aliases:
        problems.append(f"TASK_BACKEND is {backend!r}, which is not an alias in TASKS")
    if not problems:
        return []
    return [
        checks.Error(
            "WAGTAIL_NETWORK['SUGGESTIONS'] is malformed: " + "; ".join(problems) + ".",
            hint='E.g. {"FRESH_FOR": 3600, "STALE_FOR": 3600, "CACHE": "default", '
            '"TASK_BACKEND": "default"}; keys left out keep their default.',
            id="wagtail_network.E020",
        )
    ]


def _check_settings_dict():
    from .conf import DEFAULTS

    errors = []
    raw = getattr(settings, "WAGTAIL_NETWORK", None) or {}
    if not isinstance(raw, dict):
        return [checks.Error("WAGTAIL_NETWORK must be a dict.", id="wagtail_network.E004")]
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        errors.append(
            checks.Warning(
                f"Unknown WAGTAIL_NETWORK keys: {', '.join(unknown)}.",
                hint="Check the spelling against the settings reference in the docs.",
                id="wagtail_network.W001",
            )
        )
    profile = raw.get("DEFAULT_PROFILE_VISIBILITY", "public")
    locked_profile = raw.get("LOCKED_PROFILE_VISIBILITY")
    if profile not in VISIBILITIES or (
        locked_profile is not None and locked_profile not in VISIBILITIES
    ):
        errors.append(
            checks.Error(
                "Profile visibility settings must be one of: public, members, connections.",
                id="wagtail_network.E005",
            )
        )
    for key in ("DEFAULT_FIELD_VISIBILITY", "LOCKED_FIELD_VISIBILITY"):
        value = raw.get(key, {})
        if not isinstance(value, dict) or any(
            field not in {"email", "phone", "connections", "positions"}
            or audience not in FIELD_VISIBILITIES
            for field, audience in value.items()
        ):
            errors.append(
                checks.Error(
                    f"WAGTAIL_NETWORK[{key!r}] maps email/phone/connections/positions to "
                    "public, members, connections or only_me.",
                    id="wagtail_network.E006",
                )
            )
    graphql_path = raw.get("GRAPHQL_PATH", "graphql/")
    if not isinstance(graphql_path, str) or graphql_path.startswith("/"):
        errors.append(
            checks.Error(
                "WAGTAIL_NETWORK['GRAPHQL_PATH'] must be a URL path without a leading "
                f"slash, such as 'graphql/' or 'api/graphql/' (not {graphql_path!r}).",
                hint="It is appended to the prefix graphql_schema.urls is included under.",
                id="wagtail_network.E008",
            )
        )
    for key in (
        "INVITATION_CAP",
        "WITHDRAWAL_COOLDOWN_DAYS",
        "GRAPHQL_MAX_COST",
        "TRUSTED_PROXY_COUNT",
        "IMPORT_UPLOAD_MAX_AGE",
        "GRAPHQL_APQ_TIMEOUT",
        "GRAPHQL_RESPONSE_CACHE_TIMEOUT",
    ):
        value = raw.get(key, 1)
        if not isinstance(value, int) or value < 0:
            errors.append(
                checks.Error(
                    f"WAGTAIL_NETWORK[{key!r}] must be a non-negative integer.",
                    id="wagtail_network.E007",
                )
            )
    if raw.get("GRAPHQL_DOCUMENTS", "any") not in ("any", "trusted", "trusted_except_staff"):
        errors.append(
            checks.Error(
                'WAGTAIL_NETWORK[\'GRAPHQL_DOCUMENTS\'] is "any", "trusted" or '
                '"trusted_except_staff".',
                hint="Which GraphQL documents run: every valid one, or only registered ones.",
                id="wagtail_network.E021",
            )
        )
    errors.extend(_check_graphql_cache(raw))
    errors.extend(_check_rate_limits(raw.get("RATE_LIMITS", {})))
    if raw.get("NEW_SKILLS", "suggest") not in ("suggest", "create"):
        errors.append(
            checks.Error(
                'WAGTAIL_NETWORK[\'NEW_SKILLS\'] is "suggest" or "create".',
                hint="What a skill a member names that the vocabulary does not hold becomes.",
                id="wagtail_network.E017",
            )
        )
    return errors


def _check_graphql_cache(raw: dict) -> list[checks.CheckMessage]:
    """W003 when the response cache or trusted documents live in a per-process cache
    outside DEBUG: each worker would see only its own invalidations and removals."""
    alias = raw.get("GRAPHQL_CACHE", "default")
    if settings.DEBUG or alias not in settings.CACHES:
        return []
    uses = raw.get("GRAPHQL_RESPONSE_CACHE", True) or raw.get("GRAPHQL_DOCUMENTS", "any") != "any"
    backend = settings.CACHES[alias].get("BACKEND", "")
    if uses and backend.endswith(("LocMemCache", "locmem.LocMemCache")):
        return [
            checks.Warning(
                f"GRAPHQL_CACHE ({alias!r}) is a per-process memory cache: with several "
                "workers, a write seen by one leaves the others serving cached GraphQL "
                "answers (and removed trusted documents) until they expire.",
                hint="Use a shared cache (Redis) for it, or set GRAPHQL_RESPONSE_CACHE to "
                "False on a site with more than one process.",
                id="wagtail_network.W003",
            )
        ]
    return []


def _check_rate_limits(value: Any) -> list[checks.CheckMessage]:
    """E016 unless ``RATE_LIMITS`` maps known kinds to ``None`` or
    ``{"count": n >= 0, "window": seconds > 0}``: a typo must not silently leave
    a kind unlimited, nor a malformed entry fail the first invitation."""
    from .conf import RATE_LIMIT_KINDS

    def is_int(v: Any, low: int) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v >= low

    def well_formed(entry: Any) -> bool:
        return entry is None or (
            isinstance(entry, dict)
            and set(entry) == {"count", "window"}
            and is_int(entry["count"], 0)
            and is_int(entry["window"], 1)
        )

    if value is None:
        return []
    if isinstance(value, dict) and all(
        kind in RATE_LIMIT_KINDS and well_formed(entry) for kind, entry in value.items()
    ):
        return []
    return [
        checks.Error(
            "WAGTAIL_NETWORK['RATE_LIMITS'] maps "
            + ", ".join(RATE_LIMIT_KINDS)
            + ' to None or {"count": <integer >= 0>, "window": <seconds >= 1>}.',
            hint="Leave a kind out to keep its default; None switches its limit off.",
            id="wagtail_network.E016",
        )
    ]


# --- URL wiring -------------------------------------------------------------------

#: The name Wagtail gives its catch-all page-serving pattern (``wagtail.urls``).
WAGTAIL_SERVE_URL_NAME = "wagtail_serve"
#: The namespace of Wagtail's own v3 API instance (``wagtail.api.v3.urls.api``).
WAGTAIL_API_V3_NAMESPACE = "wagtailapi_v3"

APP_INCLUDE = 'path("", include("wagtail_network.urls"))'
WAGTAIL_INCLUDE = 'path("", include(wagtail_urls))'


def view_class(callback: Callable[..., Any] | None) -> type | None:
    """The class behind a URL pattern's view, or None for a plain function.

    Django's ``as_view()`` sets ``view_class``, Django REST framework's ``cls``;
    decorators built with :func:`functools.wraps` copy both and keep ``__wrapped__``.
    """
    seen: set[int] = set()
    while callback is not None and id(callback) not in seen:
        seen.add(id(callback))
        for attribute in ("view_class", "cls"):
            cls = getattr(callback, attribute, None)
            if isinstance(cls, type):
                return cls
        callback = getattr(callback, "__wrapped__", None)
    return None


def _route(pattern: Any) -> str:
    # A readable route: path() routes as written, regexes without their anchors,
    # i18n_patterns' prefix as the current language's ("en/").
    return str(pattern).lstrip("^").rstrip("$").replace("\\", "")


def walk_urlconf(
    entries: Iterable[URLPattern | URLResolver] | None = None, prefix: str = "/"
) -> Iterator[tuple[str, URLPattern | URLResolver]]:
    """Every entry of the URLconf with its route, depth first, in the order Django
    tries them: each include, then the patterns inside it."""
    if entries is None:
        entries = get_resolver().url_patterns
    for entry in entries:
        route = prefix + _route(entry.pattern)
        yield route, entry
        if isinstance(entry, URLResolver):
            yield from walk_urlconf(entry.url_patterns, route)


def resolve_reversed(name: str) -> tuple[str, ResolverMatch | None] | None:
    """The path ``name`` reverses to and the match Django serves there (None when the
    path does not resolve), or None when ``name`` does not reverse at all."""
    try:
        path = reverse(name)
    except NoReverseMatch:
        return None
    try:
        return path, resolve(path)
    except Resolver404:
        return path, None


def is_wagtail_serve(match: ResolverMatch) -> bool:
    """Whether ``match`` is Wagtail's catch-all page serving."""
    return match.url_name == WAGTAIL_SERVE_URL_NAME


def describe_view(match: ResolverMatch) -> str:
    """The view answering ``match``, as a dotted path a developer can find."""
    view: Any = view_class(match.func) or match.func
    name = getattr(view, "__qualname__", None) or type(view).__qualname__
    return f"{getattr(view, '__module__', '?')}.{name}"


def behind_catch_all(path: str, what: str, include: str) -> checks.Error:
    """The error for a plugin URL that Wagtail's page serving answers instead."""
    return checks.Error(
        f"{what} at {path} is never reached: Wagtail's page serving "
        f"({WAGTAIL_INCLUDE}) comes first in your URLconf and answers it.",
        hint=f"Move {include} above {WAGTAIL_INCLUDE}, which must stay last.",
        id="wagtail_network.E012",
    )


def _has_url_conf() -> bool:
    # As Django's own URL check: a settings module without a URLconf has nothing to check.
    return bool(getattr(settings, "ROOT_URLCONF", None))


@checks.register(checks.Tags.urls)
def check_url_wiring(app_configs=None, **kwargs):
    """Errors for the app's URLs missing or unreachable, and for a page API that
    would serve profiles past the network's rules."""
    if not _has_url_conf():
        return []
    return [*_check_app_urls(), *_check_page_api()]


def _check_app_urls() -> list[checks.CheckMessage]:
    found = resolve_reversed("wagtail_network:account")
    if found is None:
        return [
            checks.Error(
                "The network's own URLs are not included: 'wagtail_network:account' "
                "does not reverse.",
                hint=f"Add {APP_INCLUDE} to your URLconf, before {WAGTAIL_INCLUDE}: the "
                "member's account page (API tokens, data export, deletion) and the "
                "export downloads that exportMyData links to live there.",
                id="wagtail_network.E013",
            )
        ]
    path, match = found
    if match is None or "wagtail_network" in match.app_names:
        return []
    if is_wagtail_serve(match):
        return [behind_catch_all(path, "The member's account page", APP_INCLUDE)]
    return [
        checks.Error(
            f"The member's account page at {path} is answered by {describe_view(match)}, "
            "listed earlier in your URLconf.",
            hint=f"Move {APP_INCLUDE} above that pattern, or include it under a prefix.",
            id="wagtail_network.E010",
        )
    ]


def _check_page_api() -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        from wagtail.admin.api.views import PagesAdminAPIViewSet
        from wagtail.api.v2.views import PagesAPIViewSet

        from .api import NetworkPagesAPIViewSet
    except ImportError:
        # Without Django REST framework no v2 endpoint can be mounted.
        PagesAPIViewSet = None
    # The admin's explorer API is a PagesAPIViewSet too, served to admin users only
    # (wagtail.admin.urls requires admin access), as the admin explorer is.
    allowed = (NetworkPagesAPIViewSet, PagesAdminAPIViewSet) if PagesAPIViewSet else ()
    stock: dict[type, str] = {}
    v3_route = None
    for route, entry in walk_urlconf():
        if isinstance(entry, URLResolver):
            if entry.namespace == WAGTAIL_API_V3_NAMESPACE and v3_route is None:
                v3_route = route
            continue
        cls = view_class(entry.callback)
        if (
            PagesAPIViewSet is not None
            and cls is not None
            and issubclass(cls, PagesAPIViewSet)
            and not issubclass(cls, allowed)
        ):
            # One error per endpoint class, named by its first (listing) route.
            stock.setdefault(cls, route)
    for cls, route in stock.items():
        errors.append(
            checks.Error(
                f"Wagtail's page API at {route} is served by "
                f"{cls.__module__}.{cls.__qualname__}, which serves every live page to "
                "anyone: members-only and connections-only profiles included.",
                hint="Register the network's endpoint instead: api_router.register_endpoint("
                '"pages", NetworkPagesAPIViewSet), from wagtail_network.api (or derive '
                "your own endpoint class from it).",
                id="wagtail_network.E011",
            )
        )
    if v3_route is not None:
        errors.append(
            checks.Error(
                f"Wagtail's v3 API is mounted at {v3_route}: its pages endpoint serves "
                "every live page to anonymous visitors, members-only and "
                "connections-only profiles included.",
                hint="Remove it from your URLconf; serve Wagtail's v2 page API with "
                "wagtail_network.api.NetworkPagesAPIViewSet as its pages endpoint instead.",
                id="wagtail_network.E014",
            )
        )
    return errors
