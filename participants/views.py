"""The participant's own pages: home, profile (intake), data download, support requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from employers.selectors import application_list_for_participant
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error
from participants import data_download, selectors, services
from participants.forms import IntakeForm, SupportRequestForm
from participants.progress import progress_line
from placements.selectors import placement_list_for_participant
from programs.selectors import enrollment_list_for_participant


@access.role_required(Role.PARTICIPANT)
def home(request):
    participant = access.own_participant(request.user)
    enrollments = list(enrollment_list_for_participant(participant=participant))
    items = selectors.support_item_list(participant=participant)
    applications = list(application_list_for_participant(participant=participant))
    placements = list(placement_list_for_participant(participant=participant))
    return render(
        request,
        "participants/home.html",
        {
            "participant": participant,
            "enrollments": enrollments,
            "support_items": items.filter(state="approved")[:10],
            "support_totals": selectors.support_totals(items=items),
            "support_requests": participant.support_requests.order_by("-created_at")[:10],
            "next_steps": selectors.next_steps(
                participant=participant,
                enrollments=enrollments,
                applications=applications,
                placements=placements,
            ),
            "applications": applications[:10],
            "placements": placements,
            "awaiting": selectors.enrollments_awaiting_confirmation(participant=participant),
            "progress_line": progress_line(participant=participant),
        },
    )


@access.role_required(Role.PARTICIPANT)
def profile(request):
    participant = access.own_participant(request.user)
    form = IntakeForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.participant_intake_save(
                participant=participant,
                first_name=data.pop("first_name"),
                last_name=data.pop("last_name"),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("participants:home")
    return render(request, "participants/profile.html", {"form": form, "participant": participant})


@access.role_required(Role.PARTICIPANT)
def profile_download(request):
    """Everything held about the signed-in participant, as a ZIP (participants.data_download)."""
    participant = access.own_participant(request.user)
    record_view(request, kind=ReadKind.DATA_DOWNLOAD, participants=[participant.pk])
    response = HttpResponse(
        data_download.participant_data_zip(participant=participant), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{data_download.participant_data_filename()}"'
    return response


@access.role_required(Role.PARTICIPANT)
def support_request_new(request):
    participant = access.own_participant(request.user)
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_create(participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to your navigator."))
            return redirect("participants:home")
    return render(request, "participants/support_request_new.html", {"form": form})
