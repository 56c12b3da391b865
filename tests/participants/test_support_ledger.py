"""The support ledger: amounts, caps, dates, second approval, receipts, requests and totals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import selectors, services
from participants.models import SupportItem, SupportRequest
from tests.participants.conftest import JPEG, PDF, PNG, upload

LEDGER = reverse("participants:support_ledger")


def _new_item_url(record) -> str:
    return reverse("participants:support_item_new", args=[record.pk])


def _form(budget_line, **overrides) -> dict:
    data = {
        "type": "bus_fare",
        "amount": "2.25",
        "given_on": timezone.localdate().isoformat(),
        "budget_line": budget_line.pk,
        "description": "Metrobus to class",
    }
    return {**data, **overrides}


def _decide(client, item, decision: str, note: str = ""):
    if decision == "reject" and not note:
        note = "Not in this budget."  # a rejection needs its reason
    return client.post(
        reverse("participants:support_item_decide", args=[item.pk]), {"decision": decision, "note": note}
    )


# --- Logging support -------------------------------------------------------------------


def test_a_225_bus_fare_counts_immediately(client, navigator, assigned, transportation):
    client.force_login(navigator)
    response = client.post(_new_item_url(assigned), _form(transportation))
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[assigned.pk])
    item = SupportItem.objects.get()
    assert (item.type, item.amount, item.state) == ("bus_fare", Decimal("2.25"), "approved")
    assert item.logged_by == navigator and item.budget_line == transportation
    totals = selectors.support_totals(items=assigned.support_items.all())
    assert totals["total"] == Decimal("2.25") and totals["count"] == 1


def test_the_form_shows_the_fields_with_labels_and_a_file_upload(client, navigator, assigned):
    client.force_login(navigator)
    body = client.get(_new_item_url(assigned)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'inputmode="decimal"' in body
    assert 'accept=".pdf,.png,.jpg,.jpeg"' in body
    for label in ("Type of support", "Amount (US dollars)", "Date given", "Budget line", "Receipt"):
        assert label in body


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than zero."),
        ("0.00", "The amount must be more than zero."),
        ("-5", "The amount must be more than zero."),
        ("2000.01", "One item cannot be more than $2,000.00."),
        ("2500", "One item cannot be more than $2,000.00."),
        ("2.255", "Ensure that there are no more than 2 decimal places."),
        ("abc", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_bad_amounts_are_refused_on_the_amount_field(
    client, navigator, assigned, transportation, amount, message
):
    client.force_login(navigator)
    response = client.post(_new_item_url(assigned), _form(transportation, amount=amount))
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [message]
    assert not SupportItem.objects.exists()


def test_an_amount_exactly_at_the_cap_is_accepted(client, navigator, assigned, transportation):
    client.force_login(navigator)
    client.post(_new_item_url(assigned), _form(transportation, amount="2000.00", type="technology"))
    assert SupportItem.objects.get().amount == Decimal("2000.00")


def test_the_cap_is_configurable(client, navigator, assigned, transportation, settings):
    settings.MTW_SUPPORT_ITEM_CAP = 100
    client.force_login(navigator)
    response = client.post(_new_item_url(assigned), _form(transportation, amount="100.01"))
    assert response.context["form"].errors["amount"] == ["One item cannot be more than $100.00."]
    client.post(_new_item_url(assigned), _form(transportation, amount="100.00"))
    assert SupportItem.objects.get().amount == Decimal("100.00")


def test_the_service_refuses_more_than_two_decimals_and_non_finite_amounts(navigator, assigned, log_support):
    for amount in ("2.255", "NaN", "Infinity"):
        with pytest.raises(ValidationError) as error:
            log_support(assigned, navigator, amount)
        assert "amount" in error.value.message_dict
    assert log_support(assigned, navigator, "2.250").amount == Decimal("2.25")


def test_a_date_in_the_future_is_refused(client, navigator, assigned, transportation):
    client.force_login(navigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(_new_item_url(assigned), _form(transportation, given_on=tomorrow))
    assert response.context["form"].errors["given_on"] == ["The date cannot be in the future."]
    assert not SupportItem.objects.exists()


def test_today_and_past_dates_are_accepted(client, navigator, assigned, transportation):
    client.force_login(navigator)
    for day in (timezone.localdate(), timezone.localdate() - timedelta(days=30)):
        response = client.post(_new_item_url(assigned), _form(transportation, given_on=day.isoformat()))
        assert response.status_code == 302
    assert SupportItem.objects.count() == 2


def test_a_closed_budget_line_is_refused(navigator, assigned, transportation, log_support):
    transportation.is_active = False
    transportation.save()
    with pytest.raises(ValidationError) as error:
        log_support(assigned, navigator, budget_line=transportation)
    assert "budget_line" in error.value.message_dict


def test_another_organizations_navigator_cannot_log_support(
    client, other_navigator, assigned, transportation
):
    client.force_login(other_navigator)
    assert client.get(_new_item_url(assigned)).status_code == 404
    assert client.post(_new_item_url(assigned), _form(transportation)).status_code == 404
    assert not SupportItem.objects.exists()


def test_grant_staff_can_log_support(client, grant_staff, assigned, transportation):
    client.force_login(grant_staff)
    assert client.post(_new_item_url(assigned), _form(transportation)).status_code == 302
    assert SupportItem.objects.get().logged_by == grant_staff


# --- Second approval -------------------------------------------------------------------


def test_an_item_at_the_threshold_counts_and_one_above_waits_for_approval(navigator, assigned, log_support):
    at = log_support(assigned, navigator, "250.00", type="daycare")
    above = log_support(assigned, navigator, "250.01", type="daycare")
    assert at.state == "approved"
    assert above.state == "awaiting_approval"
    totals = selectors.support_totals(items=assigned.support_items.all())
    assert totals["total"] == Decimal("250.00") and totals["count"] == 1


def test_the_threshold_is_configurable(navigator, assigned, log_support, settings):
    settings.MTW_SUPPORT_APPROVAL_THRESHOLD = 10
    assert log_support(assigned, navigator, "10.01").state == "awaiting_approval"


def test_the_logger_cannot_approve_their_own_item(client, navigator, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(navigator)
    response = _decide(client, item, "approve")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "awaiting_approval"
    page = client.get(response["Location"]).content.decode()
    assert "A second person must approve: you logged this item yourself." in page


def test_a_second_navigator_of_the_organization_approves_and_it_counts(
    client, navigator, colleague, assigned, log_support
):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    _decide(client, item, "approve")
    item.refresh_from_db()
    assert item.state == "approved" and item.decided_by == colleague and item.decided_at
    assert selectors.support_totals(items=assigned.support_items.all())["total"] == Decimal("600.00")


def test_a_rejected_item_never_counts(client, navigator, colleague, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    _decide(client, item, "reject")
    item.refresh_from_db()
    assert item.state == "rejected"
    assert selectors.support_totals(items=assigned.support_items.all())["total"] == Decimal("0.00")


def test_a_decided_item_cannot_be_decided_again(
    client, navigator, colleague, grant_staff, assigned, log_support
):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    _decide(client, item, "reject")
    client.force_login(grant_staff)
    _decide(client, item, "approve")
    item.refresh_from_db()
    assert item.state == "rejected" and item.decided_by == colleague


def test_grant_staff_can_approve(client, navigator, grant_staff, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(grant_staff)
    _decide(client, item, "approve")
    item.refresh_from_db()
    assert item.state == "approved"


def test_a_navigator_of_another_organization_cannot_approve(
    client, navigator, other_navigator, assigned, log_support
):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(other_navigator)
    assert _decide(client, item, "approve").status_code == 404
    item.refresh_from_db()
    assert item.state == "awaiting_approval"


def test_the_decision_goes_back_to_a_local_page_only(client, navigator, colleague, assigned, log_support):
    item = log_support(assigned, navigator, "600.00", type="technology")
    client.force_login(colleague)
    response = client.post(
        reverse("participants:support_item_decide", args=[item.pk]),
        {"decision": "approve", "next": "https://evil.example/"},
    )
    assert response["Location"] == LEDGER


def test_the_participant_page_shows_approve_buttons_to_the_second_person_only(
    client, navigator, colleague, assigned, log_support
):
    item = log_support(assigned, navigator, "600.00", type="technology")
    decide = reverse("participants:support_item_decide", args=[item.pk])
    detail = reverse("participants:detail", args=[assigned.pk])
    client.force_login(navigator)
    mine = client.get(detail).content.decode()
    assert "Waiting for a second approval" in mine and decide not in mine
    client.force_login(colleague)
    assert decide in client.get(detail).content.decode()


# --- Receipts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("bus.pdf", PDF, "pdf"), ("ticket.png", PNG, "png"), ("photo.JPG", JPEG, "jpeg"), ("scan", PDF, "pdf")],
)
def test_pdf_png_and_jpeg_receipts_are_accepted_by_their_content(
    client, navigator, assigned, transportation, name, content, kind
):
    client.force_login(navigator)
    response = client.post(
        _new_item_url(assigned), {**_form(transportation), "receipt": upload(name, content)}
    )
    assert response.status_code == 302
    item = SupportItem.objects.get()
    assert item.receipt.name.startswith(f"receipts/{assigned.pk}/")
    assert item.receipt.name.endswith(f".{kind}")
    assert item.receipt.read() == content


def test_a_text_file_named_pdf_is_refused(client, navigator, assigned, transportation):
    client.force_login(navigator)
    fake = upload("receipt.pdf", b"just some text, not a PDF", "application/pdf")
    response = client.post(_new_item_url(assigned), {**_form(transportation), "receipt": fake})
    assert response.context["form"].errors["receipt"] == ["A receipt must be a PDF, PNG or JPEG file."]
    assert not SupportItem.objects.exists()


def test_an_oversize_receipt_is_refused(client, navigator, assigned, transportation, settings):
    settings.MTW_RECEIPT_MAX_MB = 1
    client.force_login(navigator)
    big = upload("big.pdf", PDF + b"0" * int(1.1 * 1024 * 1024), "application/pdf")
    response = client.post(_new_item_url(assigned), {**_form(transportation), "receipt": big})
    assert response.context["form"].errors["receipt"] == ["The receipt is larger than 1 MB."]
    assert not SupportItem.objects.exists()


def test_an_empty_receipt_is_refused_without_an_error_page(client, navigator, assigned, transportation):
    client.force_login(navigator)
    response = client.post(
        _new_item_url(assigned), {**_form(transportation), "receipt": upload("a.pdf", b"")}
    )
    assert response.status_code == 200
    assert "receipt" in response.context["form"].errors


def test_the_senders_file_name_is_never_used(navigator, assigned, log_support):
    item = log_support(assigned, navigator, receipt=upload("../../../static/evil.html", PDF))
    assert item.receipt.name.startswith(f"receipts/{assigned.pk}/") and item.receipt.name.endswith(".pdf")
    assert "evil" not in item.receipt.name


@pytest.fixture
def receipt_item(brainstation_enrollment, assigned, navigator, log_support):
    """A bus fare with a PDF receipt, for a participant BrainStation's staff can see."""
    return log_support(assigned, navigator, receipt=upload("bus.pdf", PDF))


def _receipt(client, user, item):
    client.force_login(user)
    return client.get(reverse("participants:support_item_receipt", args=[item.pk]))


@pytest.mark.parametrize("who", ["navigator", "colleague", "grant_staff", "participant"])
def test_the_receipt_is_served_to_those_allowed(client, receipt_item, request, who):
    response = _receipt(client, request.getfixturevalue(who), receipt_item)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="receipt-{receipt_item.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "who",
    [
        "other_navigator",
        "provider_member",
        "read_only_provider_member",
        "employer_member",
        "other_participant",
    ],
)
def test_the_receipt_is_404_to_everyone_else(client, receipt_item, request, who):
    assert _receipt(client, request.getfixturevalue(who), receipt_item).status_code == 404


def test_a_png_receipt_is_served_as_an_image(client, navigator, assigned, log_support):
    item = log_support(assigned, navigator, receipt=upload("ticket.png", PNG))
    response = _receipt(client, navigator, item)
    assert response["Content-Type"] == "image/png"


def test_a_receipt_missing_from_storage_is_404_not_an_error(client, navigator, receipt_item):
    receipt_item.receipt.storage.delete(receipt_item.receipt.name)
    assert _receipt(client, navigator, receipt_item).status_code == 404


def test_an_item_without_a_receipt_has_no_receipt_page(client, navigator, assigned, log_support):
    item = log_support(assigned, navigator)
    assert _receipt(client, navigator, item).status_code == 404


# --- Support requests -------------------------------------------------------------------


@pytest.fixture
def bus_request(assigned) -> SupportRequest:
    return services.support_request_create(
        participant=assigned,
        type="bus_fare",
        details="I need bus fare to get to class.",
        amount=Decimal("2.25"),
    )


def _decide_request(client, support_request, data: dict, files: dict | None = None):
    return client.post(
        reverse("participants:support_request_decide", args=[support_request.pk]), {**data, **(files or {})}
    )


def _approval(budget_line, **overrides) -> dict:
    data = {
        "decision": "approve",
        "approve-amount": "2.25",
        "approve-given_on": timezone.localdate().isoformat(),
        "approve-budget_line": budget_line.pk,
        "approve-note": "Here is your fare for this week.",
    }
    return {**data, **overrides}


def test_the_request_page_shows_the_request_and_both_forms(client, navigator, bus_request):
    client.force_login(navigator)
    response = client.get(reverse("participants:support_request_decide", args=[bus_request.pk]))
    body = response.content.decode()
    assert "I need bus fare to get to class." in body
    assert response.context["approve_form"]["amount"].value() == Decimal("2.25")
    assert 'enctype="multipart/form-data"' in body
    assert "Approve and save the support" in body and "Decline the request" in body


def test_approving_a_request_logs_the_item_and_the_participant_sees_it(
    client, navigator, participant, bus_request, transportation
):
    client.force_login(navigator)
    response = _decide_request(
        client, bus_request, _approval(transportation), {"approve-receipt": upload("r.pdf", PDF)}
    )
    assert response.status_code == 302
    bus_request.refresh_from_db()
    assert bus_request.state == "approved" and bus_request.decided_by == navigator
    assert bus_request.decision_note == "Here is your fare for this week."
    item = bus_request.item
    assert (item.type, item.amount, item.state) == ("bus_fare", Decimal("2.25"), "approved")
    assert item.receipt
    client.force_login(participant)
    home = client.get(reverse("participants:home")).content.decode()
    assert "Bus fare" in home and "$2.25" in home


def test_approving_a_request_checks_the_same_rules(client, navigator, bus_request, transportation):
    client.force_login(navigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _decide_request(
        client,
        bus_request,
        _approval(transportation, **{"approve-amount": "2000.01", "approve-given_on": tomorrow}),
    )
    assert response.status_code == 200
    assert response.context["approve_form"].errors["amount"] == ["One item cannot be more than $2,000.00."]
    response = _decide_request(
        client, bus_request, _approval(transportation, **{"approve-given_on": tomorrow})
    )
    assert response.context["approve_form"].errors["given_on"] == ["The date cannot be in the future."]
    bus_request.refresh_from_db()
    assert bus_request.state == "open" and not SupportItem.objects.exists()


def test_declining_without_a_note_is_refused(client, navigator, bus_request):
    client.force_login(navigator)
    response = _decide_request(client, bus_request, {"decision": "decline", "decline-note": "  "})
    assert response.status_code == 200
    assert response.context["decline_form"].errors["note"] == ["Tell the participant why."]
    bus_request.refresh_from_db()
    assert bus_request.state == "open"


def test_declining_with_a_note_tells_the_participant(client, navigator, participant, bus_request):
    client.force_login(navigator)
    response = _decide_request(
        client, bus_request, {"decision": "decline", "decline-note": "Your program covers transit."}
    )
    assert response.status_code == 302
    bus_request.refresh_from_db()
    assert bus_request.state == "declined" and not SupportItem.objects.exists()
    client.force_login(participant)
    assert "Your program covers transit." in client.get(reverse("participants:home")).content.decode()


def test_an_answered_request_cannot_be_answered_again(client, navigator, bus_request, transportation):
    client.force_login(navigator)
    _decide_request(client, bus_request, {"decision": "decline", "decline-note": "No."})
    response = _decide_request(client, bus_request, _approval(transportation))
    assert response.status_code == 302
    bus_request.refresh_from_db()
    assert bus_request.state == "declined" and not SupportItem.objects.exists()


def test_another_organizations_navigator_cannot_see_the_request(
    client, other_navigator, bus_request, transportation
):
    client.force_login(other_navigator)
    url = reverse("participants:support_request_decide", args=[bus_request.pk])
    assert client.get(url).status_code == 404
    assert _decide_request(client, bus_request, _approval(transportation)).status_code == 404


def test_a_request_above_the_threshold_is_approved_but_waits_for_a_second_person(
    client, navigator, bus_request, transportation
):
    client.force_login(navigator)
    _decide_request(client, bus_request, _approval(transportation, **{"approve-amount": "300"}))
    assert bus_request.item.state == "awaiting_approval"


# --- Totals and the ledger page -------------------------------------------------------------


@pytest.fixture
def mixed_ledger(navigator, colleague, assigned, log_support, childcare):
    """Approved, awaiting, rejected: only approved items count."""
    log_support(assigned, navigator, "2.25")
    log_support(assigned, navigator, "3.00")
    log_support(assigned, navigator, "120.00", type="daycare", budget_line=childcare)
    log_support(assigned, navigator, "1500.00", type="daycare", budget_line=childcare)  # awaiting
    rejected = log_support(assigned, navigator, "500.00", type="technology")
    services.support_item_decide(item=rejected, by=colleague, approve=False, note="Over budget.")


def test_per_type_totals_count_approved_items_only(assigned, mixed_ledger):
    totals = selectors.support_totals(items=assigned.support_items.all())
    by_type = {value: (total, count) for value, _label, total, count in totals["by_type"]}
    assert by_type["bus_fare"] == (Decimal("5.25"), 2)
    assert by_type["daycare"] == (Decimal("120.00"), 1)
    assert by_type["technology"] == (Decimal("0.00"), 0)
    assert by_type["gas_card"] == (Decimal("0.00"), 0)
    assert (totals["total"], totals["count"]) == (Decimal("125.25"), 3)


def test_the_ledger_shows_items_awaiting_approval_first_then_totals_items_and_requests(
    client, colleague, assigned, mixed_ledger, bus_request
):
    client.force_login(colleague)
    response = client.get(LEDGER)
    body = response.content.decode()
    assert [item.amount for item in response.context["awaiting"]] == [Decimal("1500.00")]
    assert body.index("Waiting for approval") < body.index("Totals by type") < body.index("All support given")
    assert "$1,500.00" in body and "$125.25" in body and "$5.25" in body
    assert list(response.context["support_requests"]) == [bus_request]
    assert reverse("participants:support_request_decide", args=[bus_request.pk]) in body


def test_the_ledger_holds_only_my_organizations_support(
    client, navigator, other_navigator, assigned, other_record, log_support
):
    mine = log_support(assigned, navigator, "2.25")
    theirs = log_support(other_record, other_navigator, "7.00")
    client.force_login(navigator)
    response = client.get(LEDGER)
    assert list(response.context["page"].object_list) == [mine]
    assert theirs not in response.context["page"].object_list
    assert "$7.00" not in response.content.decode()


def test_grant_staff_see_every_organizations_support(
    client, grant_staff, navigator, other_navigator, assigned, other_record, log_support
):
    log_support(assigned, navigator, "2.25")
    log_support(other_record, other_navigator, "7.00")
    client.force_login(grant_staff)
    assert client.get(LEDGER).context["support_totals"]["total"] == Decimal("9.25")


def test_the_ledger_is_paginated(client, navigator, assigned, log_support):
    for _ in range(27):
        log_support(assigned, navigator, "1.00")
    client.force_login(navigator)
    assert len(client.get(LEDGER).context["page"].object_list) == 25
    assert len(client.get(LEDGER, {"page": 2}).context["page"].object_list) == 2


def test_provider_staff_see_no_support_through_the_selectors(provider_member, receipt_item, bus_request):
    assert not selectors.support_ledger(viewer=provider_member).exists()
    assert not selectors.support_request_list(viewer=provider_member).exists()


# --- The demo, end to end -----------------------------------------------------------------


def test_demo_navigator_takes_logs_two_supports_and_writes_a_note_the_participant_sees_them(
    client, navigator, participant, record, transportation, childcare
):
    client.force_login(navigator)
    client.post(reverse("participants:assign", args=[record.pk]))
    client.post(_new_item_url(record), _form(transportation))
    client.post(
        _new_item_url(record),
        _form(childcare, type="daycare", amount="180.00", description="A week of daycare"),
    )
    client.post(
        reverse("participants:case_note_add", args=[record.pk]), {"body": "Met at OIC; starts Monday."}
    )
    detail = client.get(reverse("participants:detail", args=[record.pk])).content.decode()
    assert "Met at OIC; starts Monday." in detail and "$182.25" in detail
    client.force_login(participant)
    home = client.get(reverse("participants:home")).content.decode()
    assert "Bus fare" in home and "$2.25" in home
    assert "Daycare" in home and "$180.00" in home
    assert "Met at OIC" not in home  # case notes stay with navigators


# --- A receipt is never dropped silently ----------------------------------------------------------


def test_a_receipt_chosen_with_another_error_is_kept_by_name_and_the_other_fields_are_kept(
    client, navigator, assigned, transportation
):
    client.force_login(navigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        _new_item_url(assigned),
        {**_form(transportation, given_on=tomorrow), "receipt": upload("fare-card.pdf", PDF)},
    )
    assert response.status_code == 200 and not SupportItem.objects.exists()
    form = response.context["form"]
    assert "receipt" not in form.errors
    assert form.fields["receipt"].help_text == "“fare-card.pdf” is kept; choose another file to replace it."
    assert form["pending_receipt"].value()
    assert form["description"].value() == "Metrobus to class" and form["amount"].value() == "2.25"


def test_a_form_error_without_a_receipt_adds_no_receipt_message(client, navigator, assigned, transportation):
    client.force_login(navigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(_new_item_url(assigned), _form(transportation, given_on=tomorrow))
    assert "receipt" not in response.context["form"].errors


def test_approving_a_request_with_an_error_keeps_the_receipt_by_name(
    client, navigator, bus_request, transportation
):
    client.force_login(navigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _decide_request(
        client,
        bus_request,
        _approval(transportation, **{"approve-given_on": tomorrow}),
        {"approve-receipt": upload("r.pdf", PDF)},
    )
    form = response.context["approve_form"]
    assert "receipt" not in form.errors and "“r.pdf” is kept" in form.fields["receipt"].help_text
