"""What a session has proved, as allauth records it (``account_authentication_methods``)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def record_totp_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an authenticator app means typing a code from it: that session has passed
    the second factor, as if it had just logged in with it (allauth records only log-ins)."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
