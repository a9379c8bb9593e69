"""The example site's URLs with the network's join page (``wagtail_network:edit_profile``)
certainly there: the plugin's own once it ships one, else a stand-in at the path the
plugin uses, so that tests of the links to it (not of the page) pass either way."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from example_site import signup
from tests.urlconfs import endpoint, pages
from wagtail_network import urls as network_urls

JOIN_PATH = "/network/profile/"


def stand_in(request):
    return HttpResponse("join page stand-in")


patterns = list(network_urls.urlpatterns)
if not any(getattr(pattern, "name", None) == "edit_profile" for pattern in patterns):
    patterns.append(path(JOIN_PATH.strip("/") + "/", stand_in, name="edit_profile"))

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", signup.signup, name="signup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((patterns, network_urls.app_name))),
    endpoint(),
    pages(),
]
