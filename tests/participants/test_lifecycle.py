"""A participant's lifecycle: deactivated at once, anonymized after the grant's record-keeping period."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from employers import services as employer_services
from mtw_portal import access
from mtw_portal.core.models import GrantSettings
from mtw_portal.core.tables import Quarter
from mtw_portal.notifications.models import Notification
from outcomes import services as outcome_services
from outcomes.models import OutcomeSnapshot, OutcomeTables
from outcomes.stored import report_scope
from participants import services
from participants.models import BudgetLine, Participant, SupportItem
from programs.selectors import cohort_roster
from reports import services as report_services
from reports.models import FunderReport
from reports.quarterly import funder_report_data
from tests import factories
from tests.employers.conftest import opportunity_fields, pdf_upload
from tests.participants.conftest import PNG

FIRST, LAST = "Zephyrine", "Quillbottom"
EMAIL = "zephyrine.quill@example.org"
PHONE = "305-555-0199"
DOB = date(1971, 3, 9)
NOTE = "Zephyrine told me about her landlord"


def _lifecycle(pk: int) -> str:
    return reverse("participants:lifecycle", args=[pk])


@pytest.fixture
def person(oic, navigator):
    user = factories.participant_user(first_name=FIRST, last_name=LAST, email=EMAIL)
    record = factories.participant_record(user, organization=oic)
    record.phone, record.date_of_birth, record.zip_code = PHONE, DOB, "33127"
    record.race, record.gender = "black", "woman"
    record.barrier_other = f"{FIRST} needs a laptop"
    record.navigator = navigator.navigator
    record.save()
    return record


@pytest.fixture
def grant_ended_long_ago(settings):
    """A grant that ended more than the record-keeping period ago."""
    settings.MTW_RECORD_RETENTION_YEARS = 3
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": date(2020, 6, 30)})


@pytest.fixture
def deactivated(person, grant_staff):
    return services.participant_deactivate(participant=person, by=grant_staff, reason="Moved away")


# --- Deactivation ------------------------------------------------------------------------


def test_grant_staff_deactivate_with_a_reason_and_the_person_can_no_longer_sign_in(
    client, grant_staff, person
):
    client.force_login(grant_staff)
    response = client.post(_lifecycle(person.pk), {"action": "deactivate", "reason": "Asked to leave"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.deactivated_at is not None
    assert person.deactivation_reason == "Asked to leave"
    assert person.deactivated_by == grant_staff
    assert person.user.is_active is False


def test_an_open_session_of_the_person_is_refused_on_its_next_request(client, grant_staff, person):
    client.force_login(person.user)
    assert client.get(reverse("participants:home")).status_code == 200
    assert Session.objects.count() == 1
    services.participant_deactivate(participant=person, by=grant_staff, reason="Asked to leave")
    assert Session.objects.count() == 0
    response = client.get(reverse("participants:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivation_ends_the_sessions_even_while_the_account_still_works(grant_staff, person, client):
    """The sessions are deleted, not only refused because the account is inactive."""
    client.force_login(person.user)
    services.user_sessions_end(user=person.user)
    assert client.get(reverse("participants:home")).status_code == 302


def test_deactivation_without_a_reason_is_refused_on_the_field(client, grant_staff, person):
    client.force_login(grant_staff)
    response = client.post(_lifecycle(person.pk), {"action": "deactivate", "reason": "  "})
    assert response.status_code == 200
    assert response.context["deactivate_form"].errors["reason"]
    person.refresh_from_db()
    assert person.deactivated_at is None


def test_the_service_refuses_an_empty_reason(grant_staff, person):
    with pytest.raises(ValidationError):
        services.participant_deactivate(participant=person, by=grant_staff, reason=" ")


def test_a_navigator_cannot_deactivate(navigator, person, client):
    with pytest.raises(ValidationError):
        services.participant_deactivate(participant=person, by=navigator, reason="No")
    client.force_login(navigator)
    assert client.get(_lifecycle(person.pk)).status_code == 403
    person.refresh_from_db()
    assert person.deactivated_at is None


def test_the_participant_page_links_grant_staff_to_deactivation(client, grant_staff, navigator, person):
    detail = reverse("participants:detail", args=[person.pk])
    client.force_login(grant_staff)
    assert _lifecycle(person.pk) in client.get(detail).content.decode()
    client.force_login(navigator)
    assert _lifecycle(person.pk) not in client.get(detail).content.decode()


def test_deactivated_people_drop_out_of_caseloads_and_queues(client, navigator, grant_staff, deactivated):
    client.force_login(navigator)
    for tab in ("mine", "queue", "all"):
        page = client.get(reverse("participants:caseload"), {"tab": tab}).content.decode()
        assert LAST not in page, tab
    client.force_login(grant_staff)
    assert LAST in client.get(reverse("participants:caseload"), {"tab": "all"}).content.decode()
    assert LAST not in client.get(reverse("participants:caseload"), {"tab": "queue"}).content.decode()


def test_deactivated_people_drop_out_of_partners_lists(person, grant_staff, brainstation, employer):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    factories.enrollment(participant=person, cohort=cohort, status="active")
    opportunity = employer_services.opportunity_save(
        employer=employer, by=None, skills=[], **opportunity_fields()
    )
    opportunity = employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    employer_services.application_create(participant=person, opportunity=opportunity)
    from employers import selectors as employer_selectors

    assert cohort_roster(cohort=cohort).count() == 1
    assert employer_selectors.applicants(opportunity=opportunity).count() == 1
    services.participant_deactivate(participant=person, by=grant_staff, reason="Moved away")
    assert cohort_roster(cohort=cohort).count() == 0
    assert employer_selectors.applicants(opportunity=opportunity).count() == 0
    assert employer_selectors.pending_applicants(employer=employer).count() == 0
    member = factories.employer_user(employer=employer)
    assert employer_selectors.application_list_for(user=member).count() == 0
    assert employer_selectors.application_list_for(user=grant_staff).count() == 1


def test_partners_cannot_open_a_deactivated_persons_record_by_its_address(
    client, person, grant_staff, navigator, brainstation, provider_member, employer, employer_member
):
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    enrollment = factories.enrollment(participant=person, cohort=cohort, status="active")
    opportunity = employer_services.opportunity_save(
        employer=employer, by=None, skills=[], **opportunity_fields()
    )
    opportunity = employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    application = employer_services.application_create(participant=person, opportunity=opportunity)
    detail = reverse("participants:detail", args=[person.pk])
    client.force_login(provider_member)
    assert client.get(detail).status_code == 200
    assert access.applications_visible_to(employer_member).filter(pk=application.pk).exists()
    assert access.participants_visible_to(employer_member).filter(pk=person.pk).exists()
    services.participant_deactivate(participant=person, by=grant_staff, reason="Moved away")
    client.force_login(provider_member)
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("programs:enrollment_action", args=[enrollment.pk, "complete"])).status_code == 404
    )
    client.force_login(employer_member)
    assert not access.applications_visible_to(employer_member).filter(pk=application.pk).exists()
    assert not access.participants_visible_to(employer_member).filter(pk=person.pk).exists()
    for keeper in (navigator, grant_staff):  # the person's own organization's navigator, grant staff
        client.force_login(keeper)
        assert client.get(detail).status_code == 200


def test_the_lifecycle_page_is_in_the_read_trail(client, grant_staff, person):
    from mtw_portal.audit.models import ReadEvent

    client.force_login(grant_staff)
    assert LAST in client.get(_lifecycle(person.pk)).content.decode()
    event = ReadEvent.objects.get(url_name="participants:lifecycle")
    assert (event.user_id, event.participant_ids) == (grant_staff.pk, f",{person.pk},")


def test_grant_staff_reactivate(client, grant_staff, deactivated):
    client.force_login(grant_staff)
    client.post(_lifecycle(deactivated.pk), {"action": "reactivate"})
    deactivated.refresh_from_db()
    assert deactivated.deactivated_at is None
    assert deactivated.user.is_active is True


# --- Anonymization: when ------------------------------------------------------------------


def test_anonymizing_before_the_record_keeping_period_ends_is_refused_with_the_date(
    client, grant_staff, deactivated, settings
):
    settings.MTW_RECORD_RETENTION_YEARS = 3
    end = timezone.localdate() - timedelta(days=30)
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": end})
    with pytest.raises(ValidationError, match="3 years after the grant ends"):
        services.participant_anonymize(participant=deactivated, by=grant_staff)
    client.force_login(grant_staff)
    page = client.get(_lifecycle(deactivated.pk)).content.decode()
    assert "anonymize-not-yet" in page
    assert str(end.year + 3) in page
    client.post(_lifecycle(deactivated.pk), {"action": "anonymize", "confirm": "on"})
    deactivated.refresh_from_db()
    assert deactivated.anonymized_at is None
    assert deactivated.user.last_name == LAST


def test_anonymizing_is_possible_the_day_after_the_period_ends(deactivated, grant_staff, settings):
    settings.MTW_RECORD_RETENTION_YEARS = 3
    today = timezone.localdate()
    end = today.replace(year=today.year - 3) - timedelta(days=1)
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": end})
    assert services.anonymization_possible_from() == today
    services.participant_anonymize(participant=deactivated, by=grant_staff)
    GrantSettings.objects.update(grant_end_date=end + timedelta(days=1))
    assert services.anonymization_possible_from() == today + timedelta(days=1)
    deactivated.refresh_from_db()
    assert services.participant_anonymize_refusal(deactivated) == ""  # already anonymized


def test_anonymizing_without_a_grant_end_date_is_refused(deactivated, grant_staff):
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": None})
    with pytest.raises(ValidationError, match="end date is not set"):
        services.participant_anonymize(participant=deactivated, by=grant_staff)


def test_an_active_participant_cannot_be_anonymized(person, grant_staff, grant_ended_long_ago):
    with pytest.raises(ValidationError, match="Deactivate"):
        services.participant_anonymize(participant=person, by=grant_staff)


def test_a_navigator_cannot_anonymize(deactivated, navigator, grant_ended_long_ago):
    with pytest.raises(ValidationError):
        services.participant_anonymize(participant=deactivated, by=navigator)
    deactivated.refresh_from_db()
    assert deactivated.anonymized_at is None


# --- Anonymization: what goes, what stays --------------------------------------------------


@pytest.fixture
def full_record(person, navigator, grant_staff, brainstation, employer, settings, tmp_path):
    """Everything the portal can hold about the person, in last quarter and the one before."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    draft = Quarter.of(today).previous()
    submitted = draft.previous()
    cohort = factories.cohort(
        program=factories.program(provider=brainstation), start_date=submitted.start, end_date=draft.end
    )
    enrollment = factories.enrollment(
        participant=person,
        cohort=cohort,
        status="completed",
        enrolled_on=submitted.start,
        end_date=draft.end - timedelta(days=5),
        note=f"{FIRST} is doing well",
    )
    enrollment.events.create(
        from_status="active", to_status="completed", note=f"{LAST} done", actor=grant_staff
    )
    opportunity = employer_services.opportunity_save(
        employer=employer, by=None, skills=[], **opportunity_fields()
    )
    opportunity = employer_services.opportunity_set_state(opportunity=opportunity, by=None, action="open")
    application = employer_services.application_create(
        participant=person, opportunity=opportunity, note=f"Hi, I am {FIRST} {LAST}", resume=pdf_upload()
    )
    placement = factories.placement_row(
        participant=person,
        employer=employer,
        start_date=draft.start + timedelta(days=3),
        hourly_wage=Decimal("24.00"),
        application=application,
    )
    placement.retention_checks.create(days=90, due_on=draft.end, note=f"Called {PHONE}")
    budget = BudgetLine.objects.create(code="transport", name="Transportation")
    item = services.support_item_log(
        participant=person,
        by=navigator,
        type="bus_fare",
        amount=Decimal("40.00"),
        given_on=draft.start + timedelta(days=1),
        budget_line=budget,
        description=f"Bus pass for {FIRST}",
        receipt=SimpleUploadedFile("receipt.png", PNG, content_type="image/png"),
    )
    services.support_request_create(participant=person, type="daycare", details=f"{FIRST} needs daycare")
    services.case_note_add(participant=person, author=navigator, body=NOTE)
    LogEntry.objects.create(
        user=grant_staff,
        content_type=ContentType.objects.get_for_model(person.user),
        object_id=str(person.user.pk),
        object_repr=f"{FIRST} {LAST}",
        action_flag=CHANGE,
        change_message="[]",
    )
    outcome_services.outcomes_rollup()  # stores the draft the report page shows, then submitted as shown
    shown = OutcomeTables.objects.get(scope=report_scope(submitted))
    report_services.funder_report_submit(
        quarter=submitted, by=grant_staff, shown=report_services.draft_stamp(shown)
    )
    outcome_services.outcomes_rollup()
    person.refresh_from_db()
    return {
        "draft": draft,
        "files": [item.receipt.path, application.resume.path],
        "placement": placement,
    }


def _text_values(obj, field) -> str:
    value = getattr(obj, field.attname)
    return json.dumps(value, default=str) if isinstance(field, models.JSONField) else str(value or "")


def _where_the_person_remains(person_user_pk: int) -> list[str]:
    """Every text, JSON and date field of every model, searched for the former identity."""
    needles = [FIRST.lower(), LAST.lower(), EMAIL.lower(), PHONE, DOB.isoformat()]
    found = []
    for model in apps.get_models():
        if model is FunderReport:  # submitted reports stay as submitted (README)
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.DateField)
        ]
        if not fields:
            continue
        for obj in model._default_manager.all():
            for field in fields:
                if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                    if getattr(obj, field.attname) == DOB:
                        found.append(f"{model._meta.label}.{field.name}")
                    continue
                text = _text_values(obj, field).lower()
                found += [f"{model._meta.label}.{field.name}: {n}" for n in needles if n.lower() in text]
    return found


def _report_totals(data: dict) -> dict:
    """A draft's figures: every table but the participant list, and the list's length."""
    tables = {t["key"]: t for t in data["tables"]}
    figures = {key: t["rows"] for key, t in tables.items() if key != "participants"}
    return {"figures": figures, "people": len(tables["participants"]["rows"])}


def test_anonymization_leaves_no_trace_of_the_person_but_every_count(
    full_record, deactivated, grant_staff, grant_ended_long_ago, django_capture_on_commit_callbacks
):
    assert _where_the_person_remains(deactivated.user.pk)  # the scan finds them before
    snapshot_before = OutcomeSnapshot.objects.get().data
    draft_before = funder_report_data(full_record["draft"])
    submitted_before = FunderReport.objects.get().data
    for path in full_record["files"]:
        assert Path(path).read_bytes()

    # Inbox items about the person (a navigator's "new request", an employer's "new applicant").
    assert Notification.objects.filter(about=deactivated.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_anonymize(participant=deactivated, by=grant_staff)

    assert _where_the_person_remains(deactivated.user.pk) == []
    assert not Notification.objects.filter(Q(about=deactivated.user) | Q(recipient=deactivated.user)).exists()
    # Files are gone from storage.
    for path in full_record["files"]:
        assert not Path(path).exists()
    assert not SupportItem.objects.filter(participant=deactivated).exclude(receipt="").exists()
    # Counts stay: the stored snapshot, a snapshot computed again, the draft report.
    assert OutcomeSnapshot.objects.get().data == snapshot_before
    again = outcome_services.outcomes_rollup().data
    for key in ("trained", "placed", "placed_good_jobs", "wraparound", "by_provider", "median_hourly_wage"):
        if key in snapshot_before:
            assert again[key] == snapshot_before[key], key
    draft_after = funder_report_data(full_record["draft"])
    assert _report_totals(draft_after) == _report_totals(draft_before)
    rows = next(t for t in draft_after["tables"] if t["key"] == "participants")["rows"]
    assert any("Anonymized participant" in json.dumps(row) for row in rows)
    # The submitted report is left as submitted.
    assert FunderReport.objects.get().data == submitted_before
    assert LAST in json.dumps(submitted_before)
    # The placement, its wage, the support item and its amount are kept.
    placement = full_record["placement"]
    placement.refresh_from_db()
    assert placement.hourly_wage == Decimal("24.00")
    assert SupportItem.objects.get(participant=deactivated).amount == Decimal("40.00")
    record = Participant.objects.select_related("user").get(pk=deactivated.pk)
    assert record.race == "black"  # demographics are kept, without identity (README)
    assert record.user.email.endswith("@anonymized.invalid")
    assert not record.user.has_usable_password()
    assert record.user.is_active is False


def test_anonymizing_twice_changes_nothing(deactivated, grant_staff, grant_ended_long_ago):
    first = services.participant_anonymize(participant=deactivated, by=grant_staff)
    second = services.participant_anonymize(participant=deactivated, by=grant_staff)
    assert second.anonymized_at == first.anonymized_at
    assert second.user.email == first.user.email


def test_an_anonymized_participant_cannot_be_reactivated(deactivated, grant_staff, grant_ended_long_ago):
    services.participant_anonymize(participant=deactivated, by=grant_staff)
    with pytest.raises(ValidationError):
        services.participant_reactivate(participant=deactivated, by=grant_staff)


def test_grant_staff_anonymize_from_the_page_once_the_period_is_over(
    client, grant_staff, deactivated, grant_ended_long_ago
):
    client.force_login(grant_staff)
    response = client.post(_lifecycle(deactivated.pk), {"action": "anonymize"})
    assert response.context["anonymize_form"].errors["confirm"]  # the box must be ticked
    client.post(_lifecycle(deactivated.pk), {"action": "anonymize", "confirm": "on"})
    deactivated.refresh_from_db()
    assert deactivated.anonymized_at is not None
    assert LAST not in client.get(_lifecycle(deactivated.pk)).content.decode()


def test_the_command_lists_then_anonymizes_those_eligible(
    person, deactivated, other_participant, grant_ended_long_ago, capsys
):
    still_active = factories.participant_record(other_participant)
    call_command("anonymize_participants")
    out = capsys.readouterr().out
    assert f"#{deactivated.pk}" in out
    assert f"#{still_active.pk}" not in out
    deactivated.refresh_from_db()
    assert deactivated.anonymized_at is None  # listing only
    call_command("anonymize_participants", "--anonymize")
    deactivated.refresh_from_db()
    still_active.refresh_from_db()
    assert deactivated.anonymized_at is not None
    assert still_active.anonymized_at is None


def test_the_command_lists_nobody_before_the_period_ends(deactivated, capsys):
    GrantSettings.objects.update_or_create(pk=1, defaults={"grant_end_date": timezone.localdate()})
    call_command("anonymize_participants", "--anonymize")
    assert "can be anonymized from" in capsys.readouterr().out
    deactivated.refresh_from_db()
    assert deactivated.anonymized_at is None
