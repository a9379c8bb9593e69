"""A host whose URLs lack the network's join page (``wagtail_network:edit_profile``):
the links to it are left out, never a NoReverseMatch."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.urlconfs import endpoint, pages
from wagtail_network import urls as network_urls

patterns = [
    pattern
    for pattern in network_urls.urlpatterns
    if getattr(pattern, "name", None) != "edit_profile"
]

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((patterns, network_urls.app_name))),
    endpoint(),
    pages(),
]
