"""Wagtail's catch-all before the plugin's URLs: they are never reached."""

from tests.urlconfs import app, endpoint, pages

urlpatterns = [pages(), app(), endpoint()]
