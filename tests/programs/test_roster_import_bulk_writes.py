"""The bulk writes behind the roster import write exactly what a save would: the same columns
(COPY on PostgreSQL, bulk_create elsewhere), the same change-history entry, no hashed password for an
unclaimed account, and a duplicate still refused by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.hashers import is_password_usable
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mtw_portal.accounts.models import Invitation, Role, User
from mtw_portal.audit.services import change_history_record_created
from mtw_portal.core import bulk
from mtw_portal.core.bulk import bulk_insert
from mtw_portal.imports.importers import read_table
from participants.models import Participant
from participants.services import participant_build_invited
from programs.imports import COLUMNS, EnrollmentRosterImporter
from programs.models import Credential, CredentialType, Enrollment, EnrollmentEvent, WithdrawalReason
from tests import factories
from tests.programs.test_roster_import import START, csv_bytes, people


@pytest.fixture
def copy_always(monkeypatch):
    """Every bulk write through COPY on PostgreSQL, even of one row (normally from 50 rows)."""
    monkeypatch.setattr(bulk, "COPY_MIN", 1)


@pytest.fixture
def cohort(brainstation):
    program = factories.program(provider=brainstation, name="UX Design")
    return factories.cohort(program=program, start_date=START, seats=50)


CONFIRMED_AT = timezone.now().replace(microsecond=123456)


def enrollments_to_write(cohort, count: int) -> list[Enrollment]:
    """New enrollments with every kind of value: enum members, dates, None, an aware datetime, text."""
    now = CONFIRMED_AT
    return [
        Enrollment(
            participant=factories.participant_record(),
            cohort=cohort,
            status=(Enrollment.Status.WITHDRAWN if i % 2 else Enrollment.Status.ACTIVE),
            enrolled_on=START + timedelta(days=i),
            end_date=START + timedelta(days=30) if i % 2 else None,
            withdrawal_reason=WithdrawalReason.OTHER if i % 2 else "",
            note=f"Reason not given in the roster. {i}" if i % 2 else "",
            origin=Enrollment.Origin.IMPORT,
            partner_confirmed_at=now if i % 2 else None,
        )
        for i in range(4)
    ]


def stored(enrollments) -> list[dict]:
    rows = Enrollment.objects.filter(pk__in=[e.pk for e in enrollments]).order_by("pk").values()
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_bulk_insert_stores_the_same_values_as_bulk_create(cohort, copy_always):
    copied = bulk_insert(Enrollment, enrollments_to_write(cohort, 4))
    created = Enrollment.objects.bulk_create(enrollments_to_write(cohort, 4))
    assert all(e.pk is not None and not e._state.adding for e in copied)
    own = ("participant_id", "applied_at", "created_at", "updated_at")  # each record's own person, times
    assert [{k: v for k, v in r.items() if k not in own} for r in stored(copied)] == [
        {k: v for k, v in r.items() if k not in own} for r in stored(created)
    ]
    assert len(stored(copied)) == 4


def test_a_duplicate_email_written_in_bulk_is_refused_by_the_database(db, copy_always):
    User.objects.create(email="taken@example.org", role=Role.PARTICIPANT)
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(User, [User(email="TAKEN@example.org".lower(), role=Role.PARTICIPANT)])
    assert User.objects.filter(email="taken@example.org").count() == 1


# Every model the roster import writes in bulk AND the change history tracks: its bulk-written entry
# (mtw_portal.audit.services.change_history_record_created, which re-implements django-auditlog's
# diff for a new record) must equal the one django-auditlog writes on a save().
BULK_WRITTEN_AND_TRACKED = ["user", "participant", "enrollment", "credential"]


@pytest.mark.parametrize("model_name", BULK_WRITTEN_AND_TRACKED)
def test_a_bulk_written_history_entry_equals_the_one_a_save_writes(
    cohort, grant_staff, copy_always, model_name
):
    def record(suffix: str, *, bulk_write: bool):
        user, participant = participant_build_invited(
            email=f"history-{suffix}@example.org", first_name="Ana", last_name="Pérez", zip_code="33127"
        )
        enrollment = Enrollment(
            cohort=cohort,
            status=Enrollment.Status.COMPLETED,
            enrolled_on=START,
            end_date=START + timedelta(days=40),
            origin=Enrollment.Origin.IMPORT,
        )
        credential = Credential(
            type=CredentialType.OCCUPATIONAL_CERTIFICATE,
            name="Google UX Design Certificate",
            issuer="Google",
            awarded_on=START + timedelta(days=41),
        )
        if bulk_write:
            bulk_insert(User, [user])
            participant.user = user
            bulk_insert(Participant, [participant])
            enrollment.participant = participant
            bulk_insert(Enrollment, [enrollment])
            credential.participant, credential.enrollment = participant, enrollment
            bulk_insert(Credential, [credential])
            change_history_record_created([user, participant, enrollment, credential])
        else:
            user.save()
            participant.user = user
            participant.save()
            enrollment.participant = participant
            enrollment.save()
            credential.participant, credential.enrollment = participant, enrollment
            credential.save()
        return {"user": user, "participant": participant, "enrollment": enrollment, "credential": credential}[
            model_name
        ]

    with set_actor(grant_staff, remote_addr="203.0.113.9"):
        saved = record("saved", bulk_write=False)
        written = record("bulk", bulk_write=True)

    def entry(instance) -> dict:
        logged = LogEntry.objects.get(
            content_type__model=model_name, object_pk=str(instance.pk), action=LogEntry.Action.CREATE
        )
        values = {f.attname: getattr(logged, f.attname) for f in LogEntry._meta.concrete_fields}
        for key in ("id", "timestamp", "object_pk", "object_id", "object_repr", "cid"):
            values.pop(key)
        own = {"id", "email", "user", "participant", "enrollment", "applied_at", "created_at", "updated_at"}
        values["changes"] = {k: v if k not in own else "own" for k, v in values["changes"].items()}
        return values

    expected, got = entry(saved), entry(written)
    assert got == expected
    assert got["actor_id"] == grant_staff.pk and got["remote_addr"] == "203.0.113.9"
    assert got["changes"]  # the comparison is of real content


def test_the_other_rows_the_roster_import_writes_in_bulk_have_no_change_history():
    """Email addresses, invitations and enrollment events are written in bulk with no history entry,
    as a save() writes none: if the history starts tracking one, it belongs in the comparison above
    (and in the import's change_history_record_created calls)."""
    untracked = [EmailAddress, Invitation, EnrollmentEvent]
    assert [model.__name__ for model in untracked if auditlog.contains(model)] == []
    assert all(auditlog.contains(model) for model in (User, Participant, Enrollment, Credential))


def test_an_imported_account_has_an_unusable_password_that_was_never_hashed(cohort):
    result = EnrollmentRosterImporter().apply(read_table(csv_bytes(people(3)), COLUMNS))
    assert result.applied
    for user in User.objects.filter(email__startswith="person"):
        assert not user.has_usable_password() and not is_password_usable(user.password)
        assert user.password.startswith("!") and len(user.password) == 41


def test_many_new_rows_go_in_through_copy_on_postgresql_with_one_query_for_their_keys(db):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite writes with bulk_create")
    users = [User(email=f"copied{i}@example.org", role=Role.PARTICIPANT) for i in range(bulk.COPY_MIN)]
    with CaptureQueriesContext(connection) as queries:
        bulk_insert(User, users)
    # The keys from the sequence; the rows themselves through COPY (not an INSERT of arrays).
    assert [q["sql"].split()[1] for q in queries] == ["nextval(pg_get_serial_sequence('accounts_user',"]
    assert sorted(User.objects.filter(email__startswith="copied").values_list("pk", flat=True)) == sorted(
        u.pk for u in users
    )
