"""The GraphQL API's one table: the documents registered for trusted-documents mode."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustedDocument(models.Model):
    """A GraphQL document a frontend may run when ``GRAPHQL_DOCUMENTS`` is ``"trusted"``.

    Registered by ``manage.py register_graphql_documents`` from ``.graphql`` files or
    a Relay or Apollo persisted-query manifest; a client runs it by sending its
    ``document_id`` (or its full text). Nothing else runs in that mode.
    """

    #: What clients send: the sha256 of the text (Apollo, ``.graphql`` files) or
    #: the id a manifest gives it (Relay's are md5 by default).
    document_id = models.CharField(_("document id"), max_length=200, unique=True)
    #: sha256 of ``body``: a client that sends the text itself is matched on it.
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    body = models.TextField(_("document"))
    operation_names = models.CharField(_("operations"), max_length=500, blank=True)
    #: The static cost at registration, with every connection at its largest page
    #: (variables unknown): the most a request with this document can cost.
    cost = models.PositiveIntegerField(_("worst-case cost"))
    source = models.CharField(_("registered from"), max_length=500, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted GraphQL document")
        verbose_name_plural = _("trusted GraphQL documents")
        ordering = ("document_id",)

    def __str__(self) -> str:
        return f"{self.operation_names or '(anonymous)'} [{self.document_id[:16]}]"
