"""A person's saved language wins: at log-in, on the pages after it, and in every email to them."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from employers import services as employer_services
from employers.models import EmployerMember
from mtw_portal.accounts import services
from mtw_portal.accounts.models import User
from participants.models import Navigator, Participant
from placements import services as placement_services
from programs import services as program_services
from tests import factories
from tests.participants.test_intake_and_home import INTAKE
from tests.placements.placement_factories import placement_judged

PASSWORD = "a-long-passphrase-1"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def member(db, settings):
    settings.MTW_REQUIRE_MFA = False
    user = User.objects.create_user(email="member@example.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


# --- Log-in --------------------------------------------------------------------------------


def test_the_saved_language_is_used_from_log_in_on(client, member):
    member.language = "ht"
    member.save()
    response = log_in(client, member)  # from the log-in page in English
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ht"
    page = client.get(response["Location"], follow=True)
    assert '<html lang="ht">' in page.content.decode()


def test_a_participants_preferred_language_is_used_at_log_in(client, member):
    factories.participant_record(member)
    Participant.objects.filter(user=member).update(preferred_language="es")
    response = log_in(client, member)
    assert response.cookies[COOKIE].value == "es"


def test_someone_who_never_chose_keeps_the_language_they_signed_in_from(client, member):
    client.cookies[COOKIE] = "es"
    response = log_in(client, member)
    assert response.cookies[COOKIE].value == "es"


def test_signing_up_in_a_language_saves_it(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    client.cookies[COOKIE] = "ht"
    client.post(
        reverse("account_signup"), {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert User.objects.get(email="new@example.test").language == "ht"


def test_a_claimed_invitation_opens_in_the_saved_language(client, db, settings, mailoutbox):
    settings.MTW_REQUIRE_MFA = False
    user = User(email="unclaimed@example.test", language="es")
    user.set_unusable_password()
    user.save()
    invitation = services.invitation_create(user=user, created_by=None)
    path = reverse("accounts:invitation_accept", args=[services.invitation_token(invitation)])
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.cookies[COOKIE].value == "es"


# --- The language switcher ---------------------------------------------------------------


def test_the_switcher_saves_a_signed_in_persons_choice(client, navigator):
    client.force_login(navigator)
    response = client.post(reverse("set_language"), {"language": "ht", "next": "/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "ht"
    navigator.refresh_from_db()
    assert navigator.language == "ht"


def test_the_switcher_still_works_signed_out(client, db):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "es"


def test_the_switcher_refuses_a_language_we_do_not_offer(client, navigator):
    client.force_login(navigator)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    navigator.refresh_from_db()
    assert navigator.language == ""


def test_the_switcher_needs_the_csrf_token(navigator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(navigator)
    response = client.post(reverse("set_language"), {"language": "ht", "next": "/"})
    assert response.status_code == 403
    navigator.refresh_from_db()
    assert navigator.language == ""


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_switcher_never_sends_anyone_to_another_site(client, navigator, target):
    client.force_login(navigator)
    response = client.post(reverse("set_language"), {"language": "es", "next": target})
    assert response.status_code in (204, 302)
    assert "evil.example" not in response.get("Location", "")


def test_the_switcher_takes_a_post_only(client, navigator):
    client.force_login(navigator)
    assert client.get(reverse("set_language"), {"language": "ht", "next": "/"}).status_code == 405
    navigator.refresh_from_db()
    assert navigator.language == ""


def test_saving_the_profiles_preferred_language_saves_the_persons_language(client, participant):
    participant.language = "ht"
    participant.save()
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, "preferred_language": "es"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.language == "es" and participant.participant.preferred_language == "es"


def test_the_profile_shows_the_language_chosen_since(client, participant):
    factories.participant_record(participant)
    participant.language = "ht"
    participant.save()
    client.force_login(participant)
    form = client.get(reverse("participants:profile")).context["form"]
    assert form["preferred_language"].value() == "ht"


# --- Emails: in the recipient's language, whoever sent them ---------------------------------


def in_language(language, text):
    with translation.override(language):
        translated = gettext(text)
    assert translated != text, f"{text!r} has no {language} translation to compare with"
    return translated


def test_an_invitation_is_written_in_the_invited_persons_language(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    user = User(email="unclaimed@example.test", language="ht")
    user.set_unusable_password()
    user.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(user=user, created_by=None)
    assert in_language("ht", "Your Miami Tech Works account is ready") in mailoutbox[-1].subject


def test_a_password_reset_is_written_in_the_accounts_language(client, member, mailoutbox):
    member.language = "es"
    member.save()
    client.post(reverse("account_reset_password"), {"email": member.email})
    with translation.override("es"):
        subject_es = translation.gettext("Password Reset Email")
    assert subject_es != "Password Reset Email"
    assert subject_es in mailoutbox[-1].subject


def test_the_note_to_an_existing_address_is_in_its_holders_language(
    employer_member, participant, mailoutbox, django_capture_on_commit_callbacks
):
    EmployerMember.objects.filter(user=employer_member).update(role="owner")
    participant.language = "es"
    participant.save()
    owner = EmployerMember.objects.select_related("user", "employer").get(user=employer_member)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        employer_services.employer_colleague_invite(
            by_member=owner, email=participant.email, first_name="A", last_name="B", role="recruiter"
        )
    assert mailoutbox[-1].subject == in_language("es", "An invitation to the MTW Portal")


def test_a_providers_enrollment_request_reaches_the_participant_in_their_language(
    participant, brainstation, mailoutbox, django_capture_on_commit_callbacks
):
    record = factories.participant_record(participant)
    record.preferred_language = "ht"
    record.save()
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    enrollment = factories.enrollment(participant=record, cohort=cohort)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        program_services.enrollment_confirmation_request(enrollment=enrollment)
    expected = in_language("ht", "Please confirm your training with %(provider)s") % {
        "provider": brainstation.name
    }
    assert mailoutbox[-1].subject == expected


def test_a_retention_reminder_goes_to_each_reader_in_their_language(
    participant, oic, navigator, employer, employer_member, mailoutbox
):
    record = factories.participant_record(participant, organization=oic)
    record.navigator = Navigator.objects.get(user=navigator)
    record.save()
    User.objects.filter(pk=employer_member.pk).update(language="es")
    User.objects.filter(pk=navigator.pk).update(language="ht")
    job = placement_judged(
        participant=record, employer=employer, start_date=timezone.localdate() - timedelta(days=100)
    )
    assert placement_services.retention_reminder_send(check_id=job.retention_checks.get(days=90).pk)
    by_reader = {tuple(message.to): message.subject for message in mailoutbox}
    subject = "Is %(name)s still with you? (%(days)s-day check)"
    assert set(by_reader) == {(employer_member.email,), (navigator.email,)}
    assert in_language("es", subject).split("%")[0] in by_reader[(employer_member.email,)]
    assert in_language("ht", subject).split("%")[0] in by_reader[(navigator.email,)]
