"""The work lists at 375 px: the staff queue with bulk assignment, the employer's retention checks,
the applicants' training and the provider's waiting applications; no serious axe-core violation,
no sideways scrolling of the page. Ticking people and assigning them works in Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from employers import services as employer_services
from employers.models import Application
from participants.models import Participant
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_navigator_pages import _serious
from tests.employers.conftest import opportunity_fields
from tests.placements.placement_factories import default_standard, placement_judged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def _check(page, portal, paths) -> dict:
    problems = {}
    for path in paths:
        page.goto(portal + path)
        found = _serious(page)
        if page.evaluate("document.documentElement.scrollWidth") > 375:
            found.append("the page scrolls sideways at 375 px")
        if found:
            problems[path] = found
    return problems


def test_staff_tick_people_in_the_queue_and_assign_them(page, portal, grant_staff, navigator, oic):
    people = [factories.participant_record(organization=oic) for _ in range(3)]
    log_in(page, portal, grant_staff)
    assert _check(page, portal, ["/participants/caseload/?tab=queue"]) == {}
    page.goto(portal + "/participants/caseload/?tab=queue")
    for record in people[:2]:
        page.locator(f"#bulk-{record.pk}").check()
    page.select_option("#id_navigator", str(navigator.navigator.pk))
    page.get_by_role("button", name="Assign the people ticked").click()
    page.wait_for_load_state()
    assert "2 people are now in the caseload of" in page.content()
    assigned = {p.pk: p.navigator_id for p in Participant.objects.filter(pk__in=[p.pk for p in people])}
    assert list(assigned.values()).count(navigator.navigator.pk) == 2


def test_the_employer_provider_and_applicant_work_lists_pass_axe(
    page, portal, employer, employer_member, provider_member, participant, oic, brainstation
):
    default_standard()
    worker = factories.participant_record(participant, organization=oic)
    Participant.objects.filter(pk=worker.pk).update(consent_to_share=True)
    placement_judged(participant=worker, employer=employer, start_date=TODAY - timedelta(days=100))
    cohort = factories.cohort(program=factories.program(provider=brainstation, name="Data Analytics"))
    factories.enrollment(participant=worker, cohort=cohort, status="completed")
    later = factories.cohort(program=factories.program(provider=brainstation, name="UX Design"))
    factories.enrollment(
        participant=factories.participant_record(), cohort=later, status="applied", origin="application"
    )
    opportunity = employer_services.opportunity_save(
        employer=employer, by=None, skills=[], **opportunity_fields()
    )
    opportunity = employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    Application.objects.create(opportunity=opportunity, participant=worker)
    log_in(page, portal, employer_member)
    assert (
        _check(
            page, portal, ["/employers/retention/", f"/employers/opportunities/{opportunity.pk}/applicants/"]
        )
        == {}
    )
    page.context.clear_cookies()
    log_in(page, portal, provider_member)
    assert _check(page, portal, ["/programs/provider/"]) == {}
