"""The endpoint is included but the app's URLs (account page, export downloads) are not."""

from tests.urlconfs import endpoint, pages

urlpatterns = [endpoint(), pages()]
