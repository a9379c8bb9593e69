"""The plugin's one URL module: ``path("", include("wagtail_network.urls"))``."""

app_name = "wagtail_network"

urlpatterns: list = []
