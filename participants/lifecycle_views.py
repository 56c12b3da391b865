"""Grant staff's page for a participant's lifecycle: deactivate, reactivate, anonymize.

One confirmation page shows where the person is in the lifecycle and what can be done next;
the services in participants.services do it.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error
from participants import services
from participants.forms import AnonymizeForm, DeactivateForm


@access.role_required(Role.STAFF)
def participant_lifecycle(request, pk: int):
    participant = access.participant_for(request.user, pk)  # the services check who may act
    forms = {"deactivate": DeactivateForm(), "anonymize": AnonymizeForm()}
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "reactivate":
        try:
            services.participant_reactivate(participant=participant, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s can sign in again.") % {"name": participant})
        return redirect("participants:lifecycle", pk=participant.pk)
    if action in forms:
        form = forms[action] = type(forms[action])(request.POST)
        if form.is_valid():
            try:
                if action == "deactivate":
                    services.participant_deactivate(
                        participant=participant, by=request.user, reason=form.cleaned_data["reason"]
                    )
                else:
                    services.participant_anonymize(participant=participant, by=request.user)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if action == "deactivate":
                    messages.success(request, _("%(name)s is deactivated.") % {"name": participant})
                else:  # not the former name: it would be kept in the session with the message
                    messages.success(request, _("The participant is anonymized."))
                return redirect("participants:lifecycle", pk=participant.pk)
        participant.refresh_from_db()
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[participant.pk])
    return render(
        request,
        "participants/lifecycle.html",
        {
            "participant": participant,
            "deactivate_form": forms["deactivate"],
            "anonymize_form": forms["anonymize"],
            "anonymize_refusal": services.participant_anonymize_refusal(participant),
            "possible_from": services.anonymization_possible_from(),
            "retention_years": settings.MTW_RECORD_RETENTION_YEARS,
        },
    )
