"""Signals the plugin sends, and receivers keeping derived state in step."""

from django.dispatch import Signal

#: Sent by ``deleteMyAccount`` after a member's network data is erased.
#: ``user`` is the host site's account; the host site decides what happens to it.
member_account_deleted = Signal()
