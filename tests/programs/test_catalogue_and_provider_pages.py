from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Cohort, Enrollment, Program
from tests import factories


@pytest.fixture
def bootcamp(brainstation):
    program = factories.program(
        provider=brainstation, name="Data Analytics", format="remote", schedule="part_time"
    )
    factories.cohort(program=program, start_date=timezone.localdate() + timedelta(days=20), seats=25)
    return program


@pytest.fixture
def fourgeeks_program(fourgeeks):
    program = factories.program(provider=fourgeeks, name="Full Stack Developer", format="in_person")
    factories.cohort(program=program, start_date=timezone.localdate() + timedelta(days=40))
    return program


def test_anyone_can_browse_the_catalogue(client, bootcamp, fourgeeks_program):
    page = client.get(reverse("programs:catalogue")).content.decode()
    assert "Data Analytics" in page and "Full Stack Developer" in page


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"format": "remote"}, "Data Analytics", "Full Stack Developer"),
        ({"schedule": "full_time"}, "Full Stack Developer", "Data Analytics"),
    ],
)
def test_the_catalogue_filters(client, bootcamp, fourgeeks_program, params, shown, hidden):
    page = client.get(reverse("programs:catalogue"), params).content.decode()
    assert shown in page and hidden not in page


def test_the_catalogue_filters_by_provider_and_start_date(client, bootcamp, fourgeeks_program, fourgeeks):
    by_provider = client.get(reverse("programs:catalogue"), {"provider": fourgeeks.pk}).content.decode()
    assert "Full Stack Developer" in by_provider and "Data Analytics" not in by_provider
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    by_date = client.get(reverse("programs:catalogue"), {"starts_after": later}).content.decode()
    assert "Full Stack Developer" in by_date and "Data Analytics" not in by_date


def test_junk_filters_show_the_whole_catalogue_not_an_error(client, bootcamp):
    response = client.get(
        reverse("programs:catalogue"), {"provider": "x", "starts_after": "soon", "page": "-3"}
    )
    assert response.status_code == 200


def test_unlisted_programs_stay_out_of_the_catalogue(client, bootcamp):
    Program.objects.filter(pk=bootcamp.pk).update(is_active=False)
    assert "Data Analytics" not in client.get(reverse("programs:catalogue")).content.decode()
    assert client.get(reverse("programs:program_detail", args=[bootcamp.pk])).status_code == 404


@pytest.mark.parametrize("language", ["es", "ht"])
def test_the_catalogue_speaks_spanish_and_creole(client, bootcamp, language):
    client.cookies["django_language"] = language
    page = client.get(reverse("programs:catalogue")).content.decode()
    assert f'lang="{language}"' in page


def test_a_participant_applies_from_the_program_page(client, participant, bootcamp):
    factories.participant_record(participant)
    cohort = bootcamp.cohorts.get()
    client.force_login(participant)
    response = client.post(reverse("programs:cohort_apply", args=[cohort.pk]))
    assert response["Location"] == reverse("participants:home")
    assert Enrollment.objects.get(participant__user=participant).status == "applied"
    home = client.get(reverse("participants:home")).content.decode()
    assert "Data Analytics" in home and "Applied" in home


def test_applying_without_a_profile_sends_the_participant_to_intake(client, participant, bootcamp):
    client.force_login(participant)
    response = client.post(reverse("programs:cohort_apply", args=[bootcamp.cohorts.get().pk]))
    assert response["Location"] == reverse("participants:profile")
    assert not Enrollment.objects.exists()


def test_provider_staff_see_only_their_own_programs(client, provider_member, bootcamp, fourgeeks_program):
    client.force_login(provider_member)
    page = client.get(reverse("programs:provider_home")).content.decode()
    assert "Data Analytics" in page and "Full Stack Developer" not in page


def test_provider_staff_add_a_program_and_a_cohort(client, provider_member):
    client.force_login(provider_member)
    response = client.post(
        reverse("programs:program_new"),
        {
            "name": "Cloud Support",
            "format": "remote",
            "schedule": "part_time",
            "length_weeks": 10,
            "tuition": "0",
            "credential_type": "non_degree_certification",
            "credential_name": "AWS Cloud Practitioner",
            "skills": "AWS, Linux, Networking",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    program = Program.objects.get(name="Cloud Support")
    assert program.provider.code == "brainstation"
    assert sorted(program.skills.values_list("name", flat=True)) == ["AWS", "Linux", "Networking"]
    start = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("programs:cohort_new", args=[program.pk]),
        {"start_date": start.isoformat(), "end_date": (start + timedelta(days=70)).isoformat(), "seats": 15},
    )
    assert response.status_code == 302
    assert Cohort.objects.get(program=program).seats == 15


def test_a_duplicate_program_name_is_refused_on_the_field(client, provider_member, bootcamp):
    client.force_login(provider_member)
    response = client.post(reverse("programs:program_new"), {"name": "data analytics"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_a_cohort_ending_before_it_starts_is_refused(client, provider_member, bootcamp):
    client.force_login(provider_member)
    response = client.post(
        reverse("programs:cohort_new", args=[bootcamp.pk]),
        {"start_date": "2027-03-01", "end_date": "2027-02-01", "seats": 10},
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors


def test_seats_cannot_drop_below_the_people_holding_them(client, provider_member, bootcamp):
    cohort = bootcamp.cohorts.get()
    for _ in range(3):
        factories.enrollment(participant=factories.participant_record(), cohort=cohort)
    client.force_login(provider_member)
    response = client.post(
        reverse("programs:cohort_edit", args=[bootcamp.pk, cohort.pk]),
        {"start_date": cohort.start_date.isoformat(), "end_date": cohort.end_date.isoformat(), "seats": 2},
    )
    assert response.context["form"].errors["seats"] == ["3 people already hold seats in this cohort."]


def test_provider_staff_enroll_and_complete_from_the_roster(client, provider_member, bootcamp):
    cohort = bootcamp.cohorts.get()
    Cohort.objects.filter(pk=cohort.pk).update(start_date=timezone.localdate() - timedelta(days=60))
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=cohort, status="applied"
    )
    client.force_login(provider_member)
    roster = client.get(reverse("programs:cohort_roster", args=[cohort.pk]))
    assert enrollment.participant.user.email in roster.content.decode()
    client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "enroll"]))
    client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "activate"]))
    response = client.post(
        reverse("programs:enrollment_action", args=[enrollment.pk, "complete"]),
        {
            "end_date": timezone.localdate().isoformat(),
            "credential_type": "bootcamp_certificate",
            "credential_name": "Data Analytics Certificate",
        },
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    assert enrollment.credential.name == "Data Analytics Certificate"


def test_a_withdrawal_form_without_a_reason_names_the_field(client, provider_member, bootcamp):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=bootcamp.cohorts.get()
    )
    client.force_login(provider_member)
    response = client.post(
        reverse("programs:enrollment_action", args=[enrollment.pk, "withdraw"]),
        {"end_date": timezone.localdate().isoformat()},
    )
    assert "reason" in response.context["form"].errors


def test_an_unknown_enrollment_action_is_not_found(client, provider_member, bootcamp):
    enrollment = factories.enrollment(
        participant=factories.participant_record(), cohort=bootcamp.cohorts.get()
    )
    client.force_login(provider_member)
    assert (
        client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "graduate"])).status_code
        == 404
    )


def test_another_provider_cannot_see_the_roster_or_act_on_it(client, other_provider_member, bootcamp):
    cohort = bootcamp.cohorts.get()
    enrollment = factories.enrollment(participant=factories.participant_record(), cohort=cohort)
    client.force_login(other_provider_member)
    assert client.get(reverse("programs:cohort_roster", args=[cohort.pk])).status_code == 404
    assert (
        client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "activate"])).status_code
        == 404
    )
    assert client.get(reverse("programs:program_edit", args=[bootcamp.pk])).status_code == 404


def test_read_only_provider_staff_see_the_roster_but_cannot_change_it(
    client, read_only_provider_member, bootcamp
):
    cohort = bootcamp.cohorts.get()
    enrollment = factories.enrollment(participant=factories.participant_record(), cohort=cohort)
    client.force_login(read_only_provider_member)
    assert client.get(reverse("programs:cohort_roster", args=[cohort.pk])).status_code == 200
    assert (
        client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "activate"])).status_code
        == 403
    )
    assert client.get(reverse("programs:program_new")).status_code == 403


def test_a_navigator_enrolls_an_applicant_of_their_organization_but_cannot_complete(
    client, navigator, oic, bootcamp
):
    record = factories.participant_record(organization=oic)
    enrollment = factories.enrollment(participant=record, cohort=bootcamp.cohorts.get(), status="applied")
    client.force_login(navigator)
    client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "enroll"]))
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"
    response = client.post(
        reverse("programs:enrollment_action", args=[enrollment.pk, "complete"]),
        {"end_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403


def test_a_navigator_of_another_organization_cannot_touch_the_enrollment(
    client, other_navigator, oic, bootcamp
):
    record = factories.participant_record(organization=oic)
    enrollment = factories.enrollment(participant=record, cohort=bootcamp.cohorts.get(), status="applied")
    client.force_login(other_navigator)
    assert (
        client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "enroll"])).status_code == 404
    )


def test_roster_queries_stay_constant_as_the_cohort_grows(
    client, provider_member, bootcamp, django_assert_max_num_queries
):
    cohort = bootcamp.cohorts.get()
    Cohort.objects.filter(pk=cohort.pk).update(seats=100)
    client.force_login(provider_member)

    def fill(n):
        for _ in range(n):
            factories.enrollment(participant=factories.participant_record(), cohort=cohort)

    fill(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("programs:cohort_roster", args=[cohort.pk]))
    fill(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("programs:cohort_roster", args=[cohort.pk]))


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", ""])
def test_a_junk_provider_in_the_new_program_link_is_not_found(client, grant_staff, value):
    client.force_login(grant_staff)
    assert client.get(reverse("programs:program_new"), {"provider": value}).status_code == 404


def test_a_junk_member_id_in_the_coalition_members_form_is_not_found(client, grant_staff):
    from coalition.models import WorkingGroup

    group = WorkingGroup.objects.first()
    client.force_login(grant_staff)
    response = client.post(
        reverse("coalition:group_members", args=[group.pk]), {"action": "remove", "membership": "x"}
    )
    assert response.status_code == 404


# --- Start dates in the past are never offered ------------------------------------------------


@pytest.fixture
def started_program(brainstation):
    """A program whose only cohort started a month ago and runs for three more months."""
    program = factories.program(provider=brainstation, name="Cloud Support")
    factories.cohort(program=program, start_date=timezone.localdate() - timedelta(days=30))
    return program


def test_a_past_start_date_is_never_shown_as_next_start(client, started_program):
    later = timezone.localdate() + timedelta(days=60)
    factories.cohort(program=started_program, start_date=later)
    page = client.get(reverse("programs:catalogue"))
    program = next(p for p in page.context["page"] if p.pk == started_program.pk)
    assert [c.start_date for c in program.open_cohorts] == [later]


def test_a_program_whose_cohort_has_started_offers_no_start_and_no_apply(
    client, participant, started_program
):
    factories.participant_record(participant)
    client.force_login(participant)
    catalogue = client.get(reverse("programs:catalogue")).content.decode()
    assert "Cloud Support" in catalogue and "No cohort open right now." in catalogue
    cohort = started_program.cohorts.get()
    detail = client.get(reverse("programs:program_detail", args=[started_program.pk])).content.decode()
    assert reverse("programs:cohort_apply", args=[cohort.pk]) not in detail


def test_posting_apply_to_a_started_cohort_is_refused_with_a_message(client, participant, started_program):
    factories.participant_record(participant)
    client.force_login(participant)
    cohort = started_program.cohorts.get()
    response = client.post(reverse("programs:cohort_apply", args=[cohort.pk]), follow=True)
    assert not Enrollment.objects.exists()
    assert "This cohort has already started: apply to a later one." in response.content.decode()
