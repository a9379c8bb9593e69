"""graphql_schema is installed but its URLs are not included."""

from tests.urlconfs import app, pages

urlpatterns = [app(), pages()]
