"""System checks: name anything missing from the host site's configuration."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

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
    return errors


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
    for key in (
        "INVITATION_CAP",
        "WITHDRAWAL_COOLDOWN_DAYS",
        "GRAPHQL_MAX_COST",
        "TRUSTED_PROXY_COUNT",
    ):
        value = raw.get(key, 1)
        if not isinstance(value, int) or value < 0:
            errors.append(
                checks.Error(
                    f"WAGTAIL_NETWORK[{key!r}] must be a non-negative integer.",
                    id="wagtail_network.E007",
                )
            )
    return errors
