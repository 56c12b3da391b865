"""Two people enrolled into the last seat at the same moment: exactly one gets it (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs import services
from tests import factories
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_last_seat_goes_to_exactly_one_of_two_simultaneous_enrollments(brainstation, provider_member):
    require_postgres()
    cohort = factories.cohort(program=factories.program(provider=brainstation), seats=1)
    people = [factories.participant_record(), factories.participant_record()]
    barrier = threading.Barrier(2)
    outcomes = []

    def enroll(person):
        try:
            barrier.wait(timeout=10)
            services.enrollment_create(participant=person, cohort=cohort, by=provider_member)
            outcomes.append("enrolled")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=enroll, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["enrolled", "full"]
    assert cohort.enrollments.count() == 1
