"""Pages of placements, the good-job standard and retention checks, and the placement import.

Who sees what is decided in mtw_portal.access; these views parse the request, call one service
or selector, and render or redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from employers.models import Application
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.accounts.throttle import throttled
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error, id_param, next_url
from mtw_portal.core.paging import CappedPaginator
from mtw_portal.imports import pages as import_pages
from placements import selectors, services
from placements.forms import (
    GoodJobStandardForm,
    HireForm,
    PlacementFilterForm,
    PlacementForm,
    RetentionRecordForm,
)
from placements.imports import COLUMNS as IMPORT_COLUMNS
from placements.imports import EXAMPLE_ROW as IMPORT_EXAMPLE_ROW
from placements.imports import PlacementImporter

PAGE_SIZE = 25
NEAR_MISSES_SHOWN = 25
IMPORT_KIND = PlacementImporter.kind


# --- Placements ----------------------------------------------------------------------------


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placements(request):
    """Placements of the navigator's organization's participants (everyone's for grant staff)."""
    form = PlacementFilterForm(
        request.GET or None, employers=selectors.placement_filter_employers(user=request.user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    page = CappedPaginator(selectors.placement_list_for(user=request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_view(request, kind=ReadKind.LIST, participants=[p.participant_id for p in page])
    return render(
        request,
        "placements/list.html",
        {"form": form, "page": page},
    )


def _participant_from_query(request):
    """The participant named by ``?participant=``: one the user supports (404 otherwise)."""
    value = request.GET.get("participant", "")
    if not value:
        return None
    participant = access.participant_for(request.user, id_param(value))
    if not access.can_manage_support(request.user, participant):
        raise Http404
    return participant


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placement_new(request):
    """A navigator (of the person's organization) or grant staff record a job or internship."""
    participant = _participant_from_query(request)
    form = PlacementForm(request.POST or None, user=request.user, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_record(by=request.user, **form.service_arguments())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The placement is recorded."))
            return redirect("placements:placement_detail", pk=placement.pk)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[participant])
    return render(request, "placements/form.html", {"form": form, "participant": participant})


@access.role_required(Role.NAVIGATOR, Role.STAFF, Role.EMPLOYER, Role.PARTICIPANT)
def placement_detail(request, pk: int):
    placement = access.placement_for(request.user, pk)
    can_edit = access.can_manage_support(request.user, placement.participant)
    checks = list(selectors.placement_retention_checks(placement=placement))
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[placement.participant_id])
    if can_edit:
        until = selectors.recordable_until()
        for check in checks:
            if not check.outcome and check.due_on <= until:
                check.record_form = RetentionRecordForm(auto_id=f"id_check{check.pk}_%s")
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "checks": checks,
            "can_edit": can_edit,
            # Navigators' notes on a check are theirs and grant staff's, as case notes are.
            "show_notes": can_edit,
            "show_participant_link": can_edit,
        },
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placement_edit(request, pk: int):
    placement = access.placement_for(request.user, pk, edit=True)
    form = PlacementForm(request.POST or None, user=request.user, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_record(by=request.user, placement=placement, **form.service_arguments())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The placement is saved and judged again."))
            return redirect("placements:placement_detail", pk=placement.pk)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[placement.participant_id])
    return render(
        request,
        "placements/form.html",
        {"form": form, "participant": placement.participant, "placement": placement},
    )


# --- The good-job standard -----------------------------------------------------------------


@access.role_required(Role.STAFF)
def standard(request):
    """The versions of the standard, a form for a new one, re-judging, and the near misses."""
    latest = selectors.standard_latest()
    initial = {}
    if latest is not None:
        initial = {
            name: getattr(latest, name)
            for name in (
                "min_hourly_wage",
                "min_hours_per_week",
                "health_benefits_required",
                "advancement_required",
            )
        }
    form = GoodJobStandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.good_job_standard_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The version in force from %(date)s is saved. Placements already judged keep their "
                    "judgement until you re-judge them."
                )
                % {"date": version.effective_from.isoformat()},
            )
            return redirect("placements:standard")
    near_misses = selectors.placement_list_for(user=request.user, near_miss=True)
    return render(
        request,
        "placements/standard/standard.html",
        {
            "form": form,
            "versions": selectors.standard_versions(),
            "near_misses": near_misses[:NEAR_MISSES_SHOWN],
            "near_miss_count": near_misses.count(),
        },
    )


@access.role_required(Role.STAFF)
@require_POST
def standard_rejudge(request):
    """Judge every placement again against the standard in force on its start date: explicit."""
    counts = services.placements_rejudge()
    messages.success(
        request,
        _("Every placement was judged again: %(changed)s changed, %(unchanged)s unchanged.") % counts,
    )
    return redirect("placements:standard")


# --- Retention checks ----------------------------------------------------------------------


@access.role_required(Role.NAVIGATOR, Role.STAFF, Role.EMPLOYER)
def retention_checks(request):
    """Checks due (overdue first) and coming up, for the organization's participants (all for
    grant staff; an employer, its own placements'); a navigator may keep to their own caseload."""
    employer = access.has_role(request.user, Role.EMPLOYER)
    mine = access.has_role(request.user, Role.NAVIGATOR) and request.GET.get("mine") == "1"
    due = CappedPaginator(selectors.retention_checks_due(user=request.user, mine=mine), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    upcoming = CappedPaginator(
        selectors.retention_checks_upcoming(user=request.user, mine=mine), PAGE_SIZE
    ).get_page(request.GET.get("upcoming_page"))
    until = selectors.recordable_until()
    for check in [*due, *upcoming]:
        if check.due_on <= until:
            check.record_form = RetentionRecordForm(auto_id=f"id_check{check.pk}_%s", employer=employer)
    shown = [*due, *upcoming]
    record_view(request, kind=ReadKind.LIST, participants=[c.placement.participant_id for c in shown])
    return render(
        request,
        "placements/retention/checks.html",
        {
            "due": due,
            "upcoming": upcoming,
            "counts": selectors.retention_due_counts(user=request.user, mine=mine),
            "overdue_before": selectors.overdue_before(),
            "mine": mine,
            "is_navigator": access.has_role(request.user, Role.NAVIGATOR),
            "is_employer": employer,
        },
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF, Role.EMPLOYER)
@require_POST
def retention_record(request, pk: int):
    check = access.retention_check_for(request.user, pk, edit=True)
    employer = access.has_role(request.user, Role.EMPLOYER)
    form = RetentionRecordForm(request.POST, employer=employer)
    if form.is_valid():
        answer = form.cleaned_data
        if employer:  # as through the emailed link
            answer = {**answer, "evidence": check.Evidence.EMPLOYER_CONFIRMED}
        try:
            services.retention_check_record(check=check, by=request.user, **answer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Recorded: %(name)s, %(days)s-day check.")
                % {"name": check.placement.participant.user.display_name, "days": check.days},
            )
    elif employer:
        messages.error(request, _("Choose the outcome."))
    else:
        messages.error(request, _("Choose the outcome and the evidence."))
    return redirect(next_url(request, reverse("placements:retention_checks")))


@login_not_required
@never_cache
@sensitive_variables("token")
@throttled("retention_confirm")
def retention_confirm(request, token: str):
    """The employer's one-click confirmation, from the reminder email: no log-in, works once,
    expires. Shows nothing but the person's name, the job title and the employer."""
    check = services.retention_check_from_token(token)
    if check is None:
        return render(request, "placements/retention/confirm_invalid.html", status=404)
    if check.outcome or check.link_used_at:
        return render(request, "placements/retention/confirm_used.html", status=410)
    placement = check.placement
    context = {
        "name": placement.participant.user.display_name,
        "title": placement.title,
        "employer": placement.employer.name,
        "days": check.days,
        "outcomes": check.Outcome.choices,
    }
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[placement.participant_id])
    status = 200
    if request.method == "POST":
        try:
            services.retention_check_record(
                check=check,
                outcome=request.POST.get("outcome", ""),
                evidence=check.Evidence.EMPLOYER_CONFIRMED,
                via_link=True,
            )
        except ValidationError as exc:
            check.refresh_from_db()
            if check.outcome or check.link_used_at:  # used meanwhile (a double click)
                return render(request, "placements/retention/confirm_used.html", status=410)
            context["error"] = " ".join(exc.messages)
            status = 400
        else:
            return render(request, "placements/retention/confirm_done.html", context)
    return render(request, "placements/retention/confirm.html", context, status=status)


# --- Placement import ----------------------------------------------------------------------


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placement_import(request):
    """Upload a placements file (the same importer as ``manage.py import_roster placements``)."""
    navigator = access.navigator_for(request.user) if access.has_role(request.user, Role.NAVIGATOR) else None
    return import_pages.upload(
        request,
        kind=IMPORT_KIND,
        columns=IMPORT_COLUMNS,
        template="placements/import_upload.html",
        preview_url="placements:placement_import_preview",
        context={"organization": navigator.organization if navigator else None},
        template_url="placements:placement_import_template",
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placement_import_template(request, fmt: str):
    """The placements file's template (CSV or XLSX): the header row and one example row."""
    return import_pages.template_download(
        columns=IMPORT_COLUMNS, example=IMPORT_EXAMPLE_ROW, fmt=fmt, filename="placements-template"
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def placement_import_preview(request, pk: int):
    return import_pages.preview(
        request,
        access.import_batch_for(request.user, pk, kind=IMPORT_KIND),
        template="placements/import_preview.html",
        preview_url="placements:placement_import_preview",
        upload_url="placements:placement_import",
        done_message=_("Placements imported: %(summary)s"),
    )


@access.role_required(Role.EMPLOYER, Role.STAFF)
def application_hire(request, pk: int):
    """The hire form (prefilled from the opportunity); once hired, the placement and its judgement."""
    application = access.application_for(request.user, pk, action="hire")
    placement = getattr(application, "placement", None)  # the reverse one-to-one, if hired
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[application.participant_id])
    if application.state == Application.State.HIRED or placement is not None:
        return render(request, "placements/hired.html", {"application": application, "placement": placement})
    if application.state not in Application.move_named("hire").from_states:
        messages.error(request, _("Offer the job first: only someone who was offered it can be hired."))
        return redirect("employers:applicants", pk=application.opportunity_id)
    form = HireForm(request.POST or None, initial=selectors.application_hire_initial(application=application))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.application_hire(
                application=application, by=request.user, start_date=data.pop("start_date"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is hired.") % {"name": application.participant.user.display_name}
            )
            return redirect("placements:application_hire", pk=application.pk)
    return render(request, "placements/hire.html", {"application": application, "form": form})
