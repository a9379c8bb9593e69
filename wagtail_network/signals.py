"""Signals the plugin sends, and receivers keeping derived state in step."""

from django.dispatch import Signal

#: Sent by ``deleteMyAccount`` (and an editor's erasure) after a member's network
#: data is erased, inside the same transaction (a failing receiver undoes the
#: erasure). Keyword arguments: ``user`` (the host site's account, or ``None`` for a
#: profile without one), ``member_id`` (the erased page's id, or ``None``) and
#: ``deactivated`` (whether the plugin deactivated and blanked the account, setting
#: ``ACCOUNT_DELETION_DEACTIVATES_USER``). The host site decides what else happens
#: to the account.
member_account_deleted = Signal()
