"""The figures may have changed: how a domain write says so without importing the figures.

Every write that changes an outcome figure (an enrollment, a completion, a placement, a retention
check, the grant's targets...) calls :func:`outcomes_changed`. It imports no app: it only sends
:data:`figures_changed`, which the ``outcomes`` app listens to (``outcomes/apps.py``) to request a
roll-up once the write is committed. So the domain apps sit below ``outcomes`` and never import it.
"""

from django.dispatch import Signal

# Sent with sender=None. Receivers must be cheap: they run inside the writer's transaction.
figures_changed = Signal()


def outcomes_changed() -> None:
    """Say that the outcome figures may have changed (the outcomes app requests a roll-up)."""
    figures_changed.send(sender=None)
