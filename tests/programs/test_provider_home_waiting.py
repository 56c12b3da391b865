"""The provider's home flags the applications waiting for its decision, with counts and links."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from tests import factories

HOME = reverse("programs:provider_home")


def applied(cohort, n: int = 1) -> list:
    return [
        factories.enrollment(
            participant=factories.participant_record(), cohort=cohort, status="applied", origin="application"
        )
        for _ in range(n)
    ]


def a_cohort(provider, name: str, days: int = 20):
    program = factories.program(provider=provider, name=name)
    return factories.cohort(program=program, start_date=timezone.localdate() + timedelta(days=days))


def test_the_home_counts_the_applications_waiting_and_links_to_each_cohorts(
    client, provider_member, brainstation, fourgeeks
):
    data = a_cohort(brainstation, "Data Analytics")
    ux = a_cohort(brainstation, "UX Design")
    elsewhere = a_cohort(fourgeeks, "Full Stack Developer")
    applied(data, 2)
    applied(ux, 1)
    applied(elsewhere, 4)
    factories.enrollment(participant=factories.participant_record(), cohort=data, status="enrolled")
    gone = applied(data)[0]  # a deactivated applicant is off the roster: not waiting
    Participant.objects.filter(pk=gone.participant_id).update(deactivated_at=timezone.now())
    client.force_login(provider_member)
    response = client.get(HOME)
    assert response.context["waiting_total"] == 3
    assert {c.pk: c.waiting for c in response.context["waiting"]} == {data.pk: 2, ux.pk: 1}
    page = response.content.decode()
    assert "3 applications wait for your decision" in page
    assert reverse("programs:cohort_roster", args=[data.pk]) + "?status=applied" in page
    assert reverse("programs:cohort_roster", args=[elsewhere.pk]) not in page


def test_nothing_waiting_shows_no_banner(client, provider_member, brainstation):
    a_cohort(brainstation, "Data Analytics")
    client.force_login(provider_member)
    response = client.get(HOME)
    assert response.context["waiting"] == []
    assert "wait for your decision" not in response.content.decode()


def test_grant_staff_see_every_providers_waiting_applications(client, grant_staff, brainstation, fourgeeks):
    applied(a_cohort(brainstation, "Data Analytics"))
    applied(a_cohort(fourgeeks, "Full Stack Developer"), 2)
    client.force_login(grant_staff)
    assert client.get(HOME).context["waiting_total"] == 3


def test_the_home_takes_the_same_queries_however_many_cohorts_wait(client, provider_member, brainstation):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    applied(a_cohort(brainstation, "Program 0"))
    client.force_login(provider_member)
    one = count()
    for i in range(1, 6):
        applied(a_cohort(brainstation, f"Program {i}"), 2)
    assert count() == one
