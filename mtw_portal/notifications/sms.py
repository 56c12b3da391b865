"""Text messages: one small interface, chosen by ``settings.MTW_SMS_BACKEND`` (a dotted path).

- ``ConsoleSMSBackend`` (the default): writes the message to the log, sends nothing.
- ``TwilioSMSBackend``: Twilio's REST API over ``urllib``, with the account's SID, token and sending
  number from the settings (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM_NUMBER``).
  Its ``transport`` can be replaced (the tests record the request; nothing leaves the machine).
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger("mtw_portal.sms")


class SMSError(Exception):
    """The provider refused the message or could not be reached (the task tries again)."""


class BaseSMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Logs the message (the demo and development): nothing is sent."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)
        print(f"SMS to {to}: {body}", flush=True)  # noqa: T201 - the console is this backend's outbox


def _urlopen(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https only, below
        return response.status, response.read()


Transport = Callable[[urllib.request.Request, float], tuple[int, bytes]]


class TwilioSMSBackend(BaseSMSBackend):
    API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def __init__(
        self, *, transport: Transport | None = None, account_sid=None, auth_token=None, from_number=None
    ):
        self.account_sid = account_sid or settings.TWILIO_ACCOUNT_SID
        self.auth_token = auth_token or settings.TWILIO_AUTH_TOKEN
        self.from_number = from_number or settings.TWILIO_FROM_NUMBER
        if not (self.account_sid and self.auth_token and self.from_number):
            raise ImproperlyConfigured(
                "TwilioSMSBackend needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER."
            )
        self.transport = transport or _urlopen

    def send(self, *, to: str, body: str) -> None:
        url = self.API.format(sid=urllib.parse.quote(self.account_sid, safe=""))
        data = urllib.parse.urlencode({"To": to, "From": self.from_number, "Body": body}).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - a fixed https address
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            status, content = self.transport(request, 10.0)
        except OSError as error:  # urllib's HTTPError and URLError are OSErrors
            raise SMSError(f"Twilio unreachable or refused ({type(error).__name__})") from error
        if status >= 300:
            try:
                code = json.loads(content or b"{}").get("code")
            except ValueError:
                code = None
            raise SMSError(f"Twilio answered {status} (code {code})")


def sms_backend() -> BaseSMSBackend:
    return import_string(settings.MTW_SMS_BACKEND)()


def sms_number(user) -> str:
    """The mobile number to text ``user`` at: a participant who gave one and opted in; else ""."""
    participant = getattr(user, "participant", None)  # the reverse one-to-one, if any
    if participant is None or not participant.sms_opt_in:
        return ""
    return e164(participant.phone)


def e164(phone: str) -> str:
    """A phone number as providers want it: "305-555-0100" -> "+13055550100" (US numbers by default);
    "" for one that cannot be texted."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        # E.164: a country code and a number, at most 15 digits (fewer than 8 is no mobile number).
        return "+" + digits if 8 <= len(digits) <= 15 else ""
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return ""
