"""Roster import through the web: upload, preview (created, updated, rejected), confirm.

The same importer as ``manage.py import_roster enrollments`` (programs/roster_import.py).
Provider staff who can edit import their own provider's rosters; grant staff any provider's.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.core import services as core_services
from mtw_portal.core.forms import ImportFileForm, apply_validation_error
from programs.roster_import import COLUMNS, EnrollmentRosterImporter

KIND = EnrollmentRosterImporter.kind
PREVIEW_ROWS = 200  # planned actions listed on the preview; the counts cover them all


def _scope_provider(user):
    """Provider staff import for their own provider (editors only: 403 otherwise); grant staff for any."""
    if access.has_role(user, Role.PROVIDER):
        return access.provider_staff_for(user, edit=True).provider
    return None


@access.role_required(Role.PROVIDER, Role.STAFF)
def roster_upload(request):
    scope_provider = _scope_provider(request.user)
    form = ImportFileForm(request.POST or None, request.FILES or None, columns=COLUMNS)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = core_services.import_batch_create(
                kind=KIND,
                uploaded_by=request.user,
                scope_provider=scope_provider,
                filename=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("programs:roster_preview", pk=batch.pk)
    return render(
        request,
        "programs/import/upload.html",
        {"form": form, "scope_provider": scope_provider, "columns": COLUMNS},
    )


@access.role_required(Role.PROVIDER, Role.STAFF)
def roster_preview(request, pk: int):
    """GET: what confirming would do now. POST: confirm (plans again, writes all or nothing, once)."""
    batch = access.import_batch_for(request.user, pk, kind=KIND)
    if request.method == "POST" and batch.applied_at is None:
        try:
            result = core_services.import_batch_apply(batch=batch, user=request.user)
        except core_services.BatchAlreadyApplied:
            messages.info(request, _("This file has already been imported; nothing more was written."))
            return redirect("programs:roster_preview", pk=batch.pk)
        if result.ok:
            messages.success(request, _("Roster imported: %(summary)s") % {"summary": result.summary_line()})
            return redirect("programs:roster_preview", pk=batch.pk)
        messages.error(request, _("Nothing was written: the roster has problems now (see below)."))
    elif request.method == "POST":
        messages.info(request, _("This file has already been imported; nothing more was written."))
        return redirect("programs:roster_preview", pk=batch.pk)
    elif batch.applied_at is None:
        result = core_services.import_batch_plan(batch=batch, user=request.user)
    else:
        result = None  # applied: the record of what was done
    return render(
        request,
        "programs/import/preview.html",
        {
            "batch": batch,
            "result": result,
            "record": batch.result if batch.applied_at else None,
            "actions": result.actions[:PREVIEW_ROWS] if result else [],
            "more_actions": max(len(result.actions) - PREVIEW_ROWS, 0) if result else 0,
            "rejected_rows": len({e.row for e in result.errors if e.row}) if result else 0,
        },
    )
