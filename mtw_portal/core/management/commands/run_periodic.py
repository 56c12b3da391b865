import os
import time

from django.core.management.base import BaseCommand

from mtw_portal.core.periodic import PeriodicJobs


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (CELERY_BEAT_SCHEDULE) in this process, without Celery beat: each at "
        "start, then when due. For the demo (make demo starts it beside runserver); production runs beat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs once and exit.")

    def handle(self, *args, once: bool, **options):
        jobs = PeriodicJobs()
        parent = os.getppid()
        while True:
            for name, result in jobs.tick().items():
                failed = isinstance(result, Exception)
                line = f"periodic job {name}: " + (f"failed ({result!r})" if failed else f"done ({result})")
                self.stdout.write(self.style.ERROR(line) if failed else line)
            if once:
                return
            # Stop when whatever started us has gone (make demo stopped without its trap running).
            for _second in range(int(jobs.seconds_to_next())):
                if os.getppid() != parent:
                    return
                time.sleep(1)
