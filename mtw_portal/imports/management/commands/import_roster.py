"""``manage.py import_roster KIND FILE [--dry-run]``: import a spreadsheet, all or nothing.

The same importers as the web (mtw_portal/imports/importers.py). A good file prints a one-line
summary and exits 0; any bad row prints every problem as ``row N, column: message`` on
stderr, writes nothing and exits 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mtw_portal.imports.importers import IMPORTERS, ImportResult, importer_for, max_bytes, too_large_error


class ImportFailed(CommandError):
    """Bad rows: nothing was written. ``manage.py`` exits with status 1."""

    def __init__(self, message: str, errors: list[str]):
        super().__init__(message, returncode=1)
        self.errors = errors


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (CSV UTF-8 or XLSX) of KIND, all or nothing. "
        "Bad rows are reported as 'row N, column: message' and nothing is written. "
        "Formats: README.md, 'Import formats'."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="what the file holds")
        parser.add_argument("file", help="path of the CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check and summarize, write nothing")

    def handle(self, *args, kind: str, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        importer = importer_for(kind)
        if path.stat().st_size > max_bytes():  # refused before it is read into memory
            result = ImportResult(kind=kind, errors=[too_large_error()])
        else:
            result = importer.run(path.read_bytes(), apply=not dry_run)
        if result.errors:
            lines = result.error_lines()
            for line in lines:
                self.stderr.write(line)
            raise ImportFailed(f"nothing was written: {len(lines)} problem(s) in {file}", lines)
        self.stdout.write(("dry run: " if dry_run else "") + result.summary_line())
