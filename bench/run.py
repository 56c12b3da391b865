"""The whole bench: ``make bench`` (README, "Benchmarks").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mtw_bench \\
        python bench/run.py [--sizes "1000 100000"] [--rollup-sizes "1000000"] [--quick]

PostgreSQL only: without a DATABASE_URL naming it, nothing starts. Each size gets its own
database, named after DATABASE_URL's with the size appended (``mtw_bench_1k``,
``mtw_bench_100k``, ``mtw_bench_1m``), created when missing and kept, so a second run reuses it.
At each size ``bench/size.py`` seeds, measures the pages against the logged-in floor, the
roll-up against the hand-written SQL, a 10,000-row import and the mixed load against gunicorn;
at each roll-up size only the roll-up. Then ``bench/report.py`` writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def label(n: int) -> str:
    """1000 -> 1k, 100000 -> 100k, 1000000 -> 1m, 2500 -> 2500."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def database_url(base: str, n: int) -> str:
    parts = urlsplit(base)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path=f"/{name}_{label(n)}"))


def ensure_database(url: str) -> None:
    """Create URL's database when it does not exist (connected to the server's ``postgres``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"[bench] created database {name}", flush=True)


def environment(url: str) -> dict:
    """Production's settings but plain http: DEBUG off, DJANGO_HTTPS=0, MFA required (the bench's
    sessions pass it), static files collected, emails kept in memory."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdef-not-for-production")
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    return env


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000 100000", help="participants, each size measured in full")
    parser.add_argument("--rollup-sizes", default="1000000", help="participants, only the roll-up")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 5 requests a page, 2 roll-ups, 300 rows, 10 s of load",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if urlsplit(base).scheme not in ("postgres", "postgresql", "pgsql"):
        print(
            "bench: DATABASE_URL must name a PostgreSQL database, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/mtw_bench make bench "
            "(one database per size is created beside it); nothing was started.",
            file=sys.stderr,
        )
        return 2
    sizes = [int(value) for value in args.sizes.split()]
    rollup_sizes = [int(value) for value in args.rollup_sizes.split()]
    quick = (
        ["--requests", "5", "--rollup-repeats", "2", "--import-rows", "300", "--load-seconds", "10"]
        if args.quick
        else []
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = "make bench" + "".join(
        f" {name}={shlex.quote(value)}"
        for name, value in (("SIZES", args.sizes), ("ROLLUP_SIZES", args.rollup_sizes))
    )
    command += " QUICK=1" if args.quick else ""
    began = time.time()
    python = sys.executable
    first_env = environment(database_url(base, (sizes or rollup_sizes or [0])[0]))
    subprocess.run(  # noqa: S603 (our own command)
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=first_env, check=True
    )
    runs = []
    for n, rollup_only in [(n, False) for n in sizes] + [(n, True) for n in rollup_sizes]:
        url = database_url(base, n)
        ensure_database(url)
        out = RESULTS / f"{label(n)}{'-rollup' if rollup_only else ''}.json"
        out.unlink(missing_ok=True)
        step = [python, str(ROOT / "bench" / "size.py"), str(n), str(out), *quick]
        step += ["--rollup-only"] if rollup_only else []
        status = subprocess.run(step, cwd=ROOT, env=environment(url)).returncode  # noqa: S603
        if status != 0:
            print(f"bench: the run at {n:,} participants failed ({status}); no RESULTS.md", file=sys.stderr)
            return 1
        runs.append({**json.loads(out.read_text()), "rollup_only": rollup_only})
    machine = report.machine(database_url(base, (sizes or rollup_sizes)[0]))
    elapsed = time.time() - began
    text = report.render(runs, machine=machine, command=command, quick=args.quick, elapsed_s=elapsed)
    args.out.write_text(text)
    print(f"[bench] wrote {args.out.relative_to(ROOT)} in {time.time() - began:.0f} s")
    print(report.targets_summary(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
