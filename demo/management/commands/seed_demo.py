import os
import time

from django.core.management.base import BaseCommand, CommandError

from demo import scale
from demo import seed as demo
from outcomes import services as outcome_services


class Command(BaseCommand):
    help = (
        "Load the demo data and demo accounts (password: $DEMO_PASSWORD, default mtw-demo-pass). Idempotent. "
        "With --participants N, also generate N participants shaped like the program, in bulk, on top of "
        "the demo data (demo/scale.py): intake and demographics, navigators and their caseloads, cohorts, "
        "enrollments, support, applications, placements, credentials, retention checks and follow-ups. "
        "These are generated records: written straight to the tables (PostgreSQL: COPY), with no signal, "
        "task, notification, audit or history row per record. The same N gives the same people; running "
        "again adds only the people missing. The command then runs one outcome roll-up (today's snapshot), "
        "and on PostgreSQL ANALYZE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "mtw-demo-pass")
        parser.add_argument(
            "--participants",
            type=int,
            default=0,
            help="How many generated participants there should be (scale000000@scale.test, ...). Default 0.",
        )
        parser.add_argument(
            "--no-rollup", action="store_true", help="Leave the outcome roll-up to the caller."
        )

    def handle(self, *args, password: str, participants: int, no_rollup: bool, **options):
        if participants < 0:
            raise CommandError("--participants must be 0 or more.")
        result = demo.seed(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result['accounts']} demo accounts ({result['accounts_created']} new); "
                + (
                    "training, support and case notes loaded; "
                    if result["training_loaded"]
                    else "training unchanged; "
                )
                + ("hiring loaded" if result["hiring_loaded"] else "hiring unchanged")
                + ("; coalition loaded" if result["coalition_loaded"] else "; coalition unchanged")
                + (
                    "; outcome history loaded."
                    if result["outcomes_loaded"]
                    else "; outcome history unchanged."
                )
            )
        )
        for spec in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {spec.email:<26} {spec.role.label}")
        if participants:
            self._scale(participants, rollup=not no_rollup)

    def _scale(self, participants: int, *, rollup: bool) -> None:
        began = time.perf_counter()
        self.stdout.write(f"Scale data: {participants:,} generated participants wanted.")
        added = scale.seed_scale(participants=participants, progress=self.stdout.write)
        if not added:
            self.stdout.write("Scale data unchanged: the generated participants are there already.")
        else:
            written = time.perf_counter() - began
            rows = sum(added.values())
            rate = rows / max(written, 1e-9)
            self.stdout.write(f"Scale data written in {written:.1f} s ({rows:,} rows, {rate:,.0f} rows/s):")
            for table, count in added.items():
                self.stdout.write(f"  {table:<18}{count:>12,}")
        if rollup:
            rolled = time.perf_counter()
            outcome_services.outcomes_rollup()
            self.stdout.write(f"Outcome roll-up: {time.perf_counter() - rolled:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {time.perf_counter() - began:.1f} s."))
