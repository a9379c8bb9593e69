"""The right order under i18n_patterns: every URL gets a language prefix."""

from django.conf.urls.i18n import i18n_patterns

from tests.urlconfs import app, endpoint, pages

urlpatterns = i18n_patterns(app(), endpoint(), pages())
