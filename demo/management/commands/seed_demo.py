import os

from django.core.management.base import BaseCommand

from demo import seed as demo


class Command(BaseCommand):
    help = (
        "Load the demo data and demo accounts (password: $DEMO_PASSWORD, default mtw-demo-pass). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "mtw-demo-pass")

    def handle(self, *args, password: str, **options):
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
