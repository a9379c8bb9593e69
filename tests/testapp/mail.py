"""An e-mail backend for the retry tests: Django's locmem backend that refuses the
first ``FAILURES`` messages with ``smtplib.SMTPException``, as a mail server that is
down would, then delivers to ``django.core.mail.outbox`` as usual.

Choose it with ``override_settings(**mail_settings(FLAKY))`` (``EMAIL_BACKEND`` before
Django 6.1, ``MAILERS`` from it: ``example_site.settings.base.mail_settings``) and
set the module's ``FAILURES`` (the ``flaky_mail`` fixture does both). Importing
it needs no installed app.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends import locmem

FLAKY = "tests.testapp.mail.FlakyEmailBackend"
#: How many more messages to refuse.
FAILURES = 0
#: Every message refused so far (subjects), for assertions.
REFUSED: list[str] = []


class FlakyEmailBackend(locmem.EmailBackend):
    def send_messages(self, messages: Any) -> int:
        global FAILURES
        if FAILURES > 0:
            FAILURES -= 1
            REFUSED.extend(m.subject for m in messages)
            raise smtplib.SMTPException("421 Service not available (test backend)")
        return super().send_messages(messages)
