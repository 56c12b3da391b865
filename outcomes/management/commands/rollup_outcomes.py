"""Run the outcomes roll-up now (the nightly task's code) and print the snapshot as JSON."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from outcomes.services import outcomes_rollup


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Compute and store the outcome snapshot, then print it as JSON on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="the snapshot's date, YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        snapshot = outcomes_rollup(as_of=_date(as_of) if as_of else None)
        self.stdout.write(json.dumps(snapshot.data, indent=2, sort_keys=True))
