"""Blank out secrets in text bound for a log: link tokens in paths and URL passwords.

No Django import, so that gunicorn's access log (gunicorn.conf.py) can use it too.
"""

import re

REDACTED = "********************"

_URL_PASSWORD = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@", re.I
)
# Paths that carry a secret: /invite/<token>/, /employers/retention/confirm/<token>/,
# /accounts/password/reset/key/<key>/, /accounts/confirm-email/<key>/.
_PATH_TOKEN = re.compile(
    r"(?P<prefix>/(?:invite|retention/confirm|password/reset/key|confirm-email)/)(?P<token>[^/\s?\"']+)"
)


def redact(text: str) -> str:
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)
    return _PATH_TOKEN.sub(lambda m: f"{m['prefix']}{REDACTED}", text)
