"""The plugin's one URL module: ``path("", include("wagtail_network.urls"))``.

Include it before Wagtail's own catch-all page serving.
"""

from django.urls import path

from graphql_schema.views import NetworkGraphQLView

from . import views

app_name = "wagtail_network"

urlpatterns: list = [
    # The GraphQL endpoint; its view decides authentication, CSRF and GraphiQL.
    path("graphql/", NetworkGraphQLView.as_view(), name="graphql"),
    # The member's own account: API tokens, data export, deletion.
    path("network/account/", views.account, name="account"),
    path(
        "network/account/export/<str:token>/",
        views.export_download,
        name="export_download",
    ),
]
