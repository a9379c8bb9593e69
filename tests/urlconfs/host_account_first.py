"""A host view of its own at the account page's path, listed first."""

from django.http import HttpResponse
from django.urls import path

from tests.urlconfs import app, endpoint, pages


def host_account(request):
    return HttpResponse("the host's account page")


urlpatterns = [path("network/account/", host_account), app(), endpoint(), pages()]
