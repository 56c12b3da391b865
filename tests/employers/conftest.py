"""Hiring fixtures: uploads go to a temporary folder; opportunities and applicants ready to use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from employers import services
from employers.models import EmployerMember
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name: str = "cv.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def opportunity_fields(**overrides) -> dict:
    """A good full-time job: $25 an hour, 40 hours, health benefits and a path to advance."""
    return {
        "kind": "full_time",
        "title": "Junior Developer",
        "description": "Build and keep up our web apps.",
        "location": "Doral",
        "hourly_wage": Decimal("25.00"),
        "hours_per_week": 40,
        "benefit_health": True,
        "advancement_path": "Developer II after a year, with a raise.",
        "deadline": timezone.localdate() + timedelta(days=30),
        **overrides,
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_opportunity():
    """``make_opportunity(employer, state="open", skills=[...], **fields)``, through the services."""

    def make(employer, *, state: str = "open", skills: list[str] | None = None, **fields):
        opportunity = services.opportunity_save(
            employer=employer, by=None, skills=skills or [], **opportunity_fields(**fields)
        )
        if state in ("open", "closed"):
            opportunity = services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
        if state == "closed":
            opportunity = services.opportunity_set_state(opportunity=opportunity, by=None, action="close")
        return opportunity

    return make


@pytest.fixture
def opportunity(employer, make_opportunity):
    return make_opportunity(employer)


@pytest.fixture
def applicant(participant, oic):
    """The participant's record: intake done, with OIC (the ``navigator``'s organization)."""
    return factories.participant_record(participant, organization=oic)


@pytest.fixture
def other_applicant(other_participant, united_way):
    return factories.participant_record(other_participant, organization=united_way)


@pytest.fixture
def application(applicant, opportunity):
    return services.application_create(
        participant=applicant, opportunity=opportunity, note="I build things.", resume=pdf_upload()
    )


@pytest.fixture
def employer_owner(employer_member):
    """``employer_member`` (a recruiter by default) made an owner."""
    EmployerMember.objects.filter(user=employer_member).update(role=EmployerMember.Role.OWNER)
    return employer_member
