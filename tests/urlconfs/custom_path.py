"""The endpoint at WAGTAIL_NETWORK["GRAPHQL_PATH"]: built when this module is
imported, as every URLconf is (the test imports it under the setting it tests).
The site's sign-in and language URLs are here for the example site's templates."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from graphql_schema.urls import endpoint_urls
from tests.urlconfs import app, pages

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    app(),
    path("", include(endpoint_urls())),
    pages(),
]
