from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailNetworkConfig(AppConfig):
    name = "wagtail_network"
    label = "wagtail_network"
    verbose_name = _("Network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # System checks register on import; they read settings when run, not now.
        # A busy database answers 503, not 500: the receiver marks such requests
        # for DatabaseBusyMiddleware. Bookkeeping writes (a token's last use) run
        # after the response, outside any read's path. Profiles follow their
        # visibility in and out of Wagtail's shared search index, and into the
        # plugin's own (search.py): page models are all known by now.
        from . import bookkeeping, busy, checks, search  # noqa: F401

        busy.connect_signals()
        bookkeeping.connect_signals()
        search.connect_signals()
