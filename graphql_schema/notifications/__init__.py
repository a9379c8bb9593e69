"""Notifications over GraphQL: ``viewer.notifications``, ``viewer.notificationPreferences``
and the mutations that mark them read and change the preferences."""
