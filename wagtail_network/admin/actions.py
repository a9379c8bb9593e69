"""Bases of the admin actions that write: each runs one service-layer call.

A bulk action (:class:`ServiceBulkAction`) calls the service once per selected
item; a one-object action (:class:`ServiceActionView`) asks for confirmation and
calls it once. The service checks the permission, validates, writes in a
transaction and logs; an item it refuses (a typed :class:`NetworkError`) is
reported and nothing is written for it. An item already in the requested state
(approving what is live) is left alone by the service, which then writes no audit
entry (:func:`wagtail_network.services.recorded_changes`): it is not counted as
done, and the message says it was already so.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .. import services, visibility
from ..errors import NetworkError
from ..viewer import Viewer


class NetworkBulkAction(SnippetBulkAction):
    """A bulk action on one network model, confirmed on a page listing the items."""

    template_name = "wagtail_network/admin/bulk_confirm.html"
    #: Shown above the list of items on the confirmation page.
    question: str | Promise = ""
    button_label: str | Promise = _("Confirm")
    #: The message for items that were already in the requested state (``count``).
    unchanged_message: Any = ngettext_lazy(
        "%(count)d needed no change.", "%(count)d needed no change.", "count"
    )

    def user_may_act(self) -> bool:
        """Whether the user may use this action at all (checked before any item is
        read, so that nobody learns which items exist from the confirmation page)."""
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_act():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "action_title": self.display_name,
                "question": self.question,
                "button_label": self.button_label,
                "form_template": "wagtailadmin/bulk_actions/confirmation/form_with_fields.html",
            }
        )
        return context

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        """``num_parent_objects`` items changed; those already in the requested
        state (``self.unchanged``) are named apart, those refused in a warning."""
        failures = getattr(self, "failures", [])
        unchanged = len(getattr(self, "unchanged", []))
        message = ngettext(
            "%(count)d %(model)s done.", "%(count)d %(model)s done.", num_parent_objects
        ) % {
            "count": num_parent_objects,
            "model": (
                self.model._meta.verbose_name
                if num_parent_objects == 1
                else self.model._meta.verbose_name_plural
            ),
        }
        if failures:
            messages.warning(
                self.request,
                _("Skipped %(count)d: %(reasons)s")
                % {
                    "count": len(failures),
                    "reasons": "; ".join(f"{obj}: {error.message}" for obj, error in failures),
                },
            )
        if unchanged:
            already = self.unchanged_message % {"count": unchanged}
            return f"{message} {already}" if num_parent_objects else already
        return message


class ServiceBulkAction(NetworkBulkAction):
    """Runs one service-layer call per item; an item the service refuses (a typed
    :class:`NetworkError`) is skipped and reported, the others go through."""

    def user_may_act(self) -> bool:
        return visibility.can_moderate(Viewer.for_request(self.request))

    def check_perm(self, obj) -> bool:
        return visibility.can_moderate(Viewer.for_request(self.request))

    def call_service(self, user: Any, obj: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        action.failures = []
        action.unchanged = []
        done = 0
        # One viewer for the whole batch: its facts are looked up once, and each
        # service call refreshes it after its change.
        viewer = Viewer.for_request(action.request)
        for obj in objects:
            try:
                with services.recorded_changes() as changes, transaction.atomic():
                    action.call_service(viewer, obj)
            except NetworkError as error:
                action.failures.append((obj, error))
            else:
                if changes:
                    done += 1
                else:  # already in the requested state: nothing written
                    action.unchanged.append(obj)
        return done, 0


def offered_bulk_actions(request: Any, model: type[Model]) -> list[type[BulkAction]]:
    """The bulk actions registered for ``model`` that the request's user may use,
    in Wagtail's order.

    Wagtail's listing footer offers every registered action to everyone; the
    network's listings offer only these (``wagtailsnippets/snippets/wagtail_network/
    index.html``), so that no button leads to a refusal. An action answers for
    itself through :meth:`NetworkBulkAction.user_may_act`; a delete asks the
    model's permission policy for ``delete``; any other action (a host site's)
    is offered as Wagtail offers it.
    """
    meta = model._meta
    offered = []
    for action_class in bulk_action_registry.get_bulk_actions_for_model(
        meta.app_label, meta.model_name
    ):
        action = action_class(request, model)
        if isinstance(action, NetworkBulkAction):
            allowed = action.user_may_act()
        elif action.action_type == "delete":
            policy = policy_registry.get_by_type(model)
            allowed = policy.user_has_permission(request.user, "delete")
        else:
            allowed = True
        if allowed:
            offered.append(action_class)
    return sorted(offered, key=lambda action_class: action_class.action_priority)


class ServiceActionView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation, POST runs one service-layer call on one object.

    The object is looked up in ``get_queryset(user)`` (the user's scope): anything
    outside it answers 404, as a missing object does. A :class:`NetworkError` from
    the service becomes an error message; nothing is written then.
    """

    template_name = "wagtail_network/admin/confirm_action.html"
    header_icon = "check"
    #: ``(user) -> QuerySet`` of objects the action may be asked for.
    get_queryset: Any = None
    #: ``(user, obj) -> Any``: the service call.
    service: Any = None
    page_title: str | Promise = ""
    question: str | Promise = ""
    button_label: str | Promise = _("Confirm")
    success_message: str | Promise = ""
    #: Shown when the object was already in the requested state (nothing written).
    unchanged_message: str | Promise = ""
    index_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied
        self.object = type(self).get_queryset(request.user).filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "question": self.question,
                "button_label": self.button_label,
                "cancel_url": reverse(self.index_url_name),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            with services.recorded_changes() as changes, transaction.atomic():
                type(self).service(request.user, self.object)
        except NetworkError as error:
            messages.error(request, error.message)
        else:
            message = self.success_message if changes else self.unchanged_message
            messages.success(
                request, str(message or self.success_message) % {"object": self.object}
            )
        return HttpResponseRedirect(reverse(self.index_url_name))
