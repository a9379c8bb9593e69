import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from example_site import signup
from wagtail_network.api import NetworkPagesAPIViewSet

# Wagtail's page API, with member and company pages obeying the network's rules
# (Wagtail's own endpoint would serve every live profile to anyone).
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", NetworkPagesAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    # Lists only what an anonymous visitor may see (MemberPage.get_sitemap_urls).
    path("sitemap.xml", sitemap),
    # The site's own sign-in for members, separate from the Wagtail admin's login.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A newcomer's way in: a site account, then the network's join page.
    path("accounts/signup/", signup.signup, name="signup"),
    # The language switcher in the footer posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    # The plugin's two URL modules (the member's account views; the GraphQL
    # endpoint) go before Wagtail's catch-all page serving.
    path("", include("wagtail_network.urls")),
    path("", include("graphql_schema.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "SERVE_MEDIA", False):
    # The demo (settings/demo.py) runs with DEBUG off and no web server in front:
    # Django serves the uploaded images itself (static files come from whitenoise).
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(
            r"^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [
    # Anything not matched above is a Wagtail page; this must stay last.
    path("", include(wagtail_urls)),
]

# Error pages that never read the request body again (see example_site/views.py).
handler400 = "example_site.views.bad_request"
handler404 = "example_site.views.page_not_found"
handler500 = "example_site.views.server_error"
