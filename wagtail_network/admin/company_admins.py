"""The "Company admins" screens: list, grant and revoke company-admin rights.

Guardian grants do not show in Wagtail's Users and Groups screens, so these
screens list each company's grants and let editors grant and revoke them; both
go through :mod:`wagtail_network.services.roles`, which checks who may, and
writes the audit-log entry.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..errors import ErrorCode, NetworkError
from ..models import CompanyPage
from ..services import roles
from .screens import NetworkScreenView, NetworkScreenViewSet


class GrantCompanyAdminForm(forms.Form):
    user = forms.CharField(label=_("User"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        # A host model that signs in by e-mail has no username to offer.
        self.fields["user"].help_text = (
            _("E-mail address of an existing user.")
            if User.USERNAME_FIELD == User.get_email_field_name()
            else _("Username or e-mail address of an existing user.")
        )

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        User = get_user_model()
        lookup = Q(**{User.USERNAME_FIELD: value})
        if "@" in value:
            # The model's own e-mail field (EMAIL_FIELD), which need not be "email".
            lookup |= Q(**{f"{User.get_email_field_name()}__iexact": value})
        users = list(User._default_manager.filter(lookup, is_active=True)[:2])
        if len(users) != 1:
            raise forms.ValidationError(
                _("No single active user matches “%(value)s”."), params={"value": value}
            )
        return users[0]


class CompanyAdminsIndexView(NetworkScreenView):
    """Companies whose admins the user may manage, with their number of admins."""

    template_name = "wagtail_network/admin/company_admins_index.html"
    page_title = _("Company admins")
    header_icon = "group"
    paginate_by = 50
    allowed = staticmethod(roles.can_manage_company_admins)

    def get_context_data(self, **kwargs):
        from guardian.shortcuts import get_user_obj_perms_model

        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        companies = roles.companies_user_can_manage_admins_for(self.request.user)
        if query:
            companies = companies.filter(title__icontains=query)
        # One query for all admin counts on the page (object_pk is a text column).
        grants = get_user_obj_perms_model(CompanyPage).objects.filter(
            permission__codename=roles.COMPANY_ADMIN_CODENAME,
            permission__content_type__app_label=CompanyPage._meta.app_label,
        )
        page = Paginator(companies.order_by("title"), self.paginate_by).get_page(
            self.request.GET.get("p")
        )
        counts = dict(
            grants.filter(object_pk__in=[str(c.pk) for c in page.object_list])
            .values_list("object_pk")
            .annotate(n=Count("pk"))
        )
        context.update(
            {
                "page_obj": page,
                "companies": [(c, counts.get(str(c.pk), 0)) for c in page.object_list],
                "query": query,
            }
        )
        return context


class CompanyAdminsView(WagtailAdminTemplateMixin, TemplateView):
    """One company's admins: list, grant, revoke (POST), each in the audit log."""

    template_name = "wagtail_network/admin/company_admins.html"
    page_title = _("Company admins")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.company = get_object_or_404(CompanyPage, pk=kwargs["pk"])
        if not roles.can_manage_company_admins(request.user, self.company):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.company.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtail_network_company_admins:index"), "label": _("Company admins")},
            {"url": "", "label": self.company.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", GrantCompanyAdminForm())
        email_field = get_user_model().get_email_field_name()
        context.update(
            {
                "company": self.company,
                # (user, e-mail) read through the model's EMAIL_FIELD: a host's
                # user model need not call it "email".
                "admins": [
                    (admin, getattr(admin, email_field, "") or "")
                    for admin in roles.company_admins(self.company)
                ],
                "edit_url": reverse("wagtailadmin_pages:edit", args=[self.company.pk]),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            User = get_user_model()
            raw = request.POST.get("revoke", "")
            user = User._default_manager.filter(pk=raw).first() if raw.isdigit() else None
            try:
                if user is None:
                    raise NetworkError(
                        ErrorCode.NOT_FOUND, gettext("That user is not an admin of this company.")
                    )
                revoked = roles.revoke_company_admin(request.user, user, self.company)
            except NetworkError as error:
                messages.error(request, error.message)
            else:
                names = {"user": user.get_username(), "company": self.company.title}
                if revoked:
                    messages.success(
                        request,
                        gettext("%(user)s is no longer an admin of %(company)s.") % names,
                    )
                else:  # a second click: nothing to revoke, nothing logged
                    messages.success(
                        request, gettext("%(user)s is not an admin of %(company)s.") % names
                    )
            return HttpResponseRedirect(request.path)
        form = GrantCompanyAdminForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                granted = roles.grant_company_admin(request.user, user, self.company)
            except NetworkError as error:
                form.add_error("user", error.message)
            else:
                names = {"user": user.get_username(), "company": self.company.title}
                messages.success(
                    request,
                    (
                        gettext("%(user)s is now an admin of %(company)s.")
                        if granted
                        else gettext("%(user)s is already an admin of %(company)s.")
                    )
                    % names,
                )
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class CompanyAdminsViewSet(NetworkScreenViewSet):
    """The "Company admins" screens, in the Network menu for editors."""

    name = "wagtail_network_company_admins"
    icon = "group"
    menu_label = _("Company admins")
    menu_name = "network-company-admins"
    allowed = staticmethod(roles.can_manage_company_admins)

    def get_urlpatterns(self):
        return [
            path("", CompanyAdminsIndexView.as_view(), name="index"),
            path("<int:pk>/", CompanyAdminsView.as_view(), name="company"),
        ]
