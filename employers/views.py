from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employers import selectors, services
from employers.forms import (
    ApplicationForm,
    BoardFilterForm,
    ColleagueInviteForm,
    DecisionForm,
    EmployerAccountRequestForm,
    EmployerProfileForm,
    MentorMatchForm,
    MentorOfferForm,
    OpportunityForm,
)
from employers.models import Application, EmployerAccountRequest, EmployerMember, Opportunity
from employers.validators import is_pdf
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.accounts.throttle import throttled
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error, next_url
from mtw_portal.core.paging import CappedPaginator
from placements.selectors import retention_due_counts
from programs.selectors import training_of


@access.role_required(Role.EMPLOYER)
def home(request):
    member = access.employer_member_for(request.user)
    opportunities = list(selectors.opportunity_list_for_manager(user=request.user))
    pending = list(selectors.pending_applicants(employer=member.employer)[:10])
    record_view(request, kind=ReadKind.LIST, participants=[a.participant_id for a in pending])
    return render(
        request,
        "employers/home.html",
        {
            "membership": member,
            "colleagues": selectors.employer_member_list(employer=member.employer, claimed_only=True),
            "can_manage": access.can_manage_employer(request.user, member.employer),
            "opportunities": opportunities,
            "state_counts": {
                state: sum(1 for o in opportunities if o.state == state) for state in Opportunity.State.values
            },
            "pending": pending,
            "retention_due": retention_due_counts(user=request.user),
        },
    )


@login_not_required
@throttled("employer_account_request")
def account_request(request):
    form = EmployerAccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_account_request_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "employers/account_request_sent.html")
    return render(request, "employers/account_request.html", {"form": form})


@access.role_required(Role.STAFF)
def account_request_list(request):
    state = request.GET.get("state", EmployerAccountRequest.State.PENDING)
    page = CappedPaginator(selectors.employer_account_request_list(state=state), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "employers/account_request_list.html",
        {"page": page, "state": state, "states": EmployerAccountRequest.State.choices},
    )


@access.role_required(Role.STAFF)
def account_request_detail(request, pk: int):
    account_request = get_object_or_404(EmployerAccountRequest, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.APPROVE:
                services.employer_account_request_approve(
                    account_request=account_request,
                    decided_by=request.user,
                    employer=data["employer"],
                    note=data["note"],
                )
                messages.success(
                    request,
                    _("Approved: an invitation is on its way to %(email)s.")
                    % {"email": account_request.email},
                )
            else:
                services.employer_account_request_decline(
                    account_request=account_request, decided_by=request.user, note=data["note"]
                )
                messages.success(request, _("Declined."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("employers:account_request_list")
    return render(
        request, "employers/account_request_detail.html", {"account_request": account_request, "form": form}
    )


# --- Hiring ---------------------------------------------------------------------------------

MANAGERS = (Role.EMPLOYER, Role.STAFF)
SUPPORTERS = (Role.NAVIGATOR, Role.STAFF)
EVERY_ROLE = (Role.PARTICIPANT, Role.NAVIGATOR, Role.PROVIDER, Role.EMPLOYER, Role.STAFF)

# The employer's moves (``Application.MOVES``) posted to ``application_move``; hire opens the hire form.
MOVE_ACTIONS = Application.actions_of(Application.EMPLOYER_SIDE) - {"hire"}


def _placement_of(application):
    try:
        return application.placement
    except ObjectDoesNotExist:
        return None


# Public: the board.


@login_not_required
def board(request):
    employers = selectors.board_employers()
    form = BoardFilterForm(request.GET or None, employers=employers)
    filters = form.cleaned_data if form.is_valid() else {}
    opportunities = selectors.opportunity_board(
        kind=filters.get("kind", ""),
        remote=filters.get("remote", False),
        q=filters.get("q", ""),
        employer=filters.get("employer"),
        min_wage=filters.get("min_wage"),
    )
    page = CappedPaginator(opportunities, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "employers/board.html",
        {"form": form, "page": page},
    )


@login_not_required
def opportunity_detail(request, pk: int):
    opportunity = selectors.opportunity_public(pk=pk)
    participant = application = None
    if access.has_role(request.user, Role.PARTICIPANT):
        participant = access.own_participant(request.user)
        application = (
            selectors.application_list_for_participant(participant=participant)
            .filter(opportunity=opportunity)
            .first()
        )
    return render(
        request,
        "employers/opportunity_detail.html",
        {"opportunity": opportunity, "participant": participant, "application": application},
    )


# Participants: applying, their applications.


@access.role_required(Role.PARTICIPANT)
def apply(request, pk: int):
    opportunity = selectors.opportunity_public(pk=pk)
    participant = access.own_participant(request.user)
    existing = (
        selectors.application_list_for_participant(participant=participant)
        .filter(opportunity=opportunity)
        .first()
    )
    if existing is not None:
        if existing.state == Application.State.WITHDRAWN:
            messages.info(
                request, _("You withdrew your application to this opportunity: you can send it again here.")
            )
        else:
            messages.info(request, _("You have already applied to this opportunity."))
        return redirect("employers:my_applications")
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_create(participant=participant, opportunity=opportunity, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Your application was sent to %(employer)s.") % {"employer": opportunity.employer.name},
            )
            return redirect("employers:my_applications")
    return render(
        request,
        "employers/apply.html",
        {"opportunity": opportunity, "participant": participant, "form": form},
    )


@access.role_required(Role.PARTICIPANT)
def my_applications(request):
    participant = access.own_participant(request.user)
    return render(
        request,
        "employers/my_applications.html",
        {
            "applications": selectors.application_list_for_participant(participant=participant),
            "withdraw": Application.move_named("withdraw"),
            "reapply": Application.move_named("reapply"),
        },
    )


@access.role_required(Role.PARTICIPANT)
@require_POST
def application_withdraw(request, pk: int):
    """Withdraw, once confirmed: the button opens a confirmation (and an optional reason for the
    employer); a post without ``confirm`` changes nothing."""
    application = access.application_for(request.user, pk, action="withdraw")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that you want to withdraw this application."))
        return redirect("employers:my_applications")
    try:
        services.application_withdraw(
            application=application, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Your application was withdrawn. You can apply again while the opportunity is open.")
        )
    return redirect("employers:my_applications")


@access.role_required(Role.PARTICIPANT)
@require_POST
def application_reapply(request, pk: int):
    """Undo a withdrawal: the same application is sent again."""
    application = access.application_for(request.user, pk, action="reapply")
    try:
        services.application_reapply(application=application, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your application was sent again to %(employer)s.")
            % {"employer": application.opportunity.employer.name},
        )
    return redirect("employers:my_applications")


# Employers (and grant staff): opportunities and their applicants.


@access.role_required(Role.EMPLOYER)
def opportunity_new(request):
    member = access.employer_member_for(request.user)
    return _opportunity_form(request, employer=member.employer, opportunity=None)


@access.role_required(*MANAGERS)
def opportunity_edit(request, pk: int):
    opportunity = access.opportunity_for(request.user, pk)
    return _opportunity_form(request, employer=opportunity.employer, opportunity=opportunity)


def _opportunity_form(request, *, employer, opportunity):
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = services.opportunity_save(
                opportunity=opportunity, employer=employer, by=request.user, skills=data.pop("skills"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if opportunity is None:
                messages.success(request, _("Saved as a draft. Open it to put it on the board."))
            else:
                messages.success(request, _("Saved."))
            return redirect("employers:opportunity_edit", pk=saved.pk)
    counts = selectors.applicant_state_counts(opportunity=opportunity) if opportunity else {}
    return render(
        request,
        "employers/opportunity_form.html",
        {
            "form": form,
            "opportunity": opportunity,
            "employer": employer,
            "applicant_count": sum(counts.values()),
        },
    )


@access.role_required(*MANAGERS)
@require_POST
def opportunity_state(request, pk: int):
    opportunity = access.opportunity_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        services.opportunity_set_state(opportunity=opportunity, by=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if action == "close":
            messages.success(request, _("Closed: it is off the board and takes no new applications."))
        else:
            messages.success(request, _("Open: it is on the board."))
    return redirect(next_url(request, reverse("employers:opportunity_edit", args=[opportunity.pk])))


@access.role_required(*MANAGERS)
def applicants(request, pk: int):
    opportunity = access.opportunity_for(request.user, pk)
    state = request.GET.get("state", "")
    applications = list(selectors.applicants(opportunity=opportunity, state=state))
    for application in applications:
        application.actions = Application.moves_from(application.state, by=Application.EMPLOYER_SIDE)
        application.hire_placement = _placement_of(application)
    # Training and credentials only of those who consent to share (access decides).
    training = training_of(
        participant_ids=access.participants_training_visible_to(request.user)
        .filter(pk__in=[a.participant_id for a in applications])
        .values_list("pk", flat=True)
    )
    for application in applications:
        application.training = training.get(application.participant_id)
    counts = selectors.applicant_state_counts(opportunity=opportunity)
    record_view(request, kind=ReadKind.LIST, participants=[a.participant_id for a in applications])
    return render(
        request,
        "employers/applicants.html",
        {
            "opportunity": opportunity,
            "applications": applications,
            "state": state if state in Application.State.values else "",
            "state_tabs": [(value, label, counts[value]) for value, label in Application.State.choices],
            "total": sum(counts.values()),
        },
    )


@access.role_required(*MANAGERS)
@require_POST
def application_move(request, pk: int, action: str):
    if action not in MOVE_ACTIONS:
        raise Http404
    application = access.application_for(request.user, pk, action=action)
    try:
        application = services.application_move(
            application=application,
            by=request.user,
            to_state=Application.move_named(action).to_state,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(state)s.")
            % {"name": application.participant.user.display_name, "state": application.get_state_display()},
        )
    default = reverse("employers:applicants", args=[application.opportunity_id])
    return redirect(next_url(request, default))


# Everyone who may see the application, and only them (else 404), gets its résumé.
@access.role_required(*EVERY_ROLE)
def resume(request, pk: int):
    application = access.application_for(request.user, pk)
    if not application.resume:
        raise Http404
    try:
        upload = application.resume.open("rb")
    except OSError:
        raise Http404 from None
    if not is_pdf(upload):  # not what was checked at upload: never serve it
        upload.close()
        raise Http404
    record_view(request, kind=ReadKind.RESUME, participants=[application.participant_id])
    response = FileResponse(upload, content_type="application/pdf", filename=f"resume-{application.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Employers: their details, colleagues and mentoring.


@access.role_required(Role.EMPLOYER)
def profile(request):
    member = access.employer_member_for(request.user)
    can_manage = access.can_manage_employer(request.user, member.employer)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = EmployerProfileForm(request.POST or None, instance=member.employer)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_profile_update(employer=member.employer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your organization's details are saved."))
            return redirect("employers:home")
    return render(
        request,
        "employers/profile.html",
        {"form": form, "employer": member.employer, "can_manage": can_manage},
    )


@access.role_required(Role.EMPLOYER)
def colleague_invite(request):
    member = access.employer_member_for(request.user)
    can_manage = access.can_manage_employer(request.user, member.employer)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = ColleagueInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_colleague_invite(by_member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("employers:home")
    owners = selectors.employer_member_list(employer=member.employer).filter(role=EmployerMember.Role.OWNER)
    return render(
        request,
        "employers/colleague_invite.html",
        {"form": form, "employer": member.employer, "can_manage": can_manage, "owners": owners},
    )


@access.role_required(Role.EMPLOYER)
def mentoring(request):
    member = access.employer_member_for(request.user)
    form = MentorOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_offer_save(member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you: navigators can now match you with participants."))
            return redirect("employers:mentoring")
    matches = list(selectors.mentor_match_list_for(user=request.user).select_related("matched_by"))
    record_view(request, kind=ReadKind.LIST, participants=[m.participant_id for m in matches])
    return render(
        request,
        "employers/mentoring.html",
        {
            "form": form,
            "offers": selectors.mentor_offer_list(member=member),
            "matches": matches,
        },
    )


@access.role_required(Role.EMPLOYER)
def mentor_offer_edit(request, pk: int):
    member = access.employer_member_for(request.user)
    offer = access.mentor_offer_for(request.user, pk)
    form = MentorOfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_offer_save(member=member, offer=offer, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("employers:mentoring")
    return render(request, "employers/mentor_offer_form.html", {"form": form, "offer": offer})


@access.role_required(Role.EMPLOYER)
@require_POST
def mentor_offer_pause(request, pk: int):
    """Pause an offer (no new matches; current ones go on), or take mentees again."""
    member = access.employer_member_for(request.user)
    offer = access.mentor_offer_for(request.user, pk)
    services.mentor_offer_save(
        member=member,
        offer=offer,
        topics=offer.topics,
        capacity=offer.capacity,
        is_active=not offer.is_active,
    )
    messages.success(request, _("Taking mentees again.") if not offer.is_active else _("Paused."))
    return redirect("employers:mentoring")


# Navigators (and grant staff): their participants' applications, mentor matches.


@access.role_required(*SUPPORTERS)
def caseload_applications(request):
    state = request.GET.get("state", "")
    applications = selectors.application_list_for(user=request.user, state=state)
    page = CappedPaginator(applications, 25).get_page(request.GET.get("page"))
    record_view(request, kind=ReadKind.LIST, participants=[a.participant_id for a in page])
    return render(
        request,
        "employers/caseload_applications.html",
        {
            "page": page,
            "state": state if state in Application.State.values else "",
            "states": Application.State.choices,
            "is_staff": access.is_grant_staff(request.user),
        },
    )


@access.role_required(*SUPPORTERS)
def mentor_match(request):
    offers = selectors.mentor_offers_available()
    participants = access.participants_visible_to(request.user).select_related("user")
    form = MentorMatchForm(request.POST or None, participants=participants, offers=offers)
    if request.method == "POST" and form.is_valid():
        try:
            match = services.mentor_match(
                offer=form.cleaned_data["offer"],
                participant=form.cleaned_data["participant"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(participant)s is matched with %(mentor)s.")
                % {
                    "participant": match.participant.user.display_name,
                    "mentor": match.offer.member.user.display_name,
                },
            )
            return redirect("employers:mentor_match")
    record_view(request, kind=ReadKind.LIST, participants=[*participants.values_list("pk", flat=True)])
    return render(
        request,
        "employers/mentor_match.html",
        {
            "form": form,
            "offers": offers,
            "matches": selectors.mentor_match_list_for(user=request.user),
        },
    )


@access.role_required(*SUPPORTERS)
@require_POST
def mentor_match_end(request, pk: int):
    match = access.mentor_match_for(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that you want to end this match."))
        return redirect("employers:mentor_match")
    try:
        services.mentor_match_end(match=match, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The match has ended."))
    return redirect("employers:mentor_match")
