"""Two roll-ups at the same moment store one snapshot with the figures of a single run (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import OutcomeSnapshot
from outcomes.rollup import outcomes_compute
from tests import factories
from tests.placements.placement_factories import placement_judged
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_roll_ups_store_one_snapshot_with_the_same_figures(brainstation):
    require_postgres()
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    for status in ("enrolled", "completed", "withdrawn"):
        person = factories.participant_record()
        factories.enrollment(participant=person, cohort=cohort, status=status)
        placement_judged(participant=person)
    OutcomeSnapshot.objects.all().delete()  # saving the placements rolled up (inline): start afresh
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(outcome_services.outcomes_rollup().data)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    snapshot = OutcomeSnapshot.objects.get()
    assert snapshot.run_count == 2
    expected = outcomes_compute(
        timezone.localdate(), targets={"trained": 1000, "placed_good_jobs": 500}, grant_end_date=None
    )
    assert results == [expected, expected]
    assert snapshot.data == expected
    assert (expected["enrolled"], expected["trained"], expected["placed_good_jobs"]) == (3, 1, 3)
