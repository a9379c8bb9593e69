"""The example site's URLconf, with stand-ins for the notification pages an e-mail
links to (the notifications list, the preferences, the one-click unsubscribe) where
``wagtail_network.urls`` does not name them yet: the delivery tests check the links'
origin and headers, not those views. Where the plugin has the real pages, they are
used as they are."""

from django.http import HttpResponse
from django.urls import URLPattern, include, path

from example_site import urls as site_urls
from wagtail_network import urls as network_urls

STAND_INS = {
    "notifications": "network/notifications/",
    "notification_preferences": "network/notifications/preferences/",
    "unsubscribe": "network/notifications/unsubscribe/<str:token>/",
}


def stand_in(request, **kwargs):
    return HttpResponse("stand-in")


_named = {p.name for p in network_urls.urlpatterns if isinstance(p, URLPattern)}
_network = [
    *network_urls.urlpatterns,
    *(path(route, stand_in, name=name) for name, route in STAND_INS.items() if name not in _named),
]

urlpatterns = [
    path("", include((_network, "wagtail_network"))),
    *(
        entry
        for entry in site_urls.urlpatterns
        if getattr(entry, "namespace", None) != "wagtail_network"
    ),
]
