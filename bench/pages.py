"""Time the portal's key pages against Django's own floor, measured in the same run.

    python bench/pages.py [--participants 5000] [--requests 30]

Builds a database of N participants (SQLite file under bench/results/, or the database in
DATABASE_URL when set, which it must be allowed to fill), then serves each page in-process
through Django's test client, signed in as the role that uses it, and prints the median
time per request, the queries per request, and the ratio to the floor: a view that does
nothing but return a response through the same middleware stack. Queries per page must not
grow with N; the ratio shows what each page costs above Django itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mtw_portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["MTW_REQUIRE_MFA"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ROOT_URLCONF = "bench.urls"


def build(n: int) -> None:
    """Demo data, then N participants in bulk with enrollments and support."""
    from django.core.management import call_command
    from django.utils import timezone

    from mtw_portal.accounts.models import User
    from participants.models import BudgetLine, CommunityOrganization, Navigator, Participant, SupportItem
    from programs.models import Cohort, Enrollment

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    have = User.objects.filter(email__startswith="bench").count()
    if have >= n:
        return
    organizations = list(CommunityOrganization.objects.all())
    navigators = {nav.organization_id: nav for nav in Navigator.objects.all()}
    cohorts = list(Cohort.objects.all())
    budget = BudgetLine.objects.first()
    logger = User.objects.get(email="navigator@demo.test")
    today = timezone.localdate()
    statuses = ["enrolled", "active", "active", "completed", "applied", "withdrawn"]
    batch = 2000
    for start in range(have, n, batch):
        stop = min(n, start + batch)
        users = User.objects.bulk_create(
            User(
                email=f"bench{i:06d}@bench.test",
                first_name=f"Bench{i}",
                last_name=f"Person{i % 977}",
                password="!unusable",  # noqa: S106 (an unusable password marker)
                role="participant",
            )
            for i in range(start, stop)
        )
        people = Participant.objects.bulk_create(
            Participant(
                user=user,
                zip_code=f"33{(i * 7) % 1000:03d}",
                intake_completed_at=timezone.now(),
                organization=organizations[i % len(organizations)],
                navigator=navigators.get(organizations[i % len(organizations)].pk) if i % 3 else None,
            )
            for i, user in zip(range(start, stop), users, strict=True)
        )
        enrollments = []
        for i, person in zip(range(start, stop), people, strict=True):
            status = statuses[i % len(statuses)]
            enrollments.append(
                Enrollment(
                    participant=person,
                    cohort=cohorts[i % len(cohorts)],
                    status=status,
                    end_date=today if status in ("completed", "withdrawn") else None,
                    withdrawal_reason="other" if status == "withdrawn" else "",
                )
            )
        Enrollment.objects.bulk_create(enrollments)
        SupportItem.objects.bulk_create(
            SupportItem(
                participant=person,
                type="bus_fare",
                amount=Decimal("2.25"),
                given_on=today - timedelta(days=i % 90),
                budget_line=budget,
                logged_by=logger,
            )
            for i, person in zip(range(start, stop), people, strict=True)
            if i % 2 == 0
        )


def measure(client, url: str, requests: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    times = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries.captured_queries)  # read now: the next request resets the log
    for _ in range(requests):
        began = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, query_count, response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this text (and the floor)"
    )
    args = parser.parse_args()
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    setup(results_dir / "bench.sqlite3")

    from django.test import Client

    began = time.perf_counter()
    build(args.participants)
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as autovacuum would keep them in production
        cursor.execute("ANALYZE")
    print(f"data: {args.participants} participants ready in {time.perf_counter() - began:.1f}s")

    from django.urls import reverse
    from django.utils import timezone

    from mtw_portal.accounts.models import User
    from mtw_portal.core.tables import Quarter
    from programs.models import Cohort

    quarter = str(Quarter.of(timezone.localdate()))
    cohort = Cohort.objects.filter(program__provider__code="brainstation").order_by("pk").first()
    pages = [
        ("floor (Django alone)", None, "/__bench_floor__/"),
        ("catalogue (public)", None, reverse("programs:catalogue")),
        ("participant home", "participant@demo.test", reverse("participants:home")),
        ("navigator caseload", "navigator@demo.test", reverse("participants:caseload")),
        ("navigator queue", "navigator@demo.test", reverse("participants:caseload") + "?tab=queue"),
        ("support ledger", "navigator@demo.test", reverse("participants:support_ledger")),
        ("provider programs", "provider@demo.test", reverse("programs:provider_home")),
        ("cohort roster", "provider@demo.test", reverse("programs:cohort_roster", args=[cohort.pk])),
        ("staff people", "staff@demo.test", reverse("accounts:people_list")),
        ("jobs board (public)", None, reverse("employers:board")),
        ("employer home", "employer@demo.test", reverse("employers:home")),
        ("staff placements", "staff@demo.test", reverse("placements:placements")),
        ("navigator retention", "navigator@demo.test", reverse("placements:retention_checks")),
        ("grant dashboard", "staff@demo.test", reverse("outcomes:dashboard")),
        ("people behind a number", "staff@demo.test", reverse("outcomes:people") + "?measure=enrolled"),
        ("provider dashboard", "provider@demo.test", reverse("outcomes:provider_dashboard")),
        ("employer funnel", "employer@demo.test", reverse("placements:funnel")),
        ("funder report (draft)", "staff@demo.test", reverse("reports:funder_report", args=[quarter])),
    ]
    pages = [page for i, page in enumerate(pages) if i == 0 or args.only in page[0]]
    rows = []
    floor_ms = None
    for label, email, url in pages:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        ms, queries, status = measure(client, url, args.requests)
        floor_ms = floor_ms or ms
        rows.append((label, ms, queries, status))
    print(f"{'page':<24}{'median ms':>10}{'x floor':>9}{'queries':>9}{'status':>8}")
    for label, ms, queries, status in rows:
        print(f"{label:<24}{ms:>10.2f}{ms / floor_ms:>9.1f}{queries:>9}{status:>8}")
    return 0 if all(status == 200 for *_, status in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
