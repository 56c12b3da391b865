"""The coalition: partners, working groups, meetings with attendance, pilots and awards."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coalition import selectors, services
from coalition.models import Attendance, Award, Meeting, Membership, Partner, PilotProject, WorkingGroup

GROUP_NAMES = {
    "Emerging Tech Talent",
    "Tech Skills Gap",
    "Small Business Capacity Development",
    "Inclusive Tech Talent Pipeline",
}


@pytest.fixture
def talent(db):
    return WorkingGroup.objects.get(slug="emerging-tech-talent")


@pytest.fixture
def skills_gap(db):
    return WorkingGroup.objects.get(slug="tech-skills-gap")


@pytest.fixture
def partner(db):
    return services.partner_save(name="University of Miami", type=Partner.Type.ACADEMIC)


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def test_the_four_working_groups_exist_after_migrate(db):
    assert set(WorkingGroup.objects.values_list("name", flat=True)) == GROUP_NAMES


# --- Partners --------------------------------------------------------------------------------


def test_staff_create_a_linked_partner(client, grant_staff, employer):
    client.force_login(grant_staff)
    response = client.post(
        reverse("coalition:partner_new"),
        {"name": "UKG", "type": "employer", "employer": employer.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="UKG")
    assert partner.employer == employer and partner.is_active


def test_a_link_that_does_not_match_the_type_is_refused_on_its_field(client, grant_staff, employer):
    client.force_login(grant_staff)
    response = client.post(
        reverse("coalition:partner_new"), {"name": "UKG", "type": "academic", "employer": employer.pk}
    )
    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not Partner.objects.exists()


def test_the_service_refuses_a_mismatched_link(brainstation):
    with pytest.raises(ValidationError) as exc:
        services.partner_save(name="BrainStation", type=Partner.Type.EMPLOYER, provider=brainstation)
    assert "provider" in exc.value.message_dict


def test_partner_names_are_unique_whatever_the_case(partner):
    with pytest.raises(ValidationError) as exc:
        services.partner_save(name="university of MIAMI", type=Partner.Type.ACADEMIC)
    assert "name" in exc.value.message_dict


# --- Members -----------------------------------------------------------------------------------


def test_staff_add_members_and_a_chair(client, grant_staff, navigator, employer_member, talent, partner):
    client.force_login(grant_staff)
    url = reverse("coalition:group_members", args=[talent.pk])
    client.post(url, {"action": "add", "user": navigator.pk, "role": "member", "partner": partner.pk})
    client.post(url, {"action": "add", "user": employer_member.pk, "role": "member"})
    membership = Membership.objects.get(group=talent, user=employer_member)
    response = client.post(url, {"action": "chair", "membership": membership.pk})
    assert response.status_code == 302
    roles = dict(Membership.objects.filter(group=talent).values_list("user_id", "role"))
    assert roles == {navigator.pk: "member", employer_member.pk: "chair"}
    assert Membership.objects.get(user=navigator).partner == partner


def test_a_group_may_have_several_chairs_and_members_can_be_removed(grant_staff, navigator, talent):
    services.membership_set(group=talent, user=grant_staff, role="chair")
    services.membership_set(group=talent, user=navigator, role="chair")
    assert talent.memberships.filter(role="chair").count() == 2
    services.membership_remove(membership=talent.memberships.get(user=navigator))
    assert list(talent.memberships.values_list("user_id", flat=True)) == [grant_staff.pk]


def test_removing_a_member_from_the_page_needs_the_confirmation(client, grant_staff, navigator, talent):
    membership = services.membership_set(group=talent, user=navigator, role="member")
    client.force_login(grant_staff)
    url = reverse("coalition:group_members", args=[talent.pk])
    page = client.get(url).content.decode()
    assert "<details" in page and "Yes, remove from the group" in page
    client.post(url, {"action": "remove", "membership": membership.pk})
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url, {"action": "remove", "membership": membership.pk, "confirm": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- Meetings, pilots, awards ------------------------------------------------------------------


def test_staff_record_a_meeting_with_attendance(
    client, grant_staff, navigator, provider_member, talent, partner
):
    services.membership_set(group=talent, user=navigator, partner=partner)
    services.membership_set(group=talent, user=provider_member)
    client.force_login(grant_staff)
    response = client.post(
        f"{reverse('coalition:meeting_new')}?group={talent.pk}",
        {
            "title": "Kick-off",
            "held_on": _day(3).isoformat(),
            "location": "MDC",
            "attendees": [navigator.pk],
            "extra_attendees": "Rosa Delgado\n\nRosa Delgado\nMarc Joseph",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Kick-off")
    assert meeting.group == talent and meeting.kind == "meeting"
    rows = list(meeting.attendances.order_by("pk").values_list("user_id", "attendee_name", "partner_id"))
    assert rows == [(navigator.pk, "", partner.pk), (None, "Rosa Delgado", None), (None, "Marc Joseph", None)]


def test_editing_a_meeting_replaces_its_attendance(grant_staff, navigator, provider_member, talent):
    services.membership_set(group=talent, user=navigator)
    services.membership_set(group=talent, user=provider_member)
    meeting = services.meeting_save(
        group=talent, kind="meeting", title="M", held_on=_day(1), attendees=[navigator], extra_attendees=["X"]
    )
    services.meeting_save(meeting=meeting, attendees=[provider_member, provider_member])
    assert list(meeting.attendances.values_list("user_id", flat=True)) == [provider_member.pk]


def test_a_gathering_has_no_group_and_a_meeting_needs_one(talent):
    with pytest.raises(ValidationError):
        services.meeting_save(group=None, kind="meeting", title="M", held_on=_day(1))
    with pytest.raises(ValidationError):
        services.meeting_save(group=talent, kind="gathering", title="G", held_on=_day(1))
    gathering = services.meeting_save(group=None, kind="gathering", title="G", held_on=_day(1))
    assert gathering.group is None


def test_staff_record_a_pilot_and_its_dates_are_checked(client, grant_staff, partner, talent):
    client.force_login(grant_staff)
    data = {"title": "Sprint internships", "lead_partner": partner.pk, "group": talent.pk, "status": "active"}
    response = client.post(
        reverse("coalition:pilot_new"),
        {**data, "started_on": _day(10).isoformat(), "ended_on": _day(20).isoformat()},
    )
    assert response.status_code == 200 and "ended_on" in response.context["form"].errors
    response = client.post(reverse("coalition:pilot_new"), {**data, "started_on": _day(10).isoformat()})
    assert response.status_code == 302
    assert PilotProject.objects.get().status == "active"


def test_staff_record_an_award_and_zero_is_refused(client, grant_staff, partner):
    client.force_login(grant_staff)
    data = {"partner": partner.pk, "title": "Mini-grant", "awarded_on": _day(1).isoformat()}
    response = client.post(reverse("coalition:award_new"), {**data, "amount_usd": "0"})
    assert response.status_code == 200 and "amount_usd" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.award_create(partner=partner, title="Zero", amount_usd=Decimal("0"), awarded_on=_day(1))
    response = client.post(reverse("coalition:award_new"), {**data, "amount_usd": "2500.50"})
    assert response.status_code == 302
    assert Award.objects.get().amount_usd == Decimal("2500.50")


# --- Counts ------------------------------------------------------------------------------------


def test_coalition_counts_are_exact(grant_staff, navigator, provider_member, talent, skills_gap, partner):
    services.partner_save(name="Old partner", type=Partner.Type.ACADEMIC, is_active=False)
    services.membership_set(group=talent, user=grant_staff, role="chair")
    services.membership_set(group=talent, user=navigator)
    services.membership_set(group=skills_gap, user=navigator)
    services.membership_set(group=skills_gap, user=provider_member)
    services.meeting_save(group=talent, kind="meeting", title="Past", held_on=_day(10))
    services.meeting_save(group=skills_gap, kind="meeting", title="Today", held_on=_day(0))
    services.meeting_save(group=talent, kind="meeting", title="Future", held_on=_day(-5))
    services.meeting_save(group=None, kind="gathering", title="G1", held_on=_day(30))
    services.meeting_save(group=None, kind="gathering", title="G2", held_on=_day(-30))
    services.pilot_save(title="P1", lead_partner=partner, status="active")
    services.pilot_save(title="P2", lead_partner=partner, status="done")
    services.pilot_save(title="P3", lead_partner=partner, status="done")
    services.award_create(partner=partner, title="A", amount_usd=Decimal("100.25"), awarded_on=_day(1))
    services.award_create(partner=partner, title="B", amount_usd=Decimal("50.00"), awarded_on=_day(2))

    assert selectors.coalition_counts() == {
        "members": 3,
        "partners": 1,
        "meetings_held": 2,
        "gatherings": 1,
        "pilots": 3,
        "pilots_by_status": {"planned": 0, "active": 1, "done": 2},
        "awards_usd": Decimal("150.25"),
    }


def test_coalition_counts_on_an_empty_coalition(db):
    counts = selectors.coalition_counts()
    assert counts["members"] == 0 and counts["pilots"] == 0 and counts["awards_usd"] == Decimal("0")


# --- Who sees what -----------------------------------------------------------------------------


def test_a_member_sees_their_group_and_not_another(client, navigator, talent, skills_gap):
    services.membership_set(group=talent, user=navigator)
    services.meeting_save(group=talent, kind="meeting", title="Our meeting", held_on=_day(5))
    services.meeting_save(group=skills_gap, kind="meeting", title="Their meeting", held_on=_day(5))
    client.force_login(navigator)
    response = client.get(reverse("coalition:index"))
    assert response.status_code == 200
    assert list(response.context["groups"]) == [talent]
    assert "Our meeting" in response.text and "Their meeting" not in response.text
    assert "counts" not in response.context
    assert client.get(reverse("coalition:group_detail", args=[talent.pk])).status_code == 200
    assert client.get(reverse("coalition:group_detail", args=[skills_gap.pk])).status_code == 404


def test_a_non_member_sees_the_empty_state(client, participant, talent):
    client.force_login(participant)
    response = client.get(reverse("coalition:index"))
    assert response.status_code == 200
    assert "You are not in a working group yet." in response.text
    assert client.get(reverse("coalition:group_detail", args=[talent.pk])).status_code == 404


def test_grant_staff_see_every_group_without_being_members(client, grant_staff, talent):
    client.force_login(grant_staff)
    response = client.get(reverse("coalition:index"))
    assert len(response.context["groups"]) == 4
    assert client.get(reverse("coalition:group_detail", args=[talent.pk])).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["coalition:partner_new", "coalition:pilot_new", "coalition:award_new", "coalition:meeting_new"],
)
def test_members_get_403_on_staff_pages(client, navigator, talent, name):
    services.membership_set(group=talent, user=navigator, role="chair")
    client.force_login(navigator)
    assert client.get(reverse(name)).status_code == 403


def test_a_chair_cannot_manage_their_own_group(client, navigator, talent):
    services.membership_set(group=talent, user=navigator, role="chair")
    client.force_login(navigator)
    url = reverse("coalition:group_members", args=[talent.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "remove", "membership": 1}).status_code == 403


def test_a_bad_group_parameter_is_404(client, grant_staff):
    client.force_login(grant_staff)
    assert client.get(f"{reverse('coalition:meeting_new')}?group=abc").status_code == 404
    assert client.get(f"{reverse('coalition:meeting_new')}?group=999999").status_code == 404


def test_the_navbar_links_staff_to_the_coalition(client, grant_staff, navigator):
    client.force_login(grant_staff)
    assert reverse("coalition:index") in client.get(reverse("core:staff_home")).text


# --- Queries -------------------------------------------------------------------------------


def _meetings(group, partner, members, count: int) -> None:
    for i in range(count):
        meeting = services.meeting_save(
            group=group, kind="meeting", title=f"M{i}", held_on=_day(i - 1), attendees=members
        )
        assert meeting.attendances.count() == len(members)
    services.pilot_save(title=f"P{count}", lead_partner=partner)
    services.award_create(partner=partner, title=f"A{count}", amount_usd=Decimal("1"), awarded_on=_day(1))


def _index_queries(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("coalition:index")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [3, 20])
def test_index_queries_stay_under_a_bound(
    client, django_assert_max_num_queries, grant_staff, navigator, talent, partner, count
):
    services.membership_set(group=talent, user=navigator, partner=partner)
    _meetings(talent, partner, [navigator], count)
    for user in (grant_staff, navigator):
        client.force_login(user)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("coalition:index"))
        assert response.status_code == 200


def test_index_queries_are_the_same_for_3_and_20_meetings(client, grant_staff, navigator, talent, partner):
    services.membership_set(group=talent, user=navigator, partner=partner)
    _meetings(talent, partner, [navigator], 3)
    few = (_index_queries(client, grant_staff), _index_queries(client, navigator))
    _meetings(talent, partner, [navigator, grant_staff], 17)
    assert (_index_queries(client, grant_staff), _index_queries(client, navigator)) == few


def test_the_demo_seed_is_idempotent(db):
    from django.core.management import call_command

    call_command("seed_demo")
    counts = selectors.coalition_counts()
    assert counts["meetings_held"] == 6 and counts["gatherings"] == 2 and counts["pilots"] == 2
    assert Attendance.objects.exists()
    call_command("seed_demo")
    assert selectors.coalition_counts() == counts


def test_staff_pages_render_with_data(client, grant_staff, navigator, talent, partner):
    services.membership_set(group=talent, user=navigator, partner=partner, role="chair")
    meeting = services.meeting_save(
        group=talent,
        kind="meeting",
        title="Kick-off",
        held_on=_day(2),
        attendees=[navigator],
        extra_attendees=["Rosa"],
    )
    gathering = services.meeting_save(group=None, kind="gathering", title="Fair", held_on=_day(1))
    pilot = services.pilot_save(title="Pilot", lead_partner=partner)
    client.force_login(grant_staff)
    for url in [
        reverse("coalition:index"),
        reverse("coalition:group_detail", args=[talent.pk]),
        reverse("coalition:group_members", args=[talent.pk]),
        reverse("coalition:meeting_edit", args=[meeting.pk]),
        reverse("coalition:meeting_edit", args=[gathering.pk]),
        f"{reverse('coalition:meeting_new')}?group={talent.pk}",
        reverse("coalition:partner_edit", args=[partner.pk]),
        reverse("coalition:pilot_edit", args=[pilot.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    form = client.get(reverse("coalition:meeting_edit", args=[meeting.pk])).context["form"]
    assert form["extra_attendees"].initial == "Rosa" and form["attendees"].initial == [navigator.pk]
