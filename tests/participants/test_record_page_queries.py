"""The record page a navigator opens reads in a fixed number of queries, however much it lists,
and looks the navigator's membership up once (``access`` keeps it on the request's user)."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants import services
from tests import factories

# The membership lookups of mtw_portal.access: one per role that belongs to an organization.
MEMBERSHIP_LOOKUP = re.compile(
    r'FROM "(participants_navigator|programs_providerstaff|employers_employermember)"'
    r'.*WHERE "\1"\."user_id" = ',
    re.DOTALL,
)


@pytest.fixture
def add_records(assigned, navigator, log_support, brainstation, employer):
    """``add_records(n)``: n more of everything the record page lists (notes, support, open
    requests up to the five a person may have, enrollments, completions, placements)."""
    program = factories.program(provider=brainstation, name="Data Analytics")
    days = iter(range(1000))

    def cohort():
        return factories.cohort(program=program, start_date=date(2023, 1, 1) + timedelta(days=next(days)))

    def add(n):
        for i in range(n):
            services.case_note_add(participant=assigned, author=navigator, body=f"Note {i}")
            log_support(assigned, navigator, "2.25")
            if assigned.support_requests.count() < 5:
                services.support_request_create(participant=assigned, type="technology", details=f"Ask {i}")
            factories.enrollment(participant=assigned, cohort=cohort())
            factories.enrollment(participant=assigned, cohort=cohort(), status="completed")
            start = date(2024, 1, 1) + timedelta(days=next(days))
            factories.placement_row(participant=assigned, employer=employer, start_date=start)

    return add


def _page_queries(client, record) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("participants:detail", args=[record.pk]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_record_page_takes_the_same_queries_with_1_or_20_of_each_record(
    client, navigator, assigned, add_records
):
    client.force_login(navigator)
    add_records(1)
    few = _page_queries(client, assigned)
    add_records(19)
    many = _page_queries(client, assigned)
    assert len(many) == len(few), "\n".join(many)


def test_the_record_page_looks_the_navigators_membership_up_once(client, navigator, assigned, add_records):
    add_records(1)
    client.force_login(navigator)
    lookups = [sql for sql in _page_queries(client, assigned) if MEMBERSHIP_LOOKUP.search(sql)]
    assert len(lookups) == 1, lookups
