"""Secrets never reach a log line or an error report.

- ``ExceptionReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER_FILTER``): Django's safe filter, and
  also, in every view whether or not it was decorated, any POST field, local variable, dict key
  or request header whose name looks secret (password, token, key, code, ...), and the password
  inside any ``scheme://user:password@host`` URL (DATABASE_URL, the broker, the cache).
- ``RedactSecretsFilter`` (on the log handlers): the tokens in link paths (invitations,
  retention-check links, allauth's password-reset and email-confirmation keys) and any
  URL password, in every log message.
"""

from __future__ import annotations

import logging
import re

from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

from mtw_portal.redaction import redact

# Names of fields, variables and headers whose values are secrets.
_SECRET_NAME = re.compile(
    r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CODE|OTP|CREDENTIAL|SESSION", re.I
)


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = _SECRET_NAME

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return redact(cleansed)
        return cleansed

    def _cleanse_multivaluedict(self, multivaluedict):
        cleansed = multivaluedict.copy()
        for name in cleansed:
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleanse_multivaluedict(super().get_cleansed_multivaluedict(request, multivaluedict))

    def get_post_parameters(self, request):
        post = super().get_post_parameters(request)
        return self._cleanse_multivaluedict(post) if isinstance(post, MultiValueDict) else post

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleanse_setting(name, value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class RedactSecretsFilter(logging.Filter):
    """Rewrite each record's message with the link tokens and URL passwords blanked out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
