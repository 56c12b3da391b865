"""Background jobs over many rows: one failing row is logged and skipped, never blocking the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger("mtw_portal.batch")


def each_isolated(ids: Iterable[int], work: Callable[[int], bool], *, what: str) -> int:
    """Run ``work(id)`` for each id; count the ``True`` results.

    An exception from one id is logged with the id and the exception's class only (its message may
    hold a name or an address) and the run goes on with the next id.
    """
    done = 0
    for pk in ids:
        try:
            done += bool(work(pk))
        except Exception as error:  # noqa: BLE001 - one bad row must not stop the job
            logger.error("%s %s failed (%s); skipped in this run", what, pk, type(error).__name__)
    return done
