"""The roster import writes in bulk: a few queries per batch whatever the number of new people, their
change history written as a save would write it, one task after the commit for all their invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from celery.signals import task_prerun
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mtw_portal.accounts.models import Invitation, User
from mtw_portal.accounts.services import invitations_send
from mtw_portal.imports.importers import read_table
from participants.models import Participant
from programs.imports import COLUMNS, EnrollmentRosterImporter
from programs.models import Credential, Enrollment, EnrollmentEvent
from tests import factories
from tests.programs.test_roster_import import BOOTCAMP, END, START, csv_bytes, people, row, snapshot


@pytest.fixture
def cohort(brainstation):
    program = factories.program(provider=brainstation, name=BOOTCAMP)
    return factories.cohort(program=program, start_date=START, seats=5000)


def mixed_people(count: int, prefix: str = "person") -> list[dict]:
    """New people: active, and completed with a credential (every kind of record a new row writes)."""
    rows = people(count)
    for i, values in enumerate(rows):
        values["email"] = f"{prefix}{i}@example.org"
        if i % 2:
            values.update(status="completed", end_date=END.isoformat(), credential="UX Certificate")
    return rows


def queries_to_import(count: int, *, actor=None, prefix: str = "person") -> int:
    table = read_table(csv_bytes(mixed_people(count, prefix)), COLUMNS)
    with CaptureQueriesContext(connection) as queries:
        result = EnrollmentRosterImporter(actor=actor).apply(table)
    assert result.applied and result.counts["created"] == count
    return len(queries)


def test_importing_50_new_people_takes_no_more_queries_than_10_but_a_batch_or_two(cohort):
    ten = queries_to_import(10, prefix="first")
    fifty = queries_to_import(50, prefix="second")
    # A query per row would add 40 or more; bulk inserts may split into one more batch each on SQLite
    # (at most 999 values per statement), never per row.
    assert fifty - ten <= 6, (ten, fifty)
    assert ten <= 40


def test_every_new_person_gets_their_invitation_from_one_task_after_the_commit(
    cohort, mailoutbox, django_capture_on_commit_callbacks
):
    ran = []

    def note(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(note)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = EnrollmentRosterImporter().apply(read_table(csv_bytes(people(30)), COLUMNS))
        assert result.applied
        assert ran == [] and mailoutbox == []  # nothing is sent before the commit
        for callback in callbacks:
            callback()
    finally:
        task_prerun.disconnect(note)
    assert ran.count("mtw_portal.accounts.tasks.invitations_send") == 1
    assert "mtw_portal.accounts.tasks.invitation_send" not in ran
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"person{i}@example.org" for i in range(30))
    assert Invitation.objects.filter(sent_at=None).count() == 0


class FailsForOneAddress(EmailBackend):
    """The mail server refuses one address (an outside service failing), and takes the others."""

    def send_messages(self, messages):
        if any("person3@" in address for m in messages for address in m.to):
            raise OSError("mail server refused the message")
        return super().send_messages(messages)


def test_one_invitation_that_cannot_be_sent_does_not_stop_the_others_and_is_left_for_the_sweep(
    cohort, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailsForOneAddress"
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        EnrollmentRosterImporter().apply(read_table(csv_bytes(people(6)), COLUMNS))
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.org" for i in (0, 1, 2, 4, 5)]
    unsent = Invitation.objects.get(sent_at=None)
    assert unsent.user.email == "person3@example.org"
    # The task again (a retry): sends nothing twice, and the one it could not send stays for the sweep.
    assert invitations_send(invitation_ids=list(Invitation.objects.values_list("pk", flat=True))) == 0
    assert len(mail.outbox) == 5


def test_bulk_written_records_have_their_change_history_with_the_actor(cohort, grant_staff):
    with set_actor(grant_staff):  # what the audit middleware sets around an upload's confirmation
        queries_to_import(4, actor=grant_staff)
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=grant_staff)
    emails = [f"person{i}@example.org" for i in range(4)]
    imported = {
        User: User.objects.filter(email__in=emails),
        Participant: Participant.objects.filter(user__email__in=emails),
        Enrollment: Enrollment.objects.all(),
        Credential: Credential.objects.all(),
    }
    for model, count in ((User, 4), (Participant, 4), (Enrollment, 4), (Credential, 2)):
        entries = created.filter(content_type__model=model._meta.model_name)
        assert sorted(entries.values_list("object_id", flat=True)) == sorted(
            imported[model].values_list("pk", flat=True)
        ), model
        assert entries.count() == count
    entry = created.get(
        content_type__model="user", object_id=User.objects.get(email="person1@example.org").pk
    )
    assert entry.changes["email"] == ["None", "person1@example.org"]
    assert "password" not in entry.changes  # the history's own field list (include_fields) holds
    assert EnrollmentEvent.objects.filter(actor=grant_staff, source="import", from_status="").count() == 4


def test_a_bad_last_row_of_a_long_file_writes_nothing(cohort, mailoutbox, django_capture_on_commit_callbacks):
    rows = mixed_people(1500)
    rows.append(
        row(email="late@example.org", end_date=(timezone.localdate() + timedelta(days=1)).isoformat())
    )
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        result = EnrollmentRosterImporter().apply(read_table(csv_bytes(rows), COLUMNS))
    assert not result.applied
    assert [str(e) for e in result.errors] == ["row 1502, end_date: must be empty when the status is active"]
    assert snapshot() == before
    assert mailoutbox == []
