"""The two pages every spreadsheet import has: upload, then preview and confirm.

Each kind's views pass their words, templates and scope; the flow is written once here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mtw_portal.core.forms import apply_validation_error
from mtw_portal.imports import services
from mtw_portal.imports.forms import ImportFileForm
from mtw_portal.imports.importers import MAX_COLUMNS, PLAN_ACTIONS, max_rows

PREVIEW_ROWS = PLAN_ACTIONS  # planned actions listed on the preview; the counts cover them all


def upload(
    request, *, kind: str, columns, template: str, preview_url: str, scope_provider=None, context=None
):
    form = ImportFileForm(request.POST or None, request.FILES or None, columns=columns)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                kind=kind,
                uploaded_by=request.user,
                scope_provider=scope_provider,
                filename=upload_file.name,
                content=upload_file.read(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect(preview_url, pk=batch.pk)
    limits = {"rows": max_rows(), "columns": MAX_COLUMNS, "days": settings.MTW_IMPORT_RETENTION_DAYS}
    return render(request, template, {"form": form, "columns": columns, "limits": limits, **(context or {})})


def preview(request, batch, *, template: str, preview_url: str, upload_url: str, done_message: str):
    """GET: the plan made when the file was uploaded (the file is not read again). POST: confirm
    (plans the kept rows again, writes all or nothing, once).

    ``batch`` is the one the user may see, found by the calling view (``access.import_batch_for``).
    ``done_message`` has a ``%(summary)s`` placeholder.
    """
    already = _("This file has already been imported; nothing more was written.")
    result = None  # once applied, the page shows the record of what was done
    stored = False  # a plan kept at upload, rather than one made by this request
    if request.method == "POST" and batch.applied_at is None:
        try:
            result = services.import_batch_apply(batch=batch, user=request.user)
        except services.BatchAlreadyApplied:
            messages.info(request, already)
            return redirect(preview_url, pk=batch.pk)
        if result.ok:
            messages.success(request, done_message % {"summary": result.summary_line()})
            return redirect(preview_url, pk=batch.pk)
        messages.error(request, _("Nothing was written: the file has problems now (see below)."))
    elif request.method == "POST":
        messages.info(request, already)
        return redirect(preview_url, pk=batch.pk)
    elif batch.applied_at is None:
        result = services.import_batch_plan(batch=batch, user=request.user)
        stored = batch.purged_at is None
    return render(
        request,
        template,
        {
            "batch": batch,
            "result": result,
            "record": batch.result if batch.applied_at else None,
            "stored_plan": stored,
            "actions": result.actions[:PREVIEW_ROWS] if result else [],
            **_beyond_the_list(result, batch.plan if stored else None),
            "upload_url": reverse(upload_url),
        },
    )


def _beyond_the_list(result, plan: dict | None) -> dict:
    """The rows planned and the problems found beyond those listed, and the rows rejected."""
    if plan is not None:  # kept at upload with only the first actions and problems
        keys = ("more_actions", "more_errors", "rejected_rows")
        return {key: plan.get(key, 0) for key in keys}
    if result is None:
        return {"more_actions": 0, "more_errors": 0, "rejected_rows": 0}
    return {
        "more_actions": max(len(result.actions) - PREVIEW_ROWS, 0),
        "more_errors": 0,
        "rejected_rows": len({e.row for e in result.errors if e.row}),
    }
