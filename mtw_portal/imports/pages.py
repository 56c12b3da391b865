"""The two pages every spreadsheet import has: upload, then preview and confirm.

Each kind's views pass their words, templates and scope; the flow is written once here.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mtw_portal.core.forms import apply_validation_error
from mtw_portal.core.tables import CSV_TYPE, XLSX_TYPE
from mtw_portal.imports import services
from mtw_portal.imports.forms import ImportFileForm
from mtw_portal.imports.importers import MAX_COLUMNS, PLAN_ACTIONS, max_rows

PREVIEW_ROWS = PLAN_ACTIONS  # planned actions listed on the preview; the counts cover them all
TEMPLATE_FORMATS = ("csv", "xlsx")


def upload(
    request,
    *,
    kind: str,
    columns,
    template: str,
    preview_url: str,
    scope_provider=None,
    context=None,
    template_url: str = "",
):
    """The upload page; ``template_url``: the URL name of the kind's template file (one argument,
    the format), offered for download."""
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
    downloads = [(fmt, reverse(template_url, args=[fmt])) for fmt in TEMPLATE_FORMATS] if template_url else []
    return render(
        request,
        template,
        {"form": form, "columns": columns, "limits": limits, "template_files": downloads, **(context or {})},
    )


def template_file(*, columns, example: dict[str, str], fmt: str) -> bytes:
    """A file to fill in: the header row (``columns``, in order) and one example row. Every cell
    is text (an XLSX keeps dates and ZIP codes as written; nothing is a formula)."""
    example_row = [str(example.get(column, "")) for column in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # spreadsheets then read accents right; the importer skips it
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerow(example_row)
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Import"
        for row in (list(columns), example_row):
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.data_type = "s"
                cell.number_format = "@"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(columns, start=1):
            width = max(len(column), len(example_row[index - 1])) + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise Http404


def template_download(*, columns, example: dict[str, str], fmt: str, filename: str) -> HttpResponse:
    """``template_file`` as a download named ``filename``.<fmt>; an unknown format is 404."""
    content = template_file(columns=columns, example=example, fmt=fmt)
    response = HttpResponse(content, content_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


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
