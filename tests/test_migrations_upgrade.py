"""An existing database upgrades to the apps of issue 11 with nothing lost.

OutcomeSnapshot left core for outcomes, FunderReport left core for reports, ImportBatch left core
for imports, and GoodJobStandard, Placement and RetentionCheck left employers for placements:
state-only migrations, the tables keep their names (and core_funderreport its trigger), and the
models' content types follow them to the new app labels, so permissions and django-auditlog's
change history stay attached.

The test migrates the database back to before the move, writes rows through the models as they
were then (the migrations' historical models), migrates forward to the latest migrations and reads
everything back through today's models. It runs on whichever database the suite uses (SQLite or
PostgreSQL), and leaves the database fully migrated whatever happens.
"""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from employers.models import Application, Employer
from mtw_portal.accounts.models import User
from mtw_portal.imports.models import ImportBatch
from outcomes.models import OutcomeSnapshot
from participants.models import Participant
from placements.models import GoodJobStandard, Placement, RetentionCheck
from reports.models import FunderReport

# The schema before the move (and before the data migration participants 0008, added by the same
# issue); the executor's plan unapplies whatever depends on these.
BEFORE_THE_MOVE = [
    ("core", "0005_single_line_text_and_date_bounds"),
    ("employers", "0004_single_line_text_date_bounds_reminder_attempts"),
    ("participants", "0007_deactivation_reason_single_line"),
    ("outcomes", None),
    ("reports", None),
    ("placements", None),
    ("imports", None),
]

# (old app, new app, model): the models that moved.
MOVED = [
    ("core", "outcomes", "outcomesnapshot"),
    ("core", "reports", "funderreport"),
    ("core", "imports", "importbatch"),
    ("employers", "placements", "goodjobstandard"),
    ("employers", "placements", "placement"),
    ("employers", "placements", "retentioncheck"),
]
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def _migrate(targets):
    """Migrate to the targets with a fresh executor (it reads which migrations are applied)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_world(apps):
    """Rows written through the historical models of the schema before the move."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # The content types as the old apps had them: none yet under the new labels.
    content_types = {}
    for old, new, model in MOVED:
        ContentType.objects.filter(app_label=new, model=model).delete()
        content_types[model], _ = ContentType.objects.get_or_create(app_label=old, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_types["placement"],
        codename="change_placement",
        defaults={"name": "Can change placement"},
    )

    User = apps.get_model("accounts", "User")
    staff = User.objects.create(email="staff@example.org", role="staff", is_staff=True)
    staff.user_permissions.add(permission)
    person = User.objects.create(email="ana@example.org", role="participant", first_name="Ana")
    participant = apps.get_model("participants", "Participant").objects.create(user=person, zip_code="33101")
    employer = apps.get_model("employers", "Employer").objects.create(name="Acme Health", industry="Health")
    opportunity = apps.get_model("employers", "Opportunity").objects.create(
        employer=employer,
        kind="full_time",
        title="Help desk analyst",
        description="Answer tickets.",
        hourly_wage=Decimal("24.75"),
    )
    application = apps.get_model("employers", "Application").objects.create(
        opportunity=opportunity, participant=participant, state="hired"
    )
    standard = apps.get_model("employers", "GoodJobStandard").objects.create(
        effective_from=datetime.date(2025, 1, 1),
        min_hourly_wage=Decimal("19.50"),
        min_hours_per_week=30,
        source="Coalition board, January 2025",
        created_by=staff,
        created_at=NOW,
    )
    placement = apps.get_model("employers", "Placement").objects.create(
        participant=participant,
        employer=employer,
        application=application,
        standard=standard,
        kind="full_time",
        title="Help desk analyst",
        start_date=datetime.date(2026, 2, 2),
        hourly_wage=Decimal("24.75"),
        hours_per_week=Decimal("40.0"),
        benefit_health=True,
        advancement_path="Tier 2 after a year",
        in_field_of_training=True,
        source="hire",
        recorded_by=staff,
        created_at=NOW,
        is_good_job=True,
        failed_tests=[],
        judged_at=NOW,
    )
    check = apps.get_model("employers", "RetentionCheck").objects.create(
        placement=placement,
        days=90,
        due_on=datetime.date(2026, 5, 3),
        outcome="employed",
        evidence="employer_confirmed",
        note="Confirmed by HR.",
        recorded_at=NOW,
        recorded_by=staff,
        reminder_attempts=2,
    )
    snapshot = apps.get_model("core", "OutcomeSnapshot").objects.create(
        as_of=datetime.date(2026, 5, 31), data={"placed": 1, "good_jobs": 1}, computed_at=NOW, run_count=3
    )
    report = apps.get_model("core", "FunderReport").objects.create(
        year=2026,
        quarter=1,
        data={"quarter": "2026-Q1", "rows": [1, 2]},
        submitted_at=NOW,
        submitted_by=staff,
    )
    batch = apps.get_model("core", "ImportBatch").objects.create(
        kind="placements",
        uploaded_by=staff,
        filename="placements.csv",
        content=b"email,employer\nana@example.test,Acme Health\n",
        rows=[{"email": "ana@example.test", "employer": "Acme Health"}],
        plan={"counts": {"created": 1}},
        created_at=NOW,
    )
    entry = apps.get_model("auditlog", "LogEntry").objects.create(
        content_type=content_types["placement"],
        object_pk=str(placement.pk),
        object_id=placement.pk,
        object_repr="Help desk analyst",
        action=0,
        changes={"title": ["None", "Help desk analyst"]},
        actor=staff,
        timestamp=NOW,
    )
    rows = {
        model: list(apps.get_model(old, model).objects.order_by("pk").values()) for old, _, model in MOVED
    }
    return {
        "rows": rows,
        "content_types": {model: ct.pk for model, ct in content_types.items()},
        "permission": permission.pk,
        "staff": staff.pk,
        "participant": participant.pk,
        "employer": employer.pk,
        "application": application.pk,
        "standard": standard.pk,
        "placement": placement.pk,
        "check": check.pk,
        "snapshot": snapshot.pk,
        "report": report.pk,
        "batch": batch.pk,
        "entry": entry.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_upgrades_with_nothing_lost():
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        graph = executor.loader.graph
        applied = [key for key in executor.recorder.applied_migrations() if key in graph.nodes]
        assert not any(app in {"outcomes", "reports", "placements", "imports"} for app, _ in applied)
        old = _old_world(executor.loader.project_state(applied).apps)
    finally:
        # Forward to the latest migrations: the upgrade itself, and the schema the next tests expect.
        upgraded = _migrate(_latest())
    ContentType.objects.clear_cache()

    # Every row, every column, under the new models.
    current = {
        "outcomesnapshot": OutcomeSnapshot,
        "funderreport": FunderReport,
        "importbatch": ImportBatch,
        "goodjobstandard": GoodJobStandard,
        "placement": Placement,
        "retentioncheck": RetentionCheck,
    }
    for model, rows in old["rows"].items():
        assert list(current[model].objects.order_by("pk").values()) == rows, model

    # The tables kept their names, in the migrations' state as in the models (so a later migration
    # altering a model alters its table), and the old apps no longer claim the models.
    state = upgraded.loader.project_state().apps
    tables = connection.introspection.table_names()
    for old_app, new_app, model in MOVED:
        table = f"{old_app}_{model}"
        assert state.get_model(new_app, model)._meta.db_table == current[model]._meta.db_table == table
        assert table in tables
        with pytest.raises(LookupError):
            state.get_model(old_app, model)

    # Their relations, both ways.
    placement = Placement.objects.get(pk=old["placement"])
    assert placement.participant == Participant.objects.get(pk=old["participant"])
    assert placement.participant.user.email == "ana@example.org"
    assert placement.employer == Employer.objects.get(pk=old["employer"])
    assert placement.application == Application.objects.get(pk=old["application"])
    assert Application.objects.get(pk=old["application"]).placement == placement
    assert placement.standard == GoodJobStandard.objects.get(pk=old["standard"])
    assert placement.recorded_by_id == old["staff"]
    assert list(placement.retention_checks.all()) == [RetentionCheck.objects.get(pk=old["check"])]
    assert list(Participant.objects.get(pk=old["participant"]).placements.all()) == [placement]
    report = FunderReport.objects.get(pk=old["report"])
    assert report.submitted_by == User.objects.get(pk=old["staff"])
    assert report.data == {"quarter": "2026-Q1", "rows": [1, 2]}
    assert OutcomeSnapshot.objects.get(pk=old["snapshot"]).data == {"placed": 1, "good_jobs": 1}

    # The content types moved with their models (same rows), none left under the old labels.
    for old_app, new_app, model in MOVED:
        content_type = ContentType.objects.get_for_model(current[model])
        assert (content_type.app_label, content_type.model) == (new_app, model)
        assert content_type.pk == old["content_types"][model], model
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()

    # So the permission and the change history stay attached.
    assert (
        Permission.objects.get(content_type__app_label="placements", codename="change_placement").pk
        == (old["permission"])
    )
    assert User.objects.get(pk=old["staff"]).has_perm("placements.change_placement")
    assert [entry.pk for entry in LogEntry.objects.get_for_object(placement)] == [old["entry"]]

    # And the database still refuses to change a submitted report.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_funderreport SET data = %s WHERE id = %s", ["{}", report.pk])
    report.refresh_from_db()
    assert report.data == {"quarter": "2026-Q1", "rows": [1, 2]}


@pytest.mark.django_db(transaction=True)
def test_an_old_participant_account_without_its_record_gets_one_on_upgrade():
    """participants 0008: a participant account made before every way of making one created its
    record (Django's admin, say) gets an empty record, so own_participant (which now only reads)
    lets the person in; accounts of other roles get none, and existing records are kept as they are."""
    try:
        executor = _migrate([("participants", "0007_deactivation_reason_single_line")])
        graph = executor.loader.graph
        applied = [key for key in executor.recorder.applied_migrations() if key in graph.nodes]
        apps = executor.loader.project_state(applied).apps
        OldUser = apps.get_model("accounts", "User")
        OldParticipant = apps.get_model("participants", "Participant")
        without = OldUser.objects.create(email="never-opened@example.org", role="participant")
        with_record = OldUser.objects.create(email="has-one@example.org", role="participant")
        OldParticipant.objects.create(user=with_record, zip_code="33101")
        staff = OldUser.objects.create(email="staff@example.org", role="staff")
        navigator = OldUser.objects.create(email="navigator@example.org", role="navigator")
    finally:
        _migrate(_latest())

    assert Participant.objects.filter(user_id=without.pk, intake_completed_at=None).count() == 1
    assert list(Participant.objects.filter(user_id=with_record.pk).values_list("zip_code", flat=True)) == [
        "33101"
    ]
    assert not Participant.objects.filter(user_id__in=[staff.pk, navigator.pk]).exists()


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_keeps_the_content_types_when_the_new_apps_already_have_some():
    """The new code may use the moved models before ``migrate`` has run (a web process or worker
    started first, a rolled-back deploy made again, ``flush``): Django then makes empty content
    types for the new apps. The upgrade must still carry the old ones, with the permissions granted
    and the change history, to the new apps; else the history of placements, retention checks and
    funder reports is no longer found, nor scrubbed when a person is anonymized."""
    before = {model: ContentType.objects.get_for_model(model).pk for model in (Placement, FunderReport)}
    staff = User.objects.create(email="staff@example.org", role="staff", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(content_type_id=before[Placement], codename="change_placement")
    )
    entry = LogEntry.objects.create(
        content_type_id=before[Placement], object_pk="1", object_id=1, object_repr="A job", action=0
    )
    try:
        _migrate(BEFORE_THE_MOVE)
        ContentType.objects.clear_cache()
        for model in (OutcomeSnapshot, FunderReport, ImportBatch, GoodJobStandard, Placement, RetentionCheck):
            ContentType.objects.get_for_model(model)  # made, under the new app, on first use
    finally:
        _migrate(_latest())
    ContentType.objects.clear_cache()
    for model, pk in before.items():
        assert ContentType.objects.get_for_model(model).pk == pk, model
    for old_app, _new_app, model in MOVED:
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()
    assert LogEntry.objects.get(pk=entry.pk).content_type_id == before[Placement]
    assert User.objects.get(pk=staff.pk).has_perm("placements.change_placement")
    assert Permission.objects.filter(codename="change_placement").count() == 1
