"""Applications: applying (intake, once, open only, a PDF résumé), the pipeline's moves,
withdrawal, and who sees which applications and résumés."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from employers import selectors, services
from employers.models import Application, Opportunity
from tests import factories
from tests.employers.conftest import PDF, pdf_upload

# --- Applying --------------------------------------------------------------------------------


def test_a_participant_applies_with_a_note_and_a_resume(client, participant, applicant, opportunity):
    client.force_login(participant)
    response = client.post(
        reverse("employers:apply", args=[opportunity.pk]),
        {"note": "  I love data.  ", "resume": pdf_upload("My CV (final).pdf")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("employers:my_applications")
    application = Application.objects.get()
    assert (application.participant, application.opportunity) == (applicant, opportunity)
    assert application.state == "applied" and application.note == "I love data."
    assert application.resume.name.startswith(f"resumes/{applicant.pk}/")
    assert application.resume.name.endswith(".pdf") and "CV" not in application.resume.name
    with application.resume.open("rb") as stored:
        assert stored.read() == PDF


def test_the_resume_is_optional(applicant, opportunity):
    application = services.application_create(participant=applicant, opportunity=opportunity)
    assert not application.resume


def test_applying_needs_a_completed_intake(client, participant, opportunity):
    record = factories.participant_record(participant, intake=False)
    with pytest.raises(ValidationError, match="Complete your profile"):
        services.application_create(participant=record, opportunity=opportunity)
    client.force_login(participant)
    page = client.get(reverse("employers:apply", args=[opportunity.pk])).content.decode()
    assert reverse("participants:profile") in page
    assert not Application.objects.exists()


def test_a_second_application_to_the_same_opportunity_is_refused(client, participant, application):
    with pytest.raises(ValidationError, match="already applied"):
        services.application_create(participant=application.participant, opportunity=application.opportunity)
    client.force_login(participant)
    response = client.post(reverse("employers:apply", args=[application.opportunity_id]), {"note": "again"})
    assert response.status_code == 302
    assert Application.objects.count() == 1


def test_the_database_holds_one_application_per_person_and_opportunity(application):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(participant=application.participant, opportunity=application.opportunity)


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_only_open_opportunities_take_applications(
    client, participant, applicant, employer, make_opportunity, state
):
    shut = make_opportunity(employer, state=state)
    with pytest.raises(ValidationError, match="not taking applications"):
        services.application_create(participant=applicant, opportunity=shut)
    client.force_login(participant)
    assert client.post(reverse("employers:apply", args=[shut.pk]), {"note": "hi"}).status_code == 404
    assert not Application.objects.exists()


def test_an_opportunity_past_its_deadline_takes_no_applications(applicant, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="not taking applications"):
        services.application_create(participant=applicant, opportunity=opportunity)


def test_a_text_file_named_pdf_is_refused(client, participant, applicant, opportunity):
    fake = pdf_upload("resume.pdf", b"just some text, not a PDF")
    with pytest.raises(ValidationError) as exc_info:
        services.application_create(participant=applicant, opportunity=opportunity, resume=fake)
    assert "resume" in exc_info.value.message_dict
    client.force_login(participant)
    response = client.post(
        reverse("employers:apply", args=[opportunity.pk]), {"resume": pdf_upload("resume.pdf", b"hello")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["resume"] == ["A résumé must be a PDF file."]
    assert not Application.objects.exists()


def test_a_resume_over_the_size_limit_is_refused(settings, applicant, opportunity):
    settings.MTW_RESUME_MAX_MB = 1
    big = pdf_upload("cv.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.application_create(participant=applicant, opportunity=opportunity, resume=big)
    assert not Application.objects.exists()


# --- The pipeline ----------------------------------------------------------------------------


def _move(application, by, to_state):
    reason = "We chose another candidate." if to_state == "declined" else ""  # declining needs one
    return services.application_move(application=application, by=by, to_state=to_state, reason=reason)


def test_an_applicant_moves_through_interview_and_offer(application, employer_member):
    assert _move(application, employer_member, "interviewing").state == "interviewing"
    moved = _move(application, employer_member, "offered")
    assert moved.state == "offered" and moved.decided_by == employer_member


@pytest.mark.parametrize("to_state", ["offered", "declined"])
def test_an_applicant_can_be_offered_or_declined_straight_away(application, employer_member, to_state):
    assert _move(application, employer_member, to_state).state == to_state


@pytest.mark.parametrize(
    ("path", "to_state"),
    [
        ([], "hired"),  # hiring needs an offer, and goes through application_hire
        (["interviewing"], "applied"),
        (["interviewing"], "interviewing"),
        (["offered"], "interviewing"),
        (["declined"], "offered"),
        (["declined"], "interviewing"),
        ([], "withdrawn"),  # only the applicant withdraws
    ],
)
def test_moves_outside_the_pipeline_are_refused(application, employer_member, path, to_state):
    for state in path:
        application = _move(application, employer_member, state)
    with pytest.raises(ValidationError):
        _move(application, employer_member, to_state)
    application.refresh_from_db()
    assert application.state == (path[-1] if path else "applied")


def test_the_employer_cannot_move_a_withdrawn_application(application, participant, employer_member):
    services.application_withdraw(application=application, by=participant)
    for to_state in ("interviewing", "offered", "declined"):
        with pytest.raises(ValidationError):
            _move(application, employer_member, to_state)


def test_another_employers_member_cannot_move_an_application(application, other_employer_member):
    with pytest.raises(PermissionDenied):
        _move(application, other_employer_member, "interviewing")


def test_the_employer_moves_applicants_from_the_pipeline_page(client, employer_member, application):
    client.force_login(employer_member)
    page = client.get(reverse("employers:applicants", args=[application.opportunity_id])).content.decode()
    assert application.participant.user.email in page and "I build things." in page
    assert reverse("employers:resume", args=[application.pk]) in page
    response = client.post(reverse("employers:application_move", args=[application.pk, "interview"]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "interviewing"
    filtered = client.get(
        reverse("employers:applicants", args=[application.opportunity_id]), {"state": "applied"}
    )
    assert filtered.context["applications"] == []


def test_an_unknown_action_is_404(client, employer_member, application):
    client.force_login(employer_member)
    response = client.post(reverse("employers:application_move", args=[application.pk, "promote"]))
    assert response.status_code == 404


# --- Withdrawal ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [[], ["interviewing"], ["offered"]])
def test_the_participant_withdraws_an_open_application(
    client, participant, employer_member, application, path
):
    for state in path:
        _move(application, employer_member, state)
    client.force_login(participant)
    response = client.post(
        reverse("employers:application_withdraw", args=[application.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "withdrawn" and application.decided_by == participant


def test_a_declined_application_cannot_be_withdrawn(participant, employer_member, application):
    _move(application, employer_member, "declined")
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=participant)


def test_someone_elses_application_cannot_be_withdrawn(client, other_participant, application):
    factories.participant_record(other_participant)
    client.force_login(other_participant)
    response = client.post(reverse("employers:application_withdraw", args=[application.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=other_participant)


def test_a_navigator_cannot_withdraw_for_the_participant(client, navigator, application):
    client.force_login(navigator)
    response = client.post(reverse("employers:application_withdraw", args=[application.pk]))
    assert response.status_code == 403


# --- Who sees which applications ---------------------------------------------------------------


@pytest.fixture
def two_applications(application, other_applicant, opportunity):
    """``application`` (OIC's participant) and one by United Way's participant."""
    other = services.application_create(participant=other_applicant, opportunity=opportunity)
    return application, other


def test_a_participant_sees_only_their_own_applications(client, participant, two_applications):
    mine, theirs = two_applications
    client.force_login(participant)
    response = client.get(reverse("employers:my_applications"))
    assert list(response.context["applications"]) == [mine]
    home = client.get(reverse("participants:home"))
    assert list(home.context["applications"]) == [mine]
    assert mine.opportunity.title in home.content.decode()
    assert list(selectors.application_list_for(user=participant)) == [mine]


def test_a_navigator_sees_their_organizations_applications_only(
    client, navigator, other_navigator, two_applications
):
    oic_application, united_way_application = two_applications
    client.force_login(navigator)
    page = client.get(reverse("employers:caseload_applications")).context["page"]
    assert list(page.object_list) == [oic_application]
    client.force_login(other_navigator)
    page = client.get(reverse("employers:caseload_applications")).context["page"]
    assert list(page.object_list) == [united_way_application]


def test_navigators_filter_applications_by_state(client, navigator, employer_member, application):
    client.force_login(navigator)
    url = reverse("employers:caseload_applications")
    assert list(client.get(url, {"state": "applied"}).context["page"].object_list) == [application]
    assert list(client.get(url, {"state": "hired"}).context["page"].object_list) == []


def test_grant_staff_see_every_application(client, grant_staff, two_applications):
    client.force_login(grant_staff)
    page = client.get(reverse("employers:caseload_applications")).context["page"]
    assert set(page.object_list) == set(two_applications)


# --- Résumés ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["employer_member", "participant", "navigator", "grant_staff"])
def test_the_resume_is_served_to_those_who_may_see_the_application(client, request, application, viewer):
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(reverse("employers:resume", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "viewer", ["other_employer_member", "other_navigator", "provider_member", "other_participant"]
)
def test_the_resume_is_404_for_everyone_else(client, request, application, viewer):
    user = request.getfixturevalue(viewer)
    if viewer == "other_participant":
        factories.participant_record(user)
    client.force_login(user)
    assert client.get(reverse("employers:resume", args=[application.pk])).status_code == 404


def test_an_application_without_a_resume_has_none_to_serve(client, employer_member, applicant, opportunity):
    application = services.application_create(participant=applicant, opportunity=opportunity)
    client.force_login(employer_member)
    assert client.get(reverse("employers:resume", args=[application.pk])).status_code == 404
