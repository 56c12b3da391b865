"""The application pipeline is written once (``Application.MOVES``): in every state, the moves the
table allows are the buttons the pages offer, the moves the services accept and the actions
``access`` lets each side take."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from employers import services
from employers.models import Application
from mtw_portal import access
from placements import services as placement_services

State = Application.State
EMPLOYER_ACTIONS = ["interview", "offer", "hire", "decline"]

# How the tests bring an application into each state, through the services.
PATHS = {
    State.APPLIED: [],
    State.INTERVIEWING: ["interview"],
    State.OFFERED: ["offer"],
    State.HIRED: ["offer", "hire"],
    State.DECLINED: ["decline"],
    State.WITHDRAWN: ["withdraw"],
}


def _take(application, action, *, employer_member, participant):
    """Take ``action`` through its service; ValidationError when the state does not allow it."""
    if action == "withdraw":
        return services.application_withdraw(application=application, by=participant)
    if action == "reapply":
        return services.application_reapply(application=application, by=participant)
    if action == "hire":
        return placement_services.application_hire(
            application=application,
            by=employer_member,
            start_date=timezone.localdate(),
            title=application.opportunity.title,
            hourly_wage=Decimal("25.00"),
            hours_per_week=Decimal("40"),
            benefit_health=True,
            advancement_path="Developer II after a year.",
        )
    to_state = Application.move_named(action).to_state
    reason = "We chose another candidate." if action == "decline" else ""
    return services.application_move(
        application=application, by=employer_member, to_state=to_state, reason=reason
    )


def _in_state(application, state, **people):
    for action in PATHS[state]:
        _take(application, action, **people)
    application.refresh_from_db()
    assert application.state == state
    return application


def _service_accepts(application, action, **people) -> bool:
    try:
        _take(application, action, **people)
    except ValidationError:
        return False
    return True


def test_the_table_names_each_sides_moves():
    assert Application.actions_of(Application.EMPLOYER_SIDE) == set(EMPLOYER_ACTIONS)
    assert Application.actions_of(Application.APPLICANT_SIDE) == {"withdraw", "reapply"}
    assert set(PATHS) == set(State.values)


@pytest.mark.parametrize("state", State.values)
def test_the_employers_moves_in_each_state_are_what_the_page_offers_and_the_service_accepts(
    client, employer_member, participant, application, state
):
    people = {"employer_member": employer_member, "participant": participant}
    application = _in_state(application, state, **people)
    allowed = [move.action for move in Application.moves_from(state, by=Application.EMPLOYER_SIDE)]

    client.force_login(employer_member)
    page = client.get(reverse("employers:applicants", args=[application.opportunity_id])).content.decode()
    buttons = {
        action: f'action="{reverse("employers:application_move", args=[application.pk, action])}"'
        for action in EMPLOYER_ACTIONS
    }
    buttons["hire"] = f'href="{reverse("placements:application_hire", args=[application.pk])}">Hire<'
    offered = [action for action in EMPLOYER_ACTIONS if buttons[action] in page]
    assert offered == allowed

    accepted = []
    for action in EMPLOYER_ACTIONS:
        with transaction.atomic():  # each action is tried from ``state``, then undone
            if _service_accepts(Application.objects.get(pk=application.pk), action, **people):
                accepted.append(action)
            transaction.set_rollback(True)
    assert accepted == allowed


APPLICANT_ACTIONS = ["withdraw", "reapply"]


@pytest.mark.parametrize("state", State.values)
def test_the_applicant_may_withdraw_or_apply_again_where_the_table_says_and_the_page_offers_it(
    client, employer_member, participant, application, state
):
    people = {"employer_member": employer_member, "participant": participant}
    application = _in_state(application, state, **people)
    allowed = [move.action for move in Application.moves_from(state, by=Application.APPLICANT_SIDE)]

    client.force_login(participant)
    page = client.get(reverse("employers:my_applications")).content.decode()
    urls = {
        "withdraw": reverse("employers:application_withdraw", args=[application.pk]),
        "reapply": reverse("employers:application_reapply", args=[application.pk]),
    }
    offered = [action for action in APPLICANT_ACTIONS if urls[action] in page]
    assert offered == allowed
    accepted = []
    for action in APPLICANT_ACTIONS:
        with transaction.atomic():
            if _service_accepts(Application.objects.get(pk=application.pk), action, **people):
                accepted.append(action)
            transaction.set_rollback(True)
    assert accepted == allowed


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        ("employer_member", set(EMPLOYER_ACTIONS)),
        ("grant_staff", set(EMPLOYER_ACTIONS)),
        ("participant", {"withdraw", "reapply"}),
        ("navigator", set()),
    ],
)
def test_access_lets_each_role_take_its_sides_actions_only(request, role, actions):
    assert access.application_actions(request.getfixturevalue(role)) == actions


def test_marking_an_application_hired_rechecks_who_hires_and_from_which_state(
    employer_member, other_employer_member, participant, navigator, application
):
    """``application_mark_hired`` (the last step of ``placements.services.application_hire``) is a
    public service: called on its own it still refuses anyone but the application's employer, and
    any state but offered, like every other move."""
    people = {"employer_member": employer_member, "participant": participant}
    for outsider in (participant, navigator, other_employer_member):
        with pytest.raises(PermissionDenied):
            services.application_mark_hired(application=application, by=outsider)
    with pytest.raises(ValidationError):
        services.application_mark_hired(application=application, by=employer_member)  # only applied
    application.refresh_from_db()
    assert application.state == State.APPLIED
    _in_state(application, State.OFFERED, **people)
    services.application_mark_hired(application=application, by=employer_member)
    application.refresh_from_db()
    assert application.state == State.HIRED
