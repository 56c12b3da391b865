"""Training pages: the public catalogue and applications; providers' programs, cohorts and rosters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error, id_param
from mtw_portal.core.paging import CappedPaginator
from programs import selectors, services
from programs.forms import (
    CatalogueFilterForm,
    CohortForm,
    CompleteForm,
    NotAdmitForm,
    ProgramForm,
    WithdrawForm,
)
from programs.models import Enrollment, Provider

MANAGERS = (Role.PROVIDER, Role.STAFF)


# --- Public catalogue -------------------------------------------------------------------


@login_not_required
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programs = selectors.catalogue_programs(
        provider=filters.get("provider"),
        format=filters.get("format", ""),
        schedule=filters.get("schedule", ""),
        starts_after=filters.get("starts_after"),
    )
    page = CappedPaginator(programs, 12).get_page(request.GET.get("page"))
    return render(request, "programs/catalogue.html", {"form": form, "page": page})


@login_not_required
def program_detail(request, pk: int):
    program = selectors.program_public(pk=pk)
    participant = (
        access.own_participant(request.user) if access.has_role(request.user, Role.PARTICIPANT) else None
    )
    applied = set()
    if participant is not None:
        applied = set(participant.enrollments.values_list("cohort_id", flat=True))
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "participant": participant, "applied": applied},
    )


@access.role_required(Role.PARTICIPANT)
@require_POST
def cohort_apply(request, pk: int):
    cohort = selectors.cohort_public(pk=pk)
    participant = access.own_participant(request.user)
    try:
        services.enrollment_apply(participant=participant, cohort=cohort)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if participant.intake_completed_at is None:
            return redirect("participants:profile")
        return redirect("programs:program_detail", pk=cohort.program_id)
    messages.success(
        request, _("Your application was sent to %(provider)s.") % {"provider": cohort.program.provider.name}
    )
    return redirect("participants:home")


# --- Providers (and grant staff) ---------------------------------------------------------


WAITING_LISTED = 20  # cohorts with applications waiting listed on the provider's home


@access.role_required(*MANAGERS)
def provider_home(request):
    membership = (
        access.provider_staff_for(request.user) if access.has_role(request.user, Role.PROVIDER) else None
    )
    programs = selectors.programs_for_manager(user=request.user)
    page = CappedPaginator(programs, 20).get_page(request.GET.get("page"))
    waiting = list(selectors.cohorts_with_applications_waiting(user=request.user)[:WAITING_LISTED])
    return render(
        request,
        "programs/provider_home.html",
        {
            "membership": membership,
            "page": page,
            "waiting": waiting,
            "waiting_total": selectors.applications_waiting_count(user=request.user) if waiting else 0,
            "can_edit": membership.can_edit if membership else True,
            "colleagues": selectors.provider_staff_list(provider=membership.provider) if membership else [],
        },
    )


def _provider_for_new_program(request) -> Provider:
    if access.has_role(request.user, Role.PROVIDER):
        provider = access.provider_staff_for(request.user, edit=True).provider
    else:
        provider = get_object_or_404(
            Provider, pk=id_param(request.POST.get("provider") or request.GET.get("provider"))
        )
    if not access.can_manage_provider(request.user, provider):
        raise PermissionDenied
    return provider


@access.role_required(*MANAGERS)
def program_edit(request, pk: int | None = None):
    program = access.program_for(request.user, pk, edit=True) if pk else None
    provider = program.provider if program else _provider_for_new_program(request)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        skills = data.pop("skills")
        try:
            program = services.program_save(program=program, provider=provider, skills=skills, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Program saved."))
            return redirect("programs:provider_home")
    return render(
        request, "programs/program_edit.html", {"form": form, "program": program, "provider": provider}
    )


@access.role_required(*MANAGERS)
def cohort_edit(request, program_pk: int, pk: int | None = None):
    program = access.program_for(request.user, program_pk, edit=True)
    cohort = access.cohort_for(request.user, pk, edit=True) if pk else None
    if cohort is not None and cohort.program_id != program.pk:
        raise PermissionDenied
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_save(cohort=cohort, program=program, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Cohort saved."))
            return redirect("programs:cohort_roster", pk=cohort.pk)
    return render(request, "programs/cohort_edit.html", {"form": form, "program": program, "cohort": cohort})


@access.role_required(*MANAGERS)
def cohort_roster(request, pk: int):
    cohort = access.cohort_for(request.user, pk)
    status = request.GET.get("status", "")
    page = CappedPaginator(selectors.cohort_roster(cohort=cohort, status=status), 50).get_page(
        request.GET.get("page")
    )
    counts = selectors.cohort_status_counts(cohort=cohort)
    taken = sum(counts.get(s, 0) for s in Enrollment.SEAT_STATUSES)
    record_view(request, kind=ReadKind.LIST, participants=[e.participant_id for e in page])
    return render(
        request,
        "programs/cohort_roster.html",
        {
            "cohort": cohort,
            "page": page,
            "status": status,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in Enrollment.Status.choices],
            "taken": taken,
            "can_edit": access.can_manage_provider(request.user, cohort.program.provider),
        },
    )


# Simple actions (POST, no form) and those that need a form.
SIMPLE_ACTIONS = {"enroll": services.enrollment_enroll, "activate": services.enrollment_activate}
FORM_ACTIONS = {
    "complete": (CompleteForm, services.enrollment_complete),
    "withdraw": (WithdrawForm, services.enrollment_withdraw),
    "not_admit": (NotAdmitForm, services.enrollment_not_admit),
}


@access.role_required(Role.PROVIDER, Role.STAFF, Role.NAVIGATOR)
def enrollment_action(request, pk: int, action: str):
    if action not in SIMPLE_ACTIONS and action not in FORM_ACTIONS:
        raise Http404
    enrollment = access.enrollment_for(request.user, pk, action=action)
    back = _back_url(request, enrollment)
    if action in SIMPLE_ACTIONS:
        if request.method != "POST":
            return redirect(back)
        try:
            SIMPLE_ACTIONS[action](enrollment=enrollment, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": enrollment.participant, "status": Enrollment.Status(_status_after(action)).label},
            )
        return redirect(back)
    form_class, service = FORM_ACTIONS[action]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(enrollment=enrollment, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": enrollment.participant, "status": Enrollment.Status(_status_after(action)).label},
            )
            return redirect(back)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[enrollment.participant_id])
    return render(
        request,
        "programs/enrollment_action.html",
        {
            "form": form,
            "enrollment": enrollment,
            "action": action,
            "back": back,
            "events": selectors.enrollment_events(enrollment=enrollment),
        },
    )


def _status_after(action: str) -> str:
    return {
        "enroll": "enrolled",
        "activate": "active",
        "complete": "completed",
        "withdraw": "withdrawn",
        "not_admit": "not_admitted",
    }[action]


def _back_url(request, enrollment) -> str:
    if access.has_role(request.user, Role.NAVIGATOR):
        return reverse("participants:detail", args=[enrollment.participant_id])
    return reverse("programs:cohort_roster", args=[enrollment.cohort_id])


@access.role_required(Role.PARTICIPANT, Role.NAVIGATOR)
@require_POST
def enrollment_link_answer(request, pk: int, answer: str):
    """The person (or their navigator) confirms or declines an enrollment a provider made.

    "No" takes a second step: a decline posted without ``confirm=yes`` changes nothing."""
    if answer not in ("confirm", "decline"):
        raise Http404
    enrollment = access.enrollment_to_confirm_for(request.user, pk)
    if answer == "decline" and request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that this enrollment is not right before saying no."))
        if access.has_role(request.user, Role.NAVIGATOR):
            return redirect("participants:detail", pk=enrollment.participant_id)
        return redirect("participants:home")
    service = services.enrollment_link_confirm if answer == "confirm" else services.enrollment_link_decline
    try:
        service(enrollment=enrollment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        provider = enrollment.cohort.program.provider.name
        messages.success(
            request,
            _("Confirmed: %(provider)s can now see your enrollment.") % {"provider": provider}
            if answer == "confirm"
            else _("Declined: %(provider)s will not see your record through this enrollment.")
            % {"provider": provider},
        )
    if access.has_role(request.user, Role.NAVIGATOR):
        return redirect("participants:detail", pk=enrollment.participant_id)
    return redirect("participants:home")
