"""Fixtures of the navigators' side: records in OIC's and United Way's queues, uploads, support."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from participants import services
from participants.models import BudgetLine, Participant
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32

RACE_LABEL = "Black or African American"
BARRIER_TEXT = "Eviction notice this month"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded receipts land in a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def record(participant, oic) -> Participant:
    """The participant's record: intake done with sensitive answers, in OIC's queue (no navigator)."""
    record = factories.participant_record(participant, organization=oic)
    record.phone = "305-555-0142"
    record.zip_code = "33127"
    record.race = "black"
    record.barrier_childcare = True
    record.barrier_other = BARRIER_TEXT
    record.date_of_birth = date(1994, 5, 17)
    record.save()
    return record


@pytest.fixture
def assigned(record, navigator) -> Participant:
    """The same record, in ``navigator``'s caseload."""
    record.navigator = navigator.navigator
    record.save(update_fields=["navigator"])
    return record


@pytest.fixture
def other_record(other_participant, united_way) -> Participant:
    """Someone in United Way Miami's queue."""
    return factories.participant_record(other_participant, organization=united_way)


@pytest.fixture
def colleague(oic):
    """A second navigator of OIC of South Florida: the second person who approves."""
    return factories.navigator_user(organization=oic)


@pytest.fixture
def transportation(db) -> BudgetLine:
    return BudgetLine.objects.get(code="transportation")


@pytest.fixture
def childcare(db) -> BudgetLine:
    return BudgetLine.objects.get(code="childcare")


@pytest.fixture
def brainstation_enrollment(record, brainstation):
    """The record enrolled in a BrainStation cohort: BrainStation's staff may now see the person."""
    cohort = factories.cohort(program=factories.program(provider=brainstation, name="Data Analytics"))
    return factories.enrollment(participant=record, cohort=cohort)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def log_support(transportation):
    """Log support through the service: ``log_support(record, by, "2.25")``."""

    def log(record, by, amount="2.25", *, type="bus_fare", budget_line=None, receipt=None, given_on=None):
        return services.support_item_log(
            participant=record,
            by=by,
            type=type,
            amount=Decimal(amount),
            given_on=given_on or timezone.localdate(),
            budget_line=budget_line or transportation,
            receipt=receipt,
        )

    return log
