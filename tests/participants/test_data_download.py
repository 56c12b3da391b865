"""The participant's data download: a ZIP of every field, note and file held about them."""

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers import services as employer_services
from mtw_portal.notifications.models import Kind
from mtw_portal.notifications.services import notify
from participants import data_download, services
from participants.models import BudgetLine, Participant
from tests import factories
from tests.employers.conftest import PDF, opportunity_fields, pdf_upload
from tests.participants.conftest import PNG

NOTE = "Talked about the bus pass and the interview on Friday"


def _download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("participants:profile_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _rows(person, navigator, employer, brainstation, n: int = 1):
    """``n`` rows of each kind about ``person``, files included."""
    budget, _ = BudgetLine.objects.get_or_create(code="transport", defaults={"name": "Transportation"})
    opportunity = employer_services.opportunity_save(
        employer=employer, by=None, skills=[], **opportunity_fields()
    )
    opportunity = employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    for i in range(n):
        program = factories.program(provider=brainstation, name=f"Program {person.pk}-{i}")
        cohort = factories.cohort(program=program)
        enrollment = factories.enrollment(participant=person, cohort=cohort, status="completed")
        enrollment.events.create(from_status="active", to_status="completed", actor=navigator)
        person.credentials.create(
            type="certificate", name=f"Cert {i}", issuer="BrainStation", awarded_on=date(2026, 1, 1)
        )
        placement = factories.placement_row(
            participant=person, employer=employer, start_date=date(2026, 1, 5) + timedelta(days=i)
        )
        placement.retention_checks.create(days=90, due_on=date(2026, 4, 5))
        services.support_item_log(
            participant=person,
            by=navigator,
            type="bus_fare",
            amount=Decimal("20.00"),
            given_on=timezone.localdate(),
            budget_line=budget,
            receipt=SimpleUploadedFile(f"r{i}.png", PNG, content_type="image/png"),
        )
        services.support_request_create(participant=person, type="daycare", details=f"Daycare {i}")
        services.case_note_add(participant=person, author=navigator, body=f"{NOTE} {i}")
    employer_services.application_create(participant=person, opportunity=opportunity, resume=pdf_upload())
    mentor = factories.employer_user(employer=employer)
    offer = employer_services.mentor_offer_save(member=mentor.employer_member, topics="Careers", capacity=5)
    employer_services.mentor_match(offer=offer, participant=person, by=navigator)


@pytest.fixture
def person(participant, oic):
    return factories.participant_record(participant, organization=oic)


def test_the_download_lists_every_model_that_points_to_a_participant(
    client, participant, person, navigator, employer, brainstation
):
    _rows(person, navigator, employer, brainstation)
    archive = _download(client, participant)
    data = json.loads(archive.read("data.json"))
    pointing = {rel.related_model._meta.label for rel in Participant._meta.related_objects}
    assert pointing <= set(data["records"])  # a model added later cannot be forgotten
    for label in pointing:
        assert data["records"][label], label  # and each has its row
    # One level further: an enrollment's history, a placement's retention checks; the account's rows.
    assert {"programs.EnrollmentEvent", "placements.RetentionCheck", "accounts.RoleChange"} <= set(
        data["records"]
    )
    assert data["account"]["email"] == participant.email
    assert "password" not in data["account"]
    assert "link_nonce" not in data["records"]["placements.RetentionCheck"][0]


def test_the_download_has_every_case_note_and_the_name_of_its_author(
    client, participant, person, navigator, employer, brainstation
):
    _rows(person, navigator, employer, brainstation)
    data = json.loads(_download(client, participant).read("data.json"))
    notes = data["records"]["participants.CaseNote"]
    assert notes[0]["body"] == f"{NOTE} 0"
    assert notes[0]["author_name"] == navigator.display_name


def test_the_download_has_the_receipts_and_resumes_under_files(
    client, participant, person, navigator, employer, brainstation
):
    _rows(person, navigator, employer, brainstation)
    archive = _download(client, participant)
    files = [name for name in archive.namelist() if name.startswith("files/")]
    receipts = [name for name in files if name.startswith("files/receipts/")]
    resumes = [name for name in files if name.startswith("files/resumes/")]
    assert len(receipts) == 1 and archive.read(receipts[0]) == PNG
    assert len(resumes) == 1 and archive.read(resumes[0]) == PDF
    data = json.loads(archive.read("data.json"))
    assert "files/" + data["records"]["participants.SupportItem"][0]["receipt"] == receipts[0]


def test_the_download_costs_the_same_queries_for_one_row_or_many(
    participant, other_participant, oic, navigator, employer, brainstation
):
    one = factories.participant_record(participant, organization=oic)
    many = factories.participant_record(other_participant, organization=oic)
    _rows(one, navigator, employer, brainstation, n=1)
    _rows(many, navigator, employer, brainstation, n=4)
    counts = []
    for person in (one, many):
        person = Participant.objects.select_related("user", "organization").get(pk=person.pk)
        with CaptureQueriesContext(connection) as queries:
            data_download.participant_data_zip(participant=person)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_someone_elses_rows_are_not_in_the_download(
    client, participant, other_participant, person, oic, navigator, employer, brainstation
):
    other = factories.participant_record(other_participant, organization=oic)
    services.case_note_add(participant=other, author=navigator, body="About someone else")
    data = _download(client, participant).read("data.json").decode()
    assert "About someone else" not in data
    assert other_participant.email not in data


def test_the_download_has_the_persons_own_notifications_and_not_other_inboxes(
    client, participant, person, navigator
):
    notify(recipient=participant, kind=Kind.PROGRAM_ADMITTED, key="mine", context={})
    notify(
        recipient=navigator,
        kind=Kind.QUEUE_NEW_PERSON,
        key="theirs",
        context={"name": "X"},
        about=participant,
    )
    data = json.loads(_download(client, participant).read("data.json"))
    inbox = data["records"]["notifications.Notification"]
    assert [row["key"] for row in inbox] == ["mine"]
    assert inbox[0]["recipient"] == participant.pk and inbox[0]["subject"]
