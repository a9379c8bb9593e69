"""The notification e-mails in the admin: what was sent, what waits, what failed.

An operator's screen (superusers, or a group given the model's change
permission): every e-mail with its state, attempts and last error, filtered by
state and kind, and "Send again" for a failed one once the mail server is fixed.
Nothing here writes an e-mail of its own; sending goes through
:mod:`wagtail_network.notifications.delivery`.
"""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import EmailState, NotificationEmail
from ..notifications import all_kinds, delivery
from .actions import ServiceActionView
from .listings import row_button, state_column


def _kind_choices():
    return [(k.key, k.label) for k in all_kinds()] + [("digest", _("Daily digest"))]


class NotificationEmailFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (value, label)
            for value, label in EmailState.choices
            if value not in (EmailState.NONE, EmailState.DIGEST)
        ],
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=_kind_choices)

    class Meta:
        model = NotificationEmail
        fields = ["state", "kind"]


class NotificationEmailIndexView(ModelViewSet.index_view_class):
    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.state == EmailState.FAILED:
            buttons.append(
                row_button(
                    _("Send again"),
                    reverse("wagtail_network_notification_emails:send_again", args=[instance.pk]),
                    "mail",
                    10,
                )
            )
        return buttons


class SendAgainView(ServiceActionView):
    page_title = _("Send again")
    question = _("Send this failed e-mail again?")
    button_label = _("Yes, send it again")
    success_message = _("“%(object)s” will be sent again.")
    unchanged_message = _("“%(object)s” is not a failed e-mail.")
    index_url_name = "wagtail_network_notification_emails:index"
    index_label = _("Notification e-mails")

    @staticmethod
    def get_queryset(user):
        if not delivery.may_manage_emails(user):
            return NotificationEmail.objects.none()
        return NotificationEmail.objects.filter(state=EmailState.FAILED)

    @staticmethod
    def service(user, obj):
        return delivery.send_again(user, obj)


class NotificationEmailViewSet(ModelViewSet):
    model = NotificationEmail
    name = "wagtail_network_notification_emails"
    url_prefix = "network/notification-emails"
    icon = "mail"
    menu_label = _("Notification e-mails")
    menu_name = "network-notification-emails"
    index_view_class = NotificationEmailIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        "subject",
        "address",
        "kind",
        state_column(),
        "attempts",
        DateColumn("created_at", label=_("Created")),
        DateColumn("sent_at", label=_("Sent")),
    ]
    filterset_class = NotificationEmailFilterSet
    search_fields = ["subject", "address"]
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "subject",
        "address",
        "kind",
        "language",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(edit_url_name=None, delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("send-again/<int:pk>/", SendAgainView.as_view(), name="send_again"),
        ]

    def register_admin_url_finder(self):
        return None
