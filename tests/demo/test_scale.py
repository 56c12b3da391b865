"""`seed_demo --participants N`: the generated population is shaped like the program, holds every
invariant the portal relies on, adds only what is missing, and leaves the demo accounts as they were."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from demo import scale
from demo import seed as demo
from employers.models import JOB_KINDS, Application
from mtw_portal.accounts.models import Role, User
from outcomes import services as outcome_services
from participants.models import Navigator, Participant, SupportItem
from placements.good_jobs import failed_tests, standard_in_force
from placements.models import Placement, RetentionCheck
from placements.services import RETENTION_DAYS
from programs.models import Cohort, CompletionFollowUp, Credential, Enrollment

N = 300
PASSWORD = "demo-test-pass"
Status = Enrollment.Status


@pytest.fixture(scope="module")
def scaled(django_db_setup, django_db_blocker):
    """The demo and N generated people, written once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.seed(password=PASSWORD)
        added = scale.seed_scale(participants=N)
        yield added
        transaction.set_rollback(True)


@pytest.fixture
def people(scaled, db):
    return Participant.objects.filter(user__email__endswith="@scale.test")


def test_the_generated_people_are_shaped_like_the_program(scaled, people):
    assert scaled["participants"] == people.count() == N
    assert not people.filter(user__role=Role.PARTICIPANT).exclude(user__password__startswith="!").exists()
    enrollments = Enrollment.objects.filter(participant__in=people)
    assert 1.35 <= enrollments.count() / N <= 1.65
    assert 6.5 <= SupportItem.objects.filter(participant__in=people).count() / N <= 9.5
    assert not people.filter(intake_completed_at=None).exists()
    statuses = Counter(enrollments.values_list("status", flat=True))
    assert {Status.COMPLETED, Status.WITHDRAWN, Status.ACTIVE} <= set(statuses)
    # Demographics as people answer them: some prefer not to say, some left it blank.
    for column in ("ethnicity", "race", "gender", "disability"):
        answers = Counter(people.values_list(column, flat=True))
        assert answers["prefer_not"] + answers[""] > 0, column
        assert answers.most_common(1)[0][1] < N * 0.85, column
    # A few big ZIP codes and a long tail.
    zips = Counter(people.values_list("zip_code", flat=True)).most_common()
    assert len(zips) >= 25 and zips[0][1] >= 5 * zips[len(zips) // 2][1]
    # Cohorts sized like real ones, over three years, never holding more people than seats.
    cohorts = Cohort.objects.filter(enrollments__participant__in=people).distinct()
    assert all(15 <= c.seats <= 40 for c in cohorts)
    starts = [c.start_date for c in cohorts]
    assert (max(starts) - min(starts)).days > 700
    assert not Cohort.objects.annotate(
        held=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_STATUSES))
    ).filter(held__gt=F("seats"))


def test_caseloads_are_of_realistic_size_and_within_the_persons_organization(people):
    assert not people.exclude(navigator=None).exclude(navigator__organization=F("organization")).exists()
    waiting = people.filter(navigator=None).count()
    assert 0 < waiting < N * 0.1
    for navigator in Navigator.objects.annotate(people=Count("caseload")).select_related("user"):
        if navigator.user.email.endswith("@scale.test"):
            assert navigator.people <= 150, navigator
    demo_navigator = Navigator.objects.get(user__email="navigator@demo.test")
    assert 50 <= demo_navigator.caseload.count() <= 150


def test_every_record_holds_the_invariants_the_portal_relies_on(people):
    today = timezone.localdate()
    enrollments = Enrollment.objects.filter(participant__in=people)
    assert not enrollments.filter(status=Status.WITHDRAWN, withdrawal_reason="").exists()
    assert not enrollments.filter(status__in=[Status.COMPLETED, Status.WITHDRAWN], end_date=None).exists()
    assert not enrollments.filter(end_date__gt=today).exists()
    assert not enrollments.filter(status__in=Enrollment.ENROLLED_STATUSES, enrolled_on=None).exists()
    assert not enrollments.filter(status=Status.COMPLETED, cohort__end_date__gt=today).exists()
    # No one applies before their intake (the portal asks for it first).
    assert not enrollments.filter(applied_at__lt=F("participant__intake_completed_at")).exists()
    # Applications are confirmed links; provider-made ones may wait for the person.
    assert not enrollments.filter(origin=Enrollment.Origin.APPLICATION, partner_confirmed_at=None).exists()
    assert enrollments.filter(partner_confirmed_at=None).exists()
    # Credentials and follow-ups only of completed training, the person's own.
    credentials = Credential.objects.filter(participant__in=people)
    assert credentials.exists()
    assert not credentials.exclude(enrollment__status=Status.COMPLETED).exists()
    assert not credentials.exclude(enrollment__participant=F("participant")).exists()
    assert not CompletionFollowUp.objects.filter(enrollment__participant__in=people).exclude(
        enrollment__status=Status.COMPLETED
    )
    # Placements only for people who completed training, started after it ended, judged right.
    placements = Placement.objects.filter(participant__in=people).select_related("standard")
    completers = people.filter(enrollments__status=Status.COMPLETED).distinct().count()
    assert 0.2 <= placements.count() / completers <= 0.45
    for placement in placements:
        ended = placement.participant.enrollments.filter(
            status=Status.COMPLETED, end_date__lt=placement.start_date
        )
        assert ended.exists(), placement
        assert placement.start_date <= today
        expected = failed_tests(
            standard=standard_in_force(placement.start_date),
            kind=placement.kind,
            hourly_wage=placement.hourly_wage,
            hours_per_week=placement.hours_per_week,
            health=placement.benefit_health,
            advancement_path=placement.advancement_path,
        )
        assert placement.failed_tests == expected and placement.is_good_job == (not expected), placement
        if placement.application_id:
            assert placement.application.state == Application.State.HIRED
            assert placement.application.participant_id == placement.participant_id
    # The demo employers' accounts have generated applicants too.
    assert Application.objects.filter(participant__in=people, opportunity__employer__name="UKG").exists()
    assert {p.kind for p in placements} >= {"full_time", "part_time", "apprenticeship", "internship"}
    assert placements.filter(is_good_job=True).exists() and placements.filter(is_good_job=False).exists()
    # Retention checks: 90 and 180 days for each job, none for internships; answered only once due.
    checks = RetentionCheck.objects.filter(placement__participant__in=people).select_related("placement")
    jobs = placements.filter(kind__in=JOB_KINDS)
    assert checks.count() == jobs.count() * len(RETENTION_DAYS)
    for check in checks:
        assert check.due_on == check.placement.start_date + timedelta(days=check.days)
        assert not check.outcome or (check.due_on <= today and check.evidence), check
    assert checks.filter(days=180).exclude(outcome="").exists()
    # Support above the approval threshold is never approved without a second person's decision.
    assert not SupportItem.objects.filter(
        participant__in=people, state=SupportItem.State.APPROVED, amount__gt=250, decided_by=None
    ).exists()


def test_the_roll_up_of_the_generated_people_is_consistent(people):
    data = outcome_services.outcomes_rollup().data
    today = timezone.localdate()
    placements = Placement.objects.filter(start_date__lte=today)
    assert 0 < data["placed_good_jobs"] <= placements.values("participant").distinct().count()
    assert (
        data["placed_good_jobs"]
        == placements.filter(is_good_job=True).values("participant").distinct().count()
    )
    assert 0 < data["trained"] <= data["enrolled"]
    assert (
        data["trained"]
        == Enrollment.objects.filter(status=Status.COMPLETED).values("participant").distinct().count()
    )
    old_enough = placements.filter(start_date__lte=today - timedelta(days=180), kind__in=JOB_KINDS)
    assert 0 < data["retained_180_days"] <= old_enough.values("participant").distinct().count()
    assert data["credentials_earned"] <= data["trained"] + Credential.objects.filter(enrollment=None).count()
    assert data["wraparound"]["participants_served"] >= N * 0.9


def test_running_again_adds_nothing_and_a_larger_number_adds_the_difference(people):
    tables = (User, Participant, Enrollment, Cohort, SupportItem, Placement, RetentionCheck, Application)
    before = {model: model.objects.count() for model in tables}
    assert scale.seed_scale(participants=N) == {}
    assert scale.seed_scale(participants=N - 100) == {}
    assert {model: model.objects.count() for model in tables} == before
    added = scale.seed_scale(participants=N + 20)
    assert added["participants"] == 20 and people.count() == N + 20
    assert Participant.objects.count() == before[Participant] + 20
    assert not Cohort.objects.annotate(
        held=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_STATUSES))
    ).filter(held__gt=F("seats"))
    assert not Enrollment.objects.values("participant", "cohort").annotate(n=Count("pk")).filter(n__gt=1)


def test_the_same_number_draws_the_same_people(people):
    first = list(people.order_by("user__email").values_list("user__email", "zip_code", "race")[:50])
    enrollments = Counter(
        Enrollment.objects.filter(participant__in=people).values_list("participant__user__email", "status")
    )
    assert first[0][0] == "scale000000@scale.test"
    # Person i's draws depend on i alone: the generator gives the same values again.
    for email, zip_code, _race in first[:5]:
        i = int(email.removeprefix("scale").split("@")[0])
        assert scale.enrollment_count(i) == sum(n for (e, _s), n in enrollments.items() if e == email)
        assert zip_code in scale.ZIPS


@pytest.mark.parametrize(
    "email, url_name",
    [
        ("participant@demo.test", "participants:home"),
        ("navigator@demo.test", "participants:caseload"),
        ("provider@demo.test", "programs:provider_home"),
        ("employer@demo.test", "employers:home"),
        ("staff@demo.test", "outcomes:dashboard"),
    ],
)
def test_the_demo_accounts_still_sign_in_and_see_their_pages(people, client, settings, email, url_name):
    settings.MTW_REQUIRE_MFA = False  # as in the demo (`make demo` runs with DEBUG on)
    user = User.objects.get(email=email)
    assert user.check_password(PASSWORD)
    client.force_login(user)
    assert client.get(reverse(url_name)).status_code == 200


def test_the_demo_people_keep_their_own_data(people):
    maria = Participant.objects.get(user__email="participant@demo.test")
    assert maria.enrollments.filter(status=Status.ACTIVE).exists()
    assert maria.support_items.count() == 2
    assert maria.navigator.user.email == "navigator@demo.test"
