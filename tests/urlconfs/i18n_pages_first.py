"""Wagtail's page serving first inside i18n_patterns: /en/network/account/ and
/en/graphql/ are Wagtail pages."""

from django.conf.urls.i18n import i18n_patterns

from tests.urlconfs import app, endpoint, pages

urlpatterns = i18n_patterns(pages(), app(), endpoint())
