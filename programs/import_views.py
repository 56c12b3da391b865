"""Roster import through the web: upload, preview (created, updated, rejected), confirm.

The same importer as ``manage.py import_roster enrollments`` (programs/imports.py).
Provider staff who can edit import their own provider's rosters; grant staff any provider's.
"""

from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.imports import pages as import_pages
from programs.imports import COLUMNS, EXAMPLE_ROW, EnrollmentRosterImporter

KIND = EnrollmentRosterImporter.kind


def _scope_provider(user):
    """Provider staff import for their own provider (editors only: 403 otherwise); grant staff for any."""
    if access.has_role(user, Role.PROVIDER):
        return access.provider_staff_for(user, edit=True).provider
    return None


@access.role_required(Role.PROVIDER, Role.STAFF)
def roster_upload(request):
    scope_provider = _scope_provider(request.user)
    return import_pages.upload(
        request,
        kind=KIND,
        columns=COLUMNS,
        template="programs/import/upload.html",
        preview_url="programs:roster_preview",
        scope_provider=scope_provider,
        context={"scope_provider": scope_provider},
        template_url="programs:roster_template",
    )


@access.role_required(Role.PROVIDER, Role.STAFF)
def roster_template(request, fmt: str):
    """The roster's template file (CSV or XLSX): the header row and one example row."""
    _scope_provider(request.user)  # provider staff who can edit, as the upload
    return import_pages.template_download(
        columns=COLUMNS, example=EXAMPLE_ROW, fmt=fmt, filename="roster-template"
    )


@access.role_required(Role.PROVIDER, Role.STAFF)
def roster_preview(request, pk: int):
    return import_pages.preview(
        request,
        access.import_batch_for(request.user, pk, kind=KIND),
        template="programs/import/preview.html",
        preview_url="programs:roster_preview",
        upload_url="programs:roster_upload",
        done_message=_("Roster imported: %(summary)s"),
    )
