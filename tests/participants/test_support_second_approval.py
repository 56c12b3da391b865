"""A request approved above the threshold reads "waiting for a second approval" until a second
person decides, for the participant and for staff; a rejection needs a reason the participant reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import selectors, services
from participants.models import SupportItem, SupportRequest

WAITING = "Waiting for a second approval"


@pytest.fixture
def laptop_request(assigned) -> SupportRequest:
    return services.support_request_create(
        participant=assigned, type="technology", details="A laptop for class.", amount=Decimal("600")
    )


def _approve(client, support_request, budget_line, amount="600.00"):
    return client.post(
        reverse("participants:support_request_decide", args=[support_request.pk]),
        {
            "decision": "approve",
            "approve-amount": amount,
            "approve-given_on": timezone.localdate().isoformat(),
            "approve-budget_line": budget_line.pk,
            "approve-note": "A refurbished laptop.",
        },
    )


def test_a_request_approved_above_the_threshold_waits_for_a_second_approval(
    client, navigator, laptop_request, transportation
):
    client.force_login(navigator)
    response = _approve(client, laptop_request, transportation)
    assert response.status_code == 302
    laptop_request.refresh_from_db()
    assert laptop_request.state == SupportRequest.State.AWAITING_APPROVAL
    assert laptop_request.item.state == SupportItem.State.AWAITING_APPROVAL


def test_a_request_approved_at_the_threshold_is_approved(client, navigator, laptop_request, transportation):
    client.force_login(navigator)
    _approve(client, laptop_request, transportation, amount="250.00")
    laptop_request.refresh_from_db()
    assert laptop_request.state == SupportRequest.State.APPROVED


def test_the_participant_reads_waiting_for_a_second_approval_not_approved(
    client, navigator, participant, laptop_request, transportation
):
    client.force_login(navigator)
    _approve(client, laptop_request, transportation)
    client.force_login(participant)
    home = client.get(reverse("participants:home")).content.decode()
    assert WAITING in home
    assert "<strong>Approved</strong>" not in home


def test_the_navigator_sees_the_same_status_on_the_request_and_the_ledger(
    client, navigator, colleague, laptop_request, transportation
):
    client.force_login(navigator)
    _approve(client, laptop_request, transportation)
    assert (
        WAITING
        in client.get(
            reverse("participants:support_request_decide", args=[laptop_request.pk])
        ).content.decode()
    )
    client.force_login(colleague)
    assert WAITING in client.get(reverse("participants:support_ledger")).content.decode()


def test_the_second_approval_approves_the_request_and_the_support_counts(
    client, navigator, colleague, participant, assigned, laptop_request, transportation
):
    client.force_login(navigator)
    _approve(client, laptop_request, transportation)
    laptop_request.refresh_from_db()
    assert selectors.support_totals(items=assigned.support_items.all())["total"] == Decimal("0")
    client.force_login(colleague)
    client.post(
        reverse("participants:support_item_decide", args=[laptop_request.item.pk]), {"decision": "approve"}
    )
    laptop_request.refresh_from_db()
    assert laptop_request.state == SupportRequest.State.APPROVED
    assert selectors.support_totals(items=assigned.support_items.all())["total"] == Decimal("600.00")
    client.force_login(participant)
    assert "<strong>Approved</strong>" in client.get(reverse("participants:home")).content.decode()


def test_a_second_person_rejecting_declines_the_request_with_the_reason_the_participant_reads(
    client, navigator, colleague, participant, laptop_request, transportation
):
    client.force_login(navigator)
    _approve(client, laptop_request, transportation)
    laptop_request.refresh_from_db()
    client.force_login(colleague)
    client.post(
        reverse("participants:support_item_decide", args=[laptop_request.item.pk]),
        {"decision": "reject", "note": "The technology budget is spent this quarter."},
    )
    laptop_request.refresh_from_db()
    assert laptop_request.state == SupportRequest.State.DECLINED
    assert laptop_request.item.decision_note == "The technology budget is spent this quarter."
    client.force_login(participant)
    home = client.get(reverse("participants:home")).content.decode()
    assert "The technology budget is spent this quarter." in home and "Declined" in home


def test_rejecting_without_a_reason_does_nothing(client, navigator, colleague, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    response = client.post(
        reverse("participants:support_item_decide", args=[item.pk]), {"decision": "reject", "note": " "}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == SupportItem.State.AWAITING_APPROVAL


def test_the_service_refuses_a_rejection_without_a_reason(navigator, colleague, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    with pytest.raises(ValidationError):
        services.support_item_decide(item=item, by=colleague, approve=False)


def test_the_reject_button_opens_a_reason_field_before_it_acts(
    client, navigator, colleague, assigned, log_support
):
    log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    body = client.get(reverse("participants:support_ledger")).content.decode()
    assert "<details>" in body and 'name="note"' in body and "Reject this support" in body
