"""The one settings dict of the plugin, ``settings.WAGTAIL_NETWORK``.

Values are read at call time through :func:`get_setting`, never frozen at import,
so ``override_settings(WAGTAIL_NETWORK={...})`` works in tests and in host sites.
Every key is optional; missing keys take the defaults below.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from django.conf import settings


class RateLimit(TypedDict):
    #: Most actions of the kind a member may take within ``window``.
    count: int
    #: The window, in seconds, counted back from now.
    window: int


#: The kinds of action :data:`NetworkSettings.RATE_LIMITS` limits.
RATE_LIMIT_KINDS = ("invitations", "recommendations", "reports")


class NetworkSettings(TypedDict, total=False):
    #: Maximum number of open (pending) invitations a member may have sent.
    INVITATION_CAP: int
    #: Days an inviter waits after withdrawing before inviting the same member again.
    WITHDRAWAL_COOLDOWN_DAYS: int
    #: New endorsements wait for a moderator when True.
    ENDORSEMENT_MODERATION: bool
    #: Accepted recommendations also wait for a moderator when True.
    RECOMMENDATION_MODERATION: bool
    #: Profiles created by members go live at once when True, else wait for an editor.
    NEW_PROFILES_LIVE: bool
    #: The member directory (a MemberIndexPage, by slug or id) under which new
    #: profiles are placed: members joining the network, and the admin's CSV import.
    #: ``None``: the first live MemberIndexPage.
    MEMBER_DIRECTORY: str | int | None
    #: What a skill a member names that the vocabulary does not hold becomes:
    #: "suggest" (a suggestion editors accept or reject in the admin; the member's
    #: profile lists it once accepted) or "create" (a new skill, listed at once).
    NEW_SKILLS: Literal["suggest", "create"]
    #: Profile visibility given to new profiles: "public", "members" or "connections".
    DEFAULT_PROFILE_VISIBILITY: str
    #: Per sensitive field ("email", "phone", "connections", "positions") the default
    #: audience: "public", "members", "connections" or "only_me".
    DEFAULT_FIELD_VISIBILITY: dict[str, str]
    #: Per field, an audience members cannot change (the site's lock); overrides choices.
    LOCKED_FIELD_VISIBILITY: dict[str, str]
    #: Profile visibility members cannot change (None: members choose).
    LOCKED_PROFILE_VISIBILITY: str | None
    #: Image rendition specs clients may ask for (anything else is refused).
    RENDITION_SPECS: list[str]
    #: Page size of the directory pages.
    DIRECTORY_PAGE_SIZE: int
    #: GraphQL protection.
    GRAPHQL_MAX_DEPTH: int
    GRAPHQL_MAX_ALIASES: int
    GRAPHQL_MAX_TOKENS: int
    GRAPHQL_MAX_COST: int
    GRAPHQL_COST_PER_MINUTE: int
    #: True (everyone), False (no one) or "staff" (active staff users only).
    GRAPHQL_INTROSPECTION: bool | Literal["staff"]
    #: Who gets GraphiQL at the endpoint: ``None`` (everyone in DEBUG, else active
    #: staff), ``True`` (everyone: a demo), ``False`` (no one).
    GRAPHIQL: bool | None
    GRAPHQL_FIELD_SUGGESTIONS: bool
    #: Which documents run: "any" (every valid document), "trusted" (only those
    #: registered with ``register_graphql_documents``) or "trusted_except_staff"
    #: (active staff users may also run others, e.g. from GraphiQL).
    GRAPHQL_DOCUMENTS: Literal["any", "trusted", "trusted_except_staff"]
    #: Apollo's automatic persisted queries (in "any" mode): a client sends a
    #: document's sha256 and the text only the first time.
    GRAPHQL_APQ: bool
    #: Seconds a document registered through APQ is kept (refreshed by each use).
    GRAPHQL_APQ_TIMEOUT: int
    #: The alias in Django's ``CACHES`` that holds APQ and trusted documents and
    #: cached responses (Redis in production, shared by every app server).
    GRAPHQL_CACHE: str
    #: Keep anonymous answers in ``GRAPHQL_CACHE`` (exact invalidation: any write
    #: to a table an answer may read makes them unreachable).
    GRAPHQL_RESPONSE_CACHE: bool
    #: Seconds a cached answer is kept at most.
    GRAPHQL_RESPONSE_CACHE_TIMEOUT: int
    #: The GraphQL endpoint's path inside ``include("graphql_schema.urls")`` (a
    #: Django ``path()`` route, no leading slash). Read when the URLconf is loaded:
    #: a change needs a restart, as any URL change does.
    GRAPHQL_PATH: str
    #: Seconds a client is asked to wait (``Retry-After``) when the database was
    #: too busy to answer (HTTP 503, GraphQL code ``BUSY``).
    BUSY_RETRY_AFTER: int
    #: Reverse proxies in front of the app that append the client's address to
    #: X-Forwarded-For; 0 trusts no such header (REMOTE_ADDR is the client).
    TRUSTED_PROXY_COUNT: int
    #: Seconds a data-export download link stays valid.
    EXPORT_LINK_MAX_AGE: int
    #: deleteMyAccount deactivates the host site's user and blanks its personal
    #: fields when True; when False only the network data goes and the host site
    #: acts on the ``member_account_deleted`` signal itself.
    ACCOUNT_DELETION_DEACTIVATES_USER: bool
    #: Seconds an uploaded CSV file waits between the import's preview and its
    #: confirmation; older uploads can no longer be confirmed and are deleted.
    IMPORT_UPLOAD_MAX_AGE: int
    #: Per member and kind ("invitations", "recommendations", "reports"): at most
    #: ``count`` actions within the last ``window`` seconds, else ``RATE_LIMITED``.
    #: Kinds left out keep their default; ``None`` switches a kind's limit off.
    RATE_LIMITS: dict[str, RateLimit | None]
    #: Notifications (:class:`NotificationOptions`); keys left out keep their default.
    NOTIFICATIONS: NotificationOptions
    #: "People you may know" (:class:`SuggestionOptions`); keys left out keep their default.
    SUGGESTIONS: SuggestionOptions


class NotificationOptions(TypedDict, total=False):
    #: Per notification kind, the channel of a member who chose none: "in_app",
    #: "email" (at once), "digest" (daily) or "off". Kinds left out keep the kind's
    #: own default (docs/concepts/notifications.md lists them).
    DEFAULT_CHANNELS: dict[str, str]
    #: Read notifications older than this many days are deleted by
    #: ``prune_notifications``; ``None`` keeps them.
    PRUNE_READ_AFTER_DAYS: int | None
    #: A failed e-mail is tried this many times in all, then marked failed and logged.
    EMAIL_MAX_ATTEMPTS: int
    #: Seconds before the first retry of a failed e-mail; each later one waits twice as long.
    EMAIL_RETRY_DELAY: int
    #: The alias in Django's ``TASKS`` setting the e-mail tasks are enqueued on.
    TASK_BACKEND: str
    #: The sender of the network's e-mails; ``None``: ``DEFAULT_FROM_EMAIL``.
    FROM_EMAIL: str | None


class SuggestionOptions(TypedDict, total=False):
    #: Seconds a member's precomputed candidate pool (who is *considered* for
    #: "people you may know") counts as fresh. Older pools are still served while a
    #: background task recomputes them. Exclusions, visibility, counts, reasons and
    #: ranking are always computed at serve time, whatever this says; the pool of a
    #: member is dropped at once by any change they make or are party to.
    FRESH_FOR: int
    #: Seconds after ``FRESH_FOR`` that a stale pool may still be served while its
    #: refresh waits in the queue; past ``FRESH_FOR + STALE_FOR`` it has left the
    #: cache and is recomputed in the request. 0: a stale pool is never served.
    STALE_FOR: int
    #: The alias in Django's ``CACHES`` the pools are kept in (Redis in production).
    CACHE: str
    #: The alias in Django's ``TASKS`` setting the refresh tasks are enqueued on.
    TASK_BACKEND: str


DAY = 24 * 60 * 60

DEFAULTS: NetworkSettings = {
    "INVITATION_CAP": 100,
    "WITHDRAWAL_COOLDOWN_DAYS": 21,
    "ENDORSEMENT_MODERATION": False,
    "RECOMMENDATION_MODERATION": False,
    "NEW_PROFILES_LIVE": True,
    "MEMBER_DIRECTORY": None,
    "NEW_SKILLS": "suggest",
    "DEFAULT_PROFILE_VISIBILITY": "public",
    "DEFAULT_FIELD_VISIBILITY": {
        "email": "members",
        "phone": "connections",
        "connections": "members",
        "positions": "public",
    },
    "LOCKED_FIELD_VISIBILITY": {},
    "LOCKED_PROFILE_VISIBILITY": None,
    "RENDITION_SPECS": [
        "fill-64x64",
        "fill-128x128",
        "fill-256x256",
        "max-800x400",
        "fill-1200x300",
    ],
    "DIRECTORY_PAGE_SIZE": 20,
    "GRAPHQL_MAX_DEPTH": 10,
    "GRAPHQL_MAX_ALIASES": 15,
    "GRAPHQL_MAX_TOKENS": 2000,
    "GRAPHQL_MAX_COST": 25000,
    "GRAPHQL_COST_PER_MINUTE": 250000,
    "GRAPHQL_INTROSPECTION": True,
    "GRAPHIQL": None,
    "GRAPHQL_FIELD_SUGGESTIONS": True,
    "GRAPHQL_DOCUMENTS": "any",
    "GRAPHQL_APQ": True,
    "GRAPHQL_APQ_TIMEOUT": 7 * DAY,
    "GRAPHQL_CACHE": "default",
    "GRAPHQL_RESPONSE_CACHE": True,
    "GRAPHQL_RESPONSE_CACHE_TIMEOUT": 600,
    "GRAPHQL_PATH": "graphql/",
    "BUSY_RETRY_AFTER": 2,
    "TRUSTED_PROXY_COUNT": 0,
    "EXPORT_LINK_MAX_AGE": 3600,
    "ACCOUNT_DELETION_DEACTIVATES_USER": True,
    "IMPORT_UPLOAD_MAX_AGE": 3600,
    # A day's window: what a person does in a busy day (an event, a team's
    # recommendations, a spam wave to report) passes, a script does not.
    "RATE_LIMITS": {
        "invitations": {"count": 50, "window": DAY},
        "recommendations": {"count": 10, "window": DAY},
        "reports": {"count": 20, "window": DAY},
    },
    "NOTIFICATIONS": {
        "DEFAULT_CHANNELS": {},
        "PRUNE_READ_AFTER_DAYS": 90,
        "EMAIL_MAX_ATTEMPTS": 5,
        "EMAIL_RETRY_DELAY": 60,
        "TASK_BACKEND": "default",
        "FROM_EMAIL": None,
    },
    "SUGGESTIONS": {
        "FRESH_FOR": 3600,
        "STALE_FOR": 3600,
        "CACHE": "default",
        "TASK_BACKEND": "default",
    },
}


def get_settings() -> NetworkSettings:
    """The effective settings: defaults overlaid with ``settings.WAGTAIL_NETWORK``."""
    merged: dict[str, Any] = dict(DEFAULTS)
    merged.update(getattr(settings, "WAGTAIL_NETWORK", None) or {})
    return merged  # type: ignore[return-value]


def rate_limit(kind: str) -> RateLimit | None:
    """The limit of one kind of action (:data:`RATE_LIMIT_KINDS`), read now: the
    site's own entry for the kind, else the default; ``None`` when switched off."""
    site = getattr(settings, "WAGTAIL_NETWORK", None) or {}
    limits = site.get("RATE_LIMITS") or {}
    if kind in limits:
        return limits[kind]
    return DEFAULTS["RATE_LIMITS"][kind]


def notification_setting(name: str) -> Any:
    """One key of ``WAGTAIL_NETWORK["NOTIFICATIONS"]``, read now: the site's own
    value, else the default (a site setting only some keys keeps the others)."""
    site = (getattr(settings, "WAGTAIL_NETWORK", None) or {}).get("NOTIFICATIONS") or {}
    if name in site:
        return site[name]
    return DEFAULTS["NOTIFICATIONS"][name]  # type: ignore[literal-required]


def suggestion_setting(name: str) -> Any:
    """One key of ``WAGTAIL_NETWORK["SUGGESTIONS"]``, read now: the site's own
    value, else the default."""
    site = (getattr(settings, "WAGTAIL_NETWORK", None) or {}).get("SUGGESTIONS") or {}
    if name in site:
        return site[name]
    return DEFAULTS["SUGGESTIONS"][name]  # type: ignore[literal-required]


def get_setting(name: str) -> Any:
    """One value of ``WAGTAIL_NETWORK``, read now."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown WAGTAIL_NETWORK setting {name!r}")
    return get_settings()[name]  # type: ignore[literal-required]
