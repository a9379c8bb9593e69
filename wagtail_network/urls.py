"""The app's URL module: ``path("", include("wagtail_network.urls"))``.

Include it before Wagtail's own catch-all page serving. The GraphQL endpoint has
its own URL module, ``graphql_schema.urls``, included next to this one.
"""

from django.urls import path, register_converter

from . import my_network, notification_views, profile_editor, site_actions, views
from .limits import IdConverter

# An id in a URL has at most 18 digits: a longer number (which no 64-bit primary key
# holds) is no match, a 404, instead of an OverflowError from the database driver.
register_converter(IdConverter, "network_id")

app_name = "wagtail_network"

urlpatterns: list = [
    # The member's network: invitations, connections, suggestions, follows, blocks.
    path("network/", my_network.my_network, name="my_network"),
    # The user's notifications and their settings (wagtail_network.notification_views).
    path("network/notifications/", notification_views.notification_list, name="notifications"),
    path(
        "network/notifications/read/",
        notification_views.mark_read,
        name="notifications_mark_read",
    ),
    path(
        "network/notifications/preferences/",
        notification_views.preferences,
        name="notification_preferences",
    ),
    # An e-mail's one-click unsubscribe link: no sign-in, the signed token decides.
    path(
        "network/notifications/unsubscribe/<str:token>/",
        notification_views.unsubscribe,
        name="unsubscribe",
    ),
    path(
        "network/notifications/<network_id:notification>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    # Joining the network and editing one's own profile (wagtail_network.profile_editor).
    path("network/profile/", profile_editor.edit_profile, name="edit_profile"),
    path("network/profile/row/<slug:kind>/", profile_editor.profile_row, name="profile_row"),
    path(
        "network/profile/view-as/<slug:audience>/",
        profile_editor.view_profile_as,
        name="view_profile_as",
    ),
    path("network/skills/", profile_editor.skill_options, name="skill_options"),
    # The member's own account: API tokens, data export, deletion.
    path("network/account/", views.account, name="account"),
    path(
        "network/account/export/<str:token>/",
        views.export_download,
        name="export_download",
    ),
    # Every action a member takes from the site's pages: one POST endpoint
    # (wagtail_network.site_actions.ACTIONS), each action one service call.
    path("network/act/<slug:action>/", site_actions.act, name="act"),
    path(
        "network/mutual/<network_id:member_id>/",
        site_actions.mutual_connections,
        name="mutual_connections",
    ),
    # A member's photo, served only to viewers who may see the profile
    # (wagtail_network.photos, docs/concepts/profile-photos.md).
    path(
        "network/photo/<network_id:member_id>/<network_id:image_id>/<str:spec>/",
        views.member_photo,
        name="member_photo",
    ),
]
