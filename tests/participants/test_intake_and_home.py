"""The participant's own pages: intake, correcting it, downloading their data, home."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.forms import IntakeForm
from participants.models import Participant
from tests import factories

INTAKE = {
    "first_name": "Maria",
    "last_name": "Gonzalez",
    "phone": "305-555-0101",
    "preferred_language": "es",
    "zip_code": "33127",
    "date_of_birth": "1996-04-12",
    "employment_status": "unemployed",
    "education": "high_school",
    "ethnicity": "hispanic",
    "race": "prefer_not",
    "gender": "woman",
    "veteran": "no",
    "disability": "prefer_not",
    "barrier_transportation": "on",
    "barrier_childcare": "on",
    "barrier_other": "",
    "organization": "",
    "consent_to_share": "on",
}


def test_sign_up_creates_the_participant_record(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    client.post(
        reverse("account_signup"),
        {"email": "new@example.test", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert Participant.objects.filter(user__email="new@example.test", intake_completed_at=None).exists()


def test_intake_saves_the_profile_and_the_consent(client, participant, oic):
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, "organization": oic.pk})
    assert response["Location"] == reverse("participants:home")
    record = Participant.objects.get(user=participant)
    assert (record.zip_code, record.race, record.organization) == ("33127", "prefer_not", oic)
    assert record.barrier_transportation and record.barrier_childcare and not record.barrier_technology
    assert record.intake_completed_at is not None and record.consent_at is not None
    participant.refresh_from_db()
    assert participant.get_full_name() == "Maria Gonzalez"


def test_intake_never_asks_for_a_social_security_number(client, participant):
    client.force_login(participant)
    page = client.get(reverse("participants:profile")).content.decode().lower()
    assert "social security number" in page  # only in the sentence promising we never ask
    assert 'name="ssn"' not in page and "ssn" not in {f.name for f in Participant._meta.fields}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("zip_code", "3312"),
        ("zip_code", "ABCDE"),
        ("date_of_birth", "next tuesday"),
        ("phone", "call me"),
        ("race", "martian"),
        ("first_name", ""),
        ("gender", ""),
    ],
)
def test_bad_intake_answers_are_named_on_their_field(client, participant, field, value):
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Participant.objects.get(user=participant).intake_completed_at is None


def test_a_birth_date_in_the_future_is_refused(client, participant):
    client.force_login(participant)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("participants:profile"), {**INTAKE, "date_of_birth": tomorrow})
    assert "date_of_birth" in response.context["form"].errors


def test_a_participant_corrects_their_profile(client, participant):
    client.force_login(participant)
    client.post(reverse("participants:profile"), INTAKE)
    first_done = Participant.objects.get(user=participant).intake_completed_at
    client.post(reverse("participants:profile"), {**INTAKE, "zip_code": "33147", "consent_to_share": ""})
    record = Participant.objects.get(user=participant)
    assert record.zip_code == "33147"
    assert record.intake_completed_at == first_done
    # consent_at records when the current answer was given: here, the withdrawal.
    assert record.consent_to_share is False and record.consent_at is not None


def test_home_shows_next_steps_for_a_new_participant(client, participant):
    client.force_login(participant)
    page = client.get(reverse("participants:home")).content.decode()
    assert reverse("participants:profile") in page
    assert "Complete your profile" in page


def test_home_shows_training_navigator_and_support(client, participant, navigator, oic, brainstation):
    from participants.models import BudgetLine
    from participants.services import support_item_log

    record = factories.participant_record(participant, organization=oic)
    record.navigator = navigator.navigator
    record.save()
    cohort = factories.cohort(program=factories.program(provider=brainstation, name="Data Analytics"))
    factories.enrollment(participant=record, cohort=cohort, status="active")
    support_item_log(
        participant=record,
        by=navigator,
        type="bus_fare",
        amount=Decimal("2.25"),
        given_on=timezone.localdate(),
        budget_line=BudgetLine.objects.get(code="transportation"),
    )
    client.force_login(participant)
    page = client.get(reverse("participants:home")).content.decode()
    assert "Data Analytics" in page and "Active" in page
    assert navigator.display_name in page
    assert "Bus fare" in page and "$2.25" in page


def test_a_participant_asks_for_support(client, participant):
    factories.participant_record(participant)
    client.force_login(participant)
    response = client.post(
        reverse("participants:support_request_new"),
        {"type": "technology", "amount": "450", "details": "My laptop broke."},
    )
    assert response["Location"] == reverse("participants:home")
    assert "Technology" in client.get(reverse("participants:home")).content.decode()


@pytest.mark.parametrize(("amount", "field"), [("-5", "amount"), ("0", "amount"), ("abc", "amount")])
def test_a_support_request_with_a_bad_amount_names_the_field(client, participant, amount, field):
    factories.participant_record(participant)
    client.force_login(participant)
    response = client.post(
        reverse("participants:support_request_new"), {"type": "bus_fare", "amount": amount, "details": "Bus"}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_other_roles_cannot_use_the_participant_pages(client, navigator):
    client.force_login(navigator)
    assert client.get(reverse("participants:profile")).status_code == 403
    assert client.get(reverse("participants:profile_download")).status_code == 403


def test_the_participant_pages_only_read_the_record_never_create_it(client, db):
    """Every way an account is made creates its record; one without is broken: 403, nothing created."""
    broken = factories.UserFactory()
    client.force_login(broken)
    assert client.get(reverse("participants:home")).status_code == 403
    assert client.get(reverse("participants:profile")).status_code == 403
    assert not Participant.objects.filter(user=broken).exists()


def test_no_required_intake_field_says_it_is_optional():
    form = IntakeForm()
    for name, field in form.fields.items():
        words = f"{field.label} {field.help_text}".lower()
        assert not (field.required and "optional" in words), name
        assert not (not field.required and "prefer not to say" in words), name


def test_every_optional_answer_of_who_you_are_offers_prefer_not_to_say():
    form = IntakeForm()
    for name in ("ethnicity", "race", "gender", "veteran", "disability"):
        assert form.fields[name].required
        assert "prefer_not" in [value for value, _label in form.fields[name].choices], name


def test_the_profile_page_no_longer_calls_required_questions_optional(client, participant):
    client.force_login(participant)
    page = client.get(reverse("participants:profile")).content.decode()
    assert "are optional" not in page and "Optional." not in page
