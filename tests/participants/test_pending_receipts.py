"""Forms never lose an upload silently: a receipt chosen on a support form that comes back with
errors is kept server-side (for its uploader only, for a day) and attached on the next valid post."""

import os
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import PendingReceipt, SupportItem, SupportRequest
from tests.participants.conftest import PDF, PNG, upload


def _url(record) -> str:
    return reverse("participants:support_item_new", args=[record.pk])


def _form(budget_line, **overrides) -> dict:
    return {
        "type": "bus_fare",
        "amount": "2.25",
        "given_on": timezone.localdate().isoformat(),
        "budget_line": budget_line.pk,
        "description": "Metrobus to class",
        **overrides,
    }


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def _kept_token(client, record, budget_line, name="fare-card.pdf", content=PDF) -> str:
    """Post with an error and a receipt: the token the page gives back."""
    response = client.post(
        _url(record), {**_form(budget_line, given_on=_tomorrow()), "receipt": upload(name, content)}
    )
    assert response.status_code == 200 and not SupportItem.objects.exists()
    token = response.context["form"]["pending_receipt"].value()
    assert token
    return token


def test_the_kept_receipt_is_attached_on_the_next_valid_post(
    client, navigator, assigned, transportation, django_capture_on_commit_callbacks
):
    client.force_login(navigator)
    token = _kept_token(client, assigned, transportation)
    kept = PendingReceipt.objects.get()
    assert kept.owner == navigator and kept.original_name == "fare-card.pdf"
    assert kept.file.name.startswith("pending/") and Path(kept.file.path).read_bytes() == PDF
    page = client.get(_url(assigned))  # nothing kept shows on a fresh form
    assert "is kept" not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(assigned), {**_form(transportation), "pending_receipt": token})
    assert response.status_code == 302
    item = SupportItem.objects.get()
    assert item.receipt.name.startswith(f"receipts/{assigned.pk}/") and item.receipt.read() == PDF
    assert not PendingReceipt.objects.exists()
    assert not Path(kept.file.path).exists()  # the kept copy is deleted once the item is saved


def test_the_page_says_the_receipt_is_kept_and_carries_the_token(client, navigator, assigned, transportation):
    client.force_login(navigator)
    response = client.post(
        _url(assigned),
        {**_form(transportation, given_on=_tomorrow()), "receipt": upload("fare-card.pdf", PDF)},
    )
    body = response.content.decode()
    assert "“fare-card.pdf” is kept; choose another file to replace it." in body
    token = response.context["form"]["pending_receipt"].value()
    assert f'type="hidden" name="pending_receipt" value="{token}"' in body


def test_a_file_chosen_again_replaces_the_kept_one(
    client, navigator, assigned, transportation, django_capture_on_commit_callbacks
):
    client.force_login(navigator)
    token = _kept_token(client, assigned, transportation)
    first = PendingReceipt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(assigned),
            {**_form(transportation), "pending_receipt": token, "receipt": upload("photo.png", PNG)},
        )
    assert response.status_code == 302
    assert SupportItem.objects.get().receipt.read() == PNG
    assert not PendingReceipt.objects.exists() and not Path(first.file.path).exists()


def test_a_second_error_keeps_the_receipt_kept_before(client, navigator, assigned, transportation):
    client.force_login(navigator)
    token = _kept_token(client, assigned, transportation)
    response = client.post(
        _url(assigned), {**_form(transportation, given_on=_tomorrow()), "pending_receipt": token}
    )
    form = response.context["form"]
    assert "“fare-card.pdf” is kept" in form.fields["receipt"].help_text
    assert PendingReceipt.objects.count() == 1
    response = client.post(
        _url(assigned), {**_form(transportation), "pending_receipt": form["pending_receipt"].value()}
    )
    assert response.status_code == 302 and SupportItem.objects.get().receipt.read() == PDF


def test_another_users_token_is_refused(client, navigator, colleague, assigned, transportation):
    client.force_login(navigator)
    token = _kept_token(client, assigned, transportation)
    client.force_login(colleague)  # may log support for the same person, but did not upload it
    response = client.post(_url(assigned), {**_form(transportation), "pending_receipt": token})
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"] == [
        "The kept receipt can no longer be used: choose the file again."
    ]
    assert not SupportItem.objects.exists()
    assert PendingReceipt.objects.get().owner == navigator  # still there for its uploader


def test_the_service_refuses_someone_elses_kept_receipt(navigator, colleague, assigned, transportation):
    kept = services.pending_receipt_keep(owner=navigator, upload=upload("r.pdf", PDF))
    with pytest.raises(Exception) as refused:
        services.support_item_log(
            participant=assigned,
            by=colleague,
            type="bus_fare",
            amount=Decimal("2.25"),
            given_on=timezone.localdate(),
            budget_line=transportation,
            pending_receipt=kept,
        )
    assert "can no longer be used" in str(refused.value)
    assert not SupportItem.objects.exists()


def test_an_altered_or_expired_token_is_refused(client, navigator, assigned, transportation):
    client.force_login(navigator)
    token = _kept_token(client, assigned, transportation)
    response = client.post(_url(assigned), {**_form(transportation), "pending_receipt": token + "x"})
    assert "receipt" in response.context["form"].errors
    PendingReceipt.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(_url(assigned), {**_form(transportation), "pending_receipt": token})
    assert "receipt" in response.context["form"].errors
    assert not SupportItem.objects.exists()


def test_a_file_that_is_not_a_receipt_is_not_kept(client, navigator, assigned, transportation):
    client.force_login(navigator)
    response = client.post(
        _url(assigned),
        {**_form(transportation, given_on=_tomorrow()), "receipt": upload("notes.pdf", b"MZ not a pdf")},
    )
    form = response.context["form"]
    assert form.errors["receipt"] == ["A receipt must be a PDF, PNG or JPEG file."]
    assert not form["pending_receipt"].value()
    assert not PendingReceipt.objects.exists()


def test_an_oversized_file_is_not_kept(client, navigator, assigned, transportation, settings):
    settings.MTW_RECEIPT_MAX_MB = 0
    client.force_login(navigator)
    response = client.post(
        _url(assigned), {**_form(transportation, given_on=_tomorrow()), "receipt": upload("r.pdf", PDF)}
    )
    assert "larger than" in response.context["form"].errors["receipt"][0]
    assert not PendingReceipt.objects.exists()


def test_approving_a_request_attaches_the_receipt_kept_from_the_first_try(
    client, navigator, assigned, transportation
):
    support_request = services.support_request_create(
        participant=assigned, type="bus_fare", details="Bus fare to class.", amount=Decimal("2.25")
    )
    url = reverse("participants:support_request_decide", args=[support_request.pk])
    approval = {
        "decision": "approve",
        "approve-amount": "2.25",
        "approve-given_on": timezone.localdate().isoformat(),
        "approve-budget_line": transportation.pk,
    }
    client.force_login(navigator)
    response = client.post(
        url, {**approval, "approve-given_on": _tomorrow(), "approve-receipt": upload("r.pdf", PDF)}
    )
    token = response.context["approve_form"]["pending_receipt"].value()
    assert token and PendingReceipt.objects.count() == 1
    response = client.post(url, {**approval, "approve-pending_receipt": token})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.state == SupportRequest.State.APPROVED
    assert support_request.item.receipt.read() == PDF
    assert not PendingReceipt.objects.exists()


# --- The nightly purge ------------------------------------------------------------------------


def test_the_purge_deletes_expired_kept_receipts_and_their_files_once(
    navigator, django_capture_on_commit_callbacks
):
    expired = services.pending_receipt_keep(owner=navigator, upload=upload("old.pdf", PDF))
    fresh = services.pending_receipt_keep(owner=navigator, upload=upload("new.pdf", PDF))
    PendingReceipt.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_receipts_purge() == 1
    assert list(PendingReceipt.objects.all()) == [fresh]
    assert not Path(expired.file.path).exists() and Path(fresh.file.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_receipts_purge() == 0  # idempotent
    assert Path(fresh.file.path).exists()


def test_the_purge_deletes_old_files_no_row_names(navigator, settings):
    stray = Path(settings.MEDIA_ROOT) / "pending" / "left-behind.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(PDF)
    recent = stray.with_name("just-written.pdf")
    recent.write_bytes(PDF)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stray, (two_days_ago, two_days_ago))
    assert services.pending_receipts_purge() == 1
    assert not stray.exists() and recent.exists()


def test_the_purge_runs_nightly_in_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "participants.tasks.pending_receipts_purge" in tasks
