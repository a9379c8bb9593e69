"""Wagtail's v3 API mounted as its docs say: its pages endpoint lists every live page
to anonymous visitors."""

from django.urls import path
from wagtail.api.v3.urls import api

from tests.urlconfs import app, endpoint, pages

urlpatterns = [path("api/v3/", api.urls), app(), endpoint(), pages()]
