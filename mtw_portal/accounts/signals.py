"""Signals of accounts: how a role reaches the apps that keep its membership.

accounts sits below the domain apps and never imports their services. When a role is granted,
each domain app makes the user's membership of its own kind match it, in the same transaction:
participants (a navigator's organization; a participant's record), programs (a provider's staff)
and employers (an employer's members). Their receivers are connected in their AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by ``services.user_role_grant`` with sender=User and the keyword arguments ``user`` (the
# locked row), ``role`` (a ``Role``) and ``organization`` (None for a role without one). A receiver
# raises ValidationError to refuse, which rolls the whole grant back.
role_granted = Signal()
