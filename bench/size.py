"""One size of the bench: ``python bench/size.py N OUT.json [--rollup-only] [--quick]``.

Run by ``bench/run.py`` (``make bench``) with DATABASE_URL naming this size's own PostgreSQL
database and DJANGO_SETTINGS_MODULE=bench.settings. Seeds the database at N participants (kept
for the next run), then measures the key pages against the logged-in floor, the roll-up against
the hand-written reference, a 10,000-row roster import, and the mixed load against gunicorn,
and writes every figure to OUT.json (``bench/report.py`` turns them into bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from allauth.account.internal.flows.login import (  # noqa: E402
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import load  # noqa: E402

FLOOR_URL = "/__bench_floor__/"
STAFF = "staff@demo.test"
NAVIGATOR = "navigator@demo.test"
PROVIDER = "provider@demo.test"
EMPLOYER = "employer@demo.test"
PARTICIPANT = "participant@demo.test"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bad(Exception):
    """Something the bench cannot measure (a page not answering 200, an import refused, a
    database of the wrong data): the bench stops and says what."""


# --- data ------------------------------------------------------------------------------------


def seed(n: int) -> str:
    """The database at N participants: ``seed_demo --participants N`` (part "seed"), which keeps a
    database already at N."""
    from participants.models import Participant

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # The bench's first builder (bench/pages.py, removed) wrote people bench000001@bench.test...;
    # seed_demo would add its N beside them. (The import's people, bench-import-...@bench.test, are
    # deleted after each import.)
    if Participant.objects.filter(user__email__regex=r"^bench[0-9]+@bench\.test$").exists():
        raise Bad(
            f"{connection.settings_dict['NAME']} holds data of the bench's old builder (bench/pages.py): "
            "drop it and run again, to measure on seed_demo's"
        )
    call_command("seed_demo", participants=n, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:  # statistics, as autovacuum would keep them in production
        cursor.execute("ANALYZE")
    return f"seed_demo --participants {n}"


def signed_in_session(email: str) -> str:
    """A session signed in as EMAIL, its second factor passed as allauth records it (the way
    RequireMFAMiddleware checks it): what a browser holds after logging in with password and code."""
    from importlib import import_module

    from mtw_portal.accounts.models import User

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()
    store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    store[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    store.create()
    return store.session_key


# --- pages -----------------------------------------------------------------------------------


def key_pages() -> list[tuple[str, str, str]]:
    """(name, who, url) of every role's main pages."""
    from mtw_portal.core.tables import Quarter
    from programs.models import Cohort

    quarter = str(Quarter.of(timezone.localdate()))
    cohort = Cohort.objects.filter(program__provider__code="brainstation").order_by("pk").first()
    return [
        ("catalogue", PARTICIPANT, reverse("programs:catalogue")),
        ("participant home", PARTICIPANT, reverse("participants:home")),
        ("navigator caseload", NAVIGATOR, reverse("participants:caseload")),
        ("navigator queue", NAVIGATOR, reverse("participants:caseload") + "?tab=queue"),
        ("support ledger", NAVIGATOR, reverse("participants:support_ledger")),
        ("navigator retention", NAVIGATOR, reverse("placements:retention_checks")),
        ("provider programs", PROVIDER, reverse("programs:provider_home")),
        ("cohort roster", PROVIDER, reverse("programs:cohort_roster", args=[cohort.pk])),
        ("provider dashboard", PROVIDER, reverse("outcomes:provider_dashboard")),
        ("staff people", STAFF, reverse("accounts:people_list")),
        ("staff placements", STAFF, reverse("placements:placements")),
        ("grant dashboard", STAFF, reverse("outcomes:dashboard")),
        ("people behind a number", STAFF, reverse("outcomes:people") + "?measure=enrolled"),
        ("funder report draft", STAFF, reverse("reports:funder_report", args=[quarter])),
        ("jobs board", PARTICIPANT, reverse("employers:board")),
        ("employer home", EMPLOYER, reverse("employers:home")),
        ("employer funnel", EMPLOYER, reverse("placements:funnel")),
        ("notifications inbox", NAVIGATOR, reverse("notifications:inbox")),
    ]


def client_for(email: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(email)
    return client


def timed_get(client: Client, name: str, url: str) -> float:
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise Bad(f"{name} ({url}) answered {response.status_code} {response.get('Location', '')}".strip())
    return elapsed * 1000


def query_count(client: Client, name: str, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        timed_get(client, name, url)
    return len(queries.captured_queries)


def measure_pages(requests: int) -> dict:
    floor_client = client_for(STAFF)
    floor_queries = query_count(floor_client, "floor", FLOOR_URL)
    rows = []
    floor_all = []
    for name, who, url in key_pages():
        client = client_for(who)
        timed_get(client, name, url)  # warm caches
        queries = query_count(client, name, url)
        floor_times, page_times = [], []
        for _ in range(requests):  # interleaved: floor, page, floor, page...
            floor_times.append(timed_get(floor_client, "floor", FLOOR_URL))
            page_times.append(timed_get(client, name, url))
        floor_ms, page_ms = statistics.median(floor_times), statistics.median(page_times)
        floor_all += floor_times
        rows.append(
            {
                "page": name,
                "who": who,
                "url": url,
                "ms": page_ms,
                "floor_ms": floor_ms,
                "multiple": page_ms / floor_ms,
                "queries": queries,
            }
        )
        log(f"  {name:<24} {page_ms:8.1f} ms {page_ms / floor_ms:6.1f}x floor {queries:4d} queries")
    return {
        "floor_ms": statistics.median(floor_all),
        "floor_queries": floor_queries,
        "requests": requests,
        "pages": rows,
    }


# --- roll-up ---------------------------------------------------------------------------------


def measure_rollup(repeats: int, participants: int) -> dict:
    """The roll-up's figures (``outcomes_compute``: the ten counts, per provider, wages, support)
    against the hand-written SQL of the ten counts, medians of ``repeats``; and the whole roll-up
    (``outcomes_rollup``: those figures plus every stored table of the dashboards and the drafts),
    medians of 3 (one run at 1,000,000 and more: it is the longest step of the bench)."""
    from bench.reference import reference_counts
    from mtw_portal.core.services import grant_settings
    from outcomes.rollup import outcomes_compute
    from outcomes.services import outcomes_rollup

    as_of = timezone.localdate()
    grant = grant_settings()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        data = outcomes_compute(
            as_of,
            targets={"trained": grant.target_trained, "placed_good_jobs": grant.target_placed_good_jobs},
            grant_end_date=grant.grant_end_date,
        )
        times.append(time.perf_counter() - began)
    result = {
        "repeats": repeats,
        "counts_s": statistics.median(times),
        "rollup_s": None,
        "rollup_repeats": 1 if participants >= 1_000_000 else 3,
        "reference_s": None,
        "ratio": None,
        "differences": None,
    }
    log(f"  roll-up figures {result['counts_s']:.3f} s (median of {repeats})")
    times = []
    for _ in range(result["rollup_repeats"]):
        began = time.perf_counter()
        outcomes_rollup(as_of=as_of)
        times.append(time.perf_counter() - began)
    result["rollup_s"] = statistics.median(times)
    log(f"  whole roll-up with the stored tables {result['rollup_s']:.3f} s")
    try:
        counts = reference_counts(as_of)
    except NotImplementedError:
        log("  reference not available (bench/reference.py)")
        return result
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        reference_counts(as_of)
        times.append(time.perf_counter() - began)
    # The same counts, or the ratio compares different work.
    result["differences"] = [
        f"{key}: roll-up {data.get(key)}, reference {value}"
        for key, value in counts.items()
        if data.get(key) != value
    ]
    result["reference_s"] = statistics.median(times)
    result["ratio"] = result["counts_s"] / result["reference_s"]
    log(f"  reference {result['reference_s']:.3f} s: roll-up figures {result['ratio']:.2f}x the reference")
    return result


# --- import ----------------------------------------------------------------------------------


def measure_import(rows: int) -> dict:
    """ROWS new people through the roster importer (the one ``manage.py import_roster`` runs),
    each run with fresh emails; the people it created are deleted afterwards, so the database
    stays at its size and the bench can run again."""
    from mtw_portal.accounts.models import User
    from mtw_portal.imports.importers import importer_for
    from programs.models import Program

    tag = uuid.uuid4().hex[:8]
    prefix = f"bench-import-{tag}-"
    program = Program.objects.filter(provider__code="brainstation").order_by("pk").first()
    columns = "email,first_name,last_name,zip_code,provider,program,start_date,status,end_date,credential"
    existing_users = User.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns.split(","))
            for i in range(rows):
                writer.writerow(
                    [f"{prefix}{i:05d}@bench.test", f"Import{i}", f"Person{i % 613}", "33127", "brainstation"]
                    + [program.name, "2026-01-05", "enrolled", "", ""]
                )
        data = path.read_bytes()
    # The import's own work is timed; what it asks for on commit (the invitations' task, the
    # roll-up) a worker does in production, while here (no broker) it runs inline: timed apart.
    with transaction.atomic():
        began = time.perf_counter()
        result = importer_for("enrollments").run(data, apply=True)
        elapsed = time.perf_counter() - began
        committing = time.perf_counter()
    after_commit = time.perf_counter() - committing
    if result.errors:
        raise Bad("roster import refused the bench's file: " + "; ".join(result.error_lines()[:5]))
    created = User.objects.filter(email__startswith=prefix).count()
    if created != rows:
        raise Bad(f"roster import created {created} people of {rows}")
    remove_imported(prefix)
    log(
        f"  import {rows} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s ({result.summary_line()}); "
        f"then {after_commit:.1f} s on commit (invitations and roll-up, inline here)"
    )
    return {
        "rows": rows,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "after_commit_s": after_commit,
        "existing_users": existing_users,
    }


def remove_imported(prefix: str) -> None:
    """Delete the people an import created (their enrollments, then them), so the size stays N."""
    from mtw_portal.accounts.models import User
    from participants.models import Participant
    from programs.models import Enrollment

    with transaction.atomic():
        Enrollment.objects.filter(participant__user__email__startswith=prefix).delete()
        Participant.objects.filter(user__email__startswith=prefix).delete()
        User.objects.filter(email__startswith=prefix).delete()


# --- load ------------------------------------------------------------------------------------


def measure_load(users: int, seconds: float, pause: float, workers: int) -> dict:
    """The mixed load and the floor's, each USERS virtual users for SECONDS, against gunicorn."""
    roles = [STAFF, NAVIGATOR, PROVIDER, EMPLOYER, PARTICIPANT]
    by_role = {email: [url for _, who, url in key_pages() if who == email] for email in roles}
    mix = [(signed_in_session(roles[i % len(roles)]), by_role[roles[i % len(roles)]]) for i in range(users)]
    floor = [(signed_in_session(STAFF), [FLOOR_URL]) for _ in range(users)]
    connection.close()  # gunicorn's workers need the connections, not this process
    with load.gunicorn(workers=workers) as base_url:
        floor_run = load.run(base_url, floor, settings.SESSION_COOKIE_NAME, seconds=seconds, pause=pause)
        log(f"  load, floor: {load.describe(floor_run)}")
        mix_run = load.run(base_url, mix, settings.SESSION_COOKIE_NAME, seconds=seconds, pause=pause)
        log(f"  load, mix:   {load.describe(mix_run)}")
    return {
        "users": users,
        "seconds": seconds,
        "pause": pause,
        "workers": workers,
        "floor": floor_run,
        "mix": mix_run,
        "ratio": mix_run["req_per_s"] / floor_run["req_per_s"] if floor_run["req_per_s"] else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("participants", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rollup-only", action="store_true", help="seed and time the roll-up, nothing else")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rollup-repeats", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--load-pause", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    n = args.participants
    out: dict = {"participants": n, "database": connection.settings_dict["NAME"]}
    began = time.perf_counter()
    log(f"{n:,} participants: seeding {out['database']}")
    try:
        out["seeded_by"] = seed(n)
    except Bad as problem:
        print(f"bench: FAILED: {problem}", file=sys.stderr)
        return 1
    from participants.models import Participant

    out["participants_in_database"] = Participant.objects.count()
    out["seed_s"] = time.perf_counter() - began
    log(f"  {out['participants_in_database']:,} participants ready in {out['seed_s']:.1f} s")
    try:
        if not args.rollup_only:
            log("pages against the logged-in floor")
            out["pages"] = measure_pages(args.requests)
        log("roll-up against the hand-written reference")
        out["rollup"] = measure_rollup(args.rollup_repeats, args.participants)
        if not args.rollup_only:
            log(f"roster import of {args.import_rows:,} new people")
            out["import"] = measure_import(args.import_rows)
            log(f"load: {args.load_users} users, {args.load_pause:g} s pause, {args.load_seconds:g} s each")
            out["load"] = measure_load(args.load_users, args.load_seconds, args.load_pause, args.workers)
    except Bad as problem:
        print(f"bench: FAILED: {problem}", file=sys.stderr)
        return 1
    out["total_s"] = time.perf_counter() - began
    args.out.write_text(json.dumps(out, indent=2))
    log(f"{n:,} participants done in {out['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
