"""Run the nightly purge of old import files now (the task's code) and say how many were purged."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mtw_portal.imports.services import import_batches_purge


class Command(BaseCommand):
    help = (
        "Delete the uploaded files, stored rows and previews of import batches older than "
        "MTW_IMPORT_RETENTION_DAYS, keeping each batch's summary."
    )

    def handle(self, *args, **options):
        purged = import_batches_purge()
        self.stdout.write(
            f"{purged} import batches purged (older than {settings.MTW_IMPORT_RETENTION_DAYS} days)"
        )
