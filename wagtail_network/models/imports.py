"""A CSV file uploaded to the admin's import, kept between its preview and its
confirmation.

The file lives in the database, not on one app server's disk nor in the session,
so that the preview and the confirmation may be answered by different servers.
Rows expire by themselves (setting ``IMPORT_UPLOAD_MAX_AGE``): an expired upload
can no longer be previewed or confirmed, and expired rows are deleted whenever a
new file is uploaded (:meth:`ImportUploadQuerySet.expired`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import get_setting


class ImportUploadQuerySet(models.QuerySet):
    @staticmethod
    def cutoff():
        """Uploads created before this moment have expired."""
        return timezone.now() - timedelta(seconds=int(get_setting("IMPORT_UPLOAD_MAX_AGE")))

    def expired(self) -> ImportUploadQuerySet:
        return self.filter(created_at__lt=self.cutoff())

    def current(self) -> ImportUploadQuerySet:
        return self.filter(created_at__gte=self.cutoff())


class ImportUpload(models.Model):
    """One uploaded CSV file, its text decoded, until it is imported or expires.

    Once confirmed, the text is dropped and ``result`` keeps what the import did,
    so that a second confirmation (a double click, the back button) imports
    nothing and shows the result again.
    """

    class Kind(models.TextChoices):
        COMPANIES = "companies", _("companies")
        MEMBERS = "members", _("members")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSV import upload")
        verbose_name_plural = _("CSV import uploads")

    def __str__(self) -> str:
        return self.filename or str(self.pk)

    @property
    def expired(self) -> bool:
        return self.created_at < ImportUploadQuerySet.cutoff()
