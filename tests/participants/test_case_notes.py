"""Case notes: written and read by the organization's navigators and grant staff, nobody else."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import services
from participants.models import CaseNote

NOTE = "Lost her job last week; worried about rent. Follow up Friday."


def _detail(record) -> str:
    return reverse("participants:detail", args=[record.pk])


def _add(record) -> str:
    return reverse("participants:case_note_add", args=[record.pk])


@pytest.fixture
def note(assigned, navigator) -> CaseNote:
    return services.case_note_add(participant=assigned, author=navigator, body=NOTE)


def test_navigator_writes_a_note_and_reads_it_on_the_record(client, navigator, assigned):
    client.force_login(navigator)
    response = client.post(_add(assigned), {"body": f"  {NOTE}  "})
    assert response.status_code == 302
    assert response["Location"] == _detail(assigned) + "#notes"
    saved = CaseNote.objects.get()
    assert (saved.participant, saved.author, saved.body) == (assigned, navigator, NOTE)
    assert NOTE in client.get(_detail(assigned)).content.decode()


def test_a_colleague_of_the_organization_reads_the_note(client, colleague, note):
    client.force_login(colleague)
    assert NOTE in client.get(_detail(note.participant)).content.decode()


def test_grant_staff_read_and_write_notes(client, grant_staff, note):
    client.force_login(grant_staff)
    assert NOTE in client.get(_detail(note.participant)).content.decode()
    client.post(_add(note.participant), {"body": "Checked the file for the quarterly report."})
    assert CaseNote.objects.filter(author=grant_staff).count() == 1


def test_notes_are_listed_newest_first(client, navigator, note):
    services.case_note_add(participant=note.participant, author=navigator, body="Second note")
    client.force_login(navigator)
    notes = list(client.get(_detail(note.participant)).context["case_notes"])
    assert [n.body for n in notes] == ["Second note", NOTE]


def test_an_empty_note_is_refused_on_the_field(client, navigator, assigned):
    client.force_login(navigator)
    response = client.post(_add(assigned), {"body": "   "})
    assert response.status_code == 200
    assert response.context["note_form"].errors["body"] == ["This field is required."]
    assert not CaseNote.objects.exists()


def test_a_note_too_long_is_refused(client, navigator, assigned):
    client.force_login(navigator)
    response = client.post(_add(assigned), {"body": "x" * 5001})
    assert "body" in response.context["note_form"].errors
    with pytest.raises(ValidationError):
        services.case_note_add(participant=assigned, author=navigator, body="x" * 5001)
    assert not CaseNote.objects.exists()


def test_a_navigator_of_another_organization_gets_404_and_writes_nothing(client, other_navigator, note):
    client.force_login(other_navigator)
    assert client.get(_detail(note.participant)).status_code == 404
    assert client.post(_add(note.participant), {"body": "Sneaky"}).status_code == 404
    assert CaseNote.objects.count() == 1


def test_the_service_refuses_a_navigator_of_another_organization(other_navigator, assigned):
    with pytest.raises(ValidationError):
        services.case_note_add(participant=assigned, author=other_navigator, body="Sneaky")


def test_provider_staff_see_the_record_but_not_the_notes(
    client, provider_member, brainstation_enrollment, note
):
    client.force_login(provider_member)
    response = client.get(_detail(note.participant))
    assert response.status_code == 200
    body = response.content.decode()
    assert NOTE not in body
    assert "Case notes" not in body
    assert "case_notes" not in response.context


def test_provider_staff_cannot_write_notes(client, provider_member, brainstation_enrollment, note):
    client.force_login(provider_member)
    assert client.post(_add(note.participant), {"body": "Hello"}).status_code == 403
    assert CaseNote.objects.count() == 1


def test_participants_never_see_or_write_notes(client, participant, note):
    client.force_login(participant)
    assert NOTE not in client.get(reverse("participants:home")).content.decode()
    assert client.post(_add(note.participant), {"body": "Hi"}).status_code == 403
    # The data download has every note written about them (tests/participants/test_data_download.py).


def test_notes_answer_post_only(client, navigator, assigned):
    client.force_login(navigator)
    assert client.get(_add(assigned)).status_code == 405
