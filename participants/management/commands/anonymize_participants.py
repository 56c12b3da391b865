"""List, or with --anonymize anonymize, the deactivated participants whose record-keeping period is over."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import formats

from participants import services


class Command(BaseCommand):
    help = (
        "List the deactivated participants who may be anonymized (the grant's end date plus "
        "MTW_RECORD_RETENTION_YEARS has passed); with --anonymize, anonymize them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anonymize", action="store_true", help="Anonymize them (final).")

    def handle(self, *args, anonymize: bool = False, **options):
        possible_from = services.anonymization_possible_from()
        if possible_from is None:
            self.stdout.write("The grant's end date is not set: nobody can be anonymized yet.")
            return
        eligible = list(services.participants_anonymizable())
        if not eligible:
            self.stdout.write(
                f"Nobody to anonymize. Deactivated participants can be anonymized from "
                f"{formats.date_format(possible_from, 'Y-m-d')}."
            )
            return
        done = 0
        for participant in eligible:
            line = f"#{participant.pk} deactivated {participant.deactivated_at:%Y-%m-%d}"
            if not anonymize:
                self.stdout.write(line)
                continue
            try:
                services.participant_anonymize(participant=participant)
            except ValidationError as exc:  # one failure does not stop the others
                self.stderr.write(f"{line}: not anonymized: {' '.join(exc.messages)}")
            else:
                done += 1
                self.stdout.write(f"{line}: anonymized")
        if anonymize:
            self.stdout.write(f"{done} of {len(eligible)} anonymized.")
        else:
            self.stdout.write(f"{len(eligible)} can be anonymized: run again with --anonymize.")
