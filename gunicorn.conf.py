"""gunicorn reads ./gunicorn.conf.py at start: its access log never shows link tokens.

Invitation and retention-check links carry their secret in the path, which the access log
would otherwise print for every click.
"""

from gunicorn.glogging import Logger

from mtw_portal.redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = RedactingLogger
