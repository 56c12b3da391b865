"""Destructive moves on applications confirm, the employer's Decline gives a reason the applicant
reads, and a withdrawal can be undone (applying again)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from employers import services
from employers.models import Application, Opportunity
from tests import factories


def _withdraw(client, application, **data):
    return client.post(reverse("employers:application_withdraw", args=[application.pk]), data)


def _decline(client, application, **data):
    return client.post(reverse("employers:application_move", args=[application.pk, "decline"]), data)


# --- The participant's Withdraw --------------------------------------------------------------


def test_a_withdraw_post_without_confirmation_changes_nothing(client, participant, application):
    client.force_login(participant)
    response = _withdraw(client, application)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "applied"


def test_the_withdraw_button_opens_a_confirmation_first(client, participant, application):
    client.force_login(participant)
    page = client.get(reverse("employers:my_applications")).content.decode()
    assert "<details" in page and 'name="confirm" value="yes"' in page
    assert "Yes, withdraw my application" in page


def test_a_confirmed_withdrawal_keeps_the_reason_and_the_employer_reads_it(
    client, participant, employer_member, application
):
    client.force_login(participant)
    _withdraw(client, application, confirm="yes", reason="I took another job.")
    application.refresh_from_db()
    assert application.state == "withdrawn" and application.decision_reason == "I took another job."
    client.force_login(employer_member)
    page = client.get(reverse("employers:applicants", args=[application.opportunity_id])).content.decode()
    assert "I took another job." in page


def test_the_participant_applies_again_after_withdrawing(client, participant, application):
    client.force_login(participant)
    _withdraw(client, application, confirm="yes")
    page = client.get(reverse("employers:my_applications")).content.decode()
    assert reverse("employers:application_reapply", args=[application.pk]) in page
    client.post(reverse("employers:application_reapply", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == "applied" and application.decision_reason == ""
    assert application.note == "I build things." and application.resume


def test_applying_again_needs_the_opportunity_still_open(participant, application):
    services.application_withdraw(application=application, by=participant)
    Opportunity.objects.filter(pk=application.opportunity_id).update(state=Opportunity.State.CLOSED)
    with pytest.raises(ValidationError, match="not taking applications"):
        services.application_reapply(application=application, by=participant)


def test_only_a_withdrawn_application_can_be_sent_again(participant, application):
    with pytest.raises(ValidationError):
        services.application_reapply(application=application, by=participant)


def test_the_apply_page_points_a_withdrawn_applicant_to_apply_again(client, participant, application):
    services.application_withdraw(application=application, by=participant)
    client.force_login(participant)
    response = client.get(reverse("employers:apply", args=[application.opportunity_id]), follow=True)
    assert "you can send it again here" in response.content.decode()


def test_someone_else_cannot_send_my_withdrawn_application_again(
    client, other_participant, participant, application
):
    services.application_withdraw(application=application, by=participant)
    factories.participant_record(other_participant)
    client.force_login(other_participant)
    assert client.post(reverse("employers:application_reapply", args=[application.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.application_reapply(application=application, by=other_participant)


@pytest.mark.parametrize("role", ["employer_member", "navigator"])
def test_only_the_applicant_applies_again(client, request, participant, application, role):
    services.application_withdraw(application=application, by=participant)
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("employers:application_reapply", args=[application.pk])).status_code == 403
    application.refresh_from_db()
    assert application.state == "withdrawn"


# --- The employer's Decline --------------------------------------------------------------------


def test_declining_without_a_reason_changes_nothing(client, employer_member, application):
    client.force_login(employer_member)
    response = _decline(client, application, reason="  ")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "applied"


def test_the_service_refuses_a_decline_without_a_reason(employer_member, application):
    with pytest.raises(ValidationError):
        services.application_move(application=application, by=employer_member, to_state="declined")


def test_the_decline_button_asks_for_a_reason_first(client, employer_member, application):
    client.force_login(employer_member)
    page = client.get(reverse("employers:applicants", args=[application.opportunity_id])).content.decode()
    assert "<details>" in page and 'name="reason"' in page and "Decline this applicant" in page


def test_the_applicant_reads_why_they_were_not_selected(client, employer_member, participant, application):
    client.force_login(employer_member)
    _decline(client, application, reason="We need two years of SQL.")
    application.refresh_from_db()
    assert application.state == Application.State.DECLINED
    assert application.decision_reason == "We need two years of SQL."
    client.force_login(participant)
    page = client.get(reverse("employers:my_applications")).content.decode()
    assert "We need two years of SQL." in page


def test_another_employers_member_cannot_decline(client, other_employer_member, application):
    client.force_login(other_employer_member)
    assert _decline(client, application, reason="No.").status_code == 404
    application.refresh_from_db()
    assert application.state == "applied"
