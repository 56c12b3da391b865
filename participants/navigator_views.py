"""Pages of navigators (and grant staff): caseload, participant record, case notes, support ledger.

Who sees which participant, and which parts of their record, is decided in mtw_portal.access;
these views parse the request, call one service or selector, and render or redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error, next_url
from mtw_portal.core.paging import CappedPaginator, capped_count
from participants import selectors, services
from participants.forms import (
    BulkAssignForm,
    CaseloadSearchForm,
    CaseNoteForm,
    EnrollForm,
    StaffAssignForm,
    SupportItemDecisionForm,
    SupportItemForm,
    SupportRequestApproveForm,
    SupportRequestDeclineForm,
    receipt_kept,
)
from participants.models import SupportItem, SupportRequest
from participants.validators import RECEIPT_CONTENT_TYPES, receipt_kind
from placements.selectors import placement_list_for_participant
from programs import services as program_services
from programs.follow_up import follow_up_due
from programs.forms import CompletionFollowUpForm

PAGE_SIZE = 25
NAVIGATOR_TABS = ("mine", "queue", "all")
STAFF_TABS = ("all", "queue")


def _navigator_or_none(user):
    return access.navigator_for(user) if access.has_role(user, Role.NAVIGATOR) else None


def _supported_participant(user, pk: int):
    """Participant ``pk`` if ``user`` may manage their support: 404 if not visible, 403 if visible only."""
    participant = access.participant_for(user, pk)
    if not access.can_manage_support(user, participant):
        raise PermissionDenied
    return participant


# --- Caseload ----------------------------------------------------------------------------


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def caseload(request):
    navigator = _navigator_or_none(request.user)
    tabs = NAVIGATOR_TABS if navigator else STAFF_TABS
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else tabs[0]
    form = CaseloadSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in selectors.CASELOAD_SORTS:
        sort = ""
    participants = selectors.caseload_list(viewer=request.user, scope=tab, query=query, sort=sort)
    page = CappedPaginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, kind=ReadKind.LIST, participants=page.object_list)
    staff = access.is_grant_staff(request.user)
    queue_count, queue_more = capped_count(selectors.participant_list(viewer=request.user, scope="queue"))
    return render(
        request,
        "participants/caseload.html",
        {
            "navigator": navigator,
            "tabs": tabs,
            "tab": tab,
            "form": form,
            "query": query,
            "sort": sort or "name",
            "page": page,
            "queue_count": queue_count,
            "queue_count_more": queue_more,
            "bulk_form": BulkAssignForm(viewer=request.user, staff=staff)
            if tab == "queue" and (navigator or staff)
            else None,
        },
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF)
@require_POST
def caseload_assign(request):
    """Several people from the queue at once: a navigator takes them, grant staff choose the navigator."""
    staff = access.is_grant_staff(request.user)
    form = BulkAssignForm(request.POST, viewer=request.user, staff=staff)
    back = reverse("participants:caseload") + "?tab=queue"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    navigator = form.cleaned_data["navigator"] if staff else access.navigator_for(request.user)
    try:
        assigned = services.participant_assign_bulk(
            participant_ids=[p.pk for p in form.cleaned_data["people"]], navigator=navigator, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)s person is now in the caseload of %(navigator)s.",
            "%(count)s people are now in the caseload of %(navigator)s.",
            len(assigned),
        )
        % {"count": len(assigned), "navigator": navigator.user.display_name},
    )
    return redirect(back)


# --- A participant's record -------------------------------------------------------------


def _render_detail(request, participant, *, note_form=None, assign_form=None, follow_up_form=None):
    """The record, with only the parts ``request.user`` may see put in the context at all."""
    user = request.user
    navigator = _navigator_or_none(user)
    context = {
        "participant": participant,
        "enrollments": selectors.enrollment_list_visible(viewer=user, participant=participant),
        "sensitive": access.can_see_sensitive(user, participant),
        "contact": access.can_see_contact(user, participant),
        "awaiting": selectors.enrollments_awaiting_confirmation(participant=participant)
        if access.is_own_organization_navigator(user, participant)
        else [],
        "manage_support": access.can_manage_support(user, participant),
        "show_notes": access.can_see_case_notes(user, participant),
        "can_deactivate": access.can_deactivate_participant(user, participant),
    }
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[participant.pk])
    if context["manage_support"]:
        context["placements"] = placement_list_for_participant(participant=participant, viewer=user)
        items = selectors.support_item_list(participant=participant)
        context.update(
            support_items=items,
            support_totals=selectors.support_totals(items=items),
            support_requests=selectors.support_request_list(viewer=user).filter(participant=participant),
            can_take=navigator is not None and participant.navigator_id is None,
            assign_form=assign_form
            or (
                StaffAssignForm(initial={"navigator": participant.navigator_id})
                if access.is_grant_staff(user)
                else None
            ),
        )
    if context["show_notes"]:
        context.update(
            case_notes=selectors.case_note_list(participant=participant),
            note_form=note_form or CaseNoteForm(),
        )
        record_view(request, kind=ReadKind.CASE_NOTES, participants=[participant.pk])
        completed = selectors.completed_enrollment_list_visible(viewer=user, participant=participant)
        context.update(
            follow_ups=[(e, follow_up_due(e.end_date)) for e in completed],
            follow_up_form=follow_up_form or CompletionFollowUpForm(enrollments=completed),
        )
    return render(request, "participants/detail.html", context)


@access.role_required(Role.NAVIGATOR, Role.STAFF, Role.PROVIDER)
def participant_detail(request, pk: int):
    participant = access.participant_for(request.user, pk)
    if request.method == "POST":  # the follow-up six months after completion
        return _follow_up_record(request, participant)
    return _render_detail(request, participant)


def _follow_up_record(request, participant):
    """Record the status six months after a completion: whoever may add a case note."""
    if not access.can_see_case_notes(request.user, participant):
        raise PermissionDenied
    completed = selectors.completed_enrollment_list_visible(viewer=request.user, participant=participant)
    form = CompletionFollowUpForm(request.POST, enrollments=completed)
    if form.is_valid():
        try:
            program_services.completion_follow_up_record(
                enrollment=form.cleaned_data["enrollment"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The follow-up is saved."))
            return redirect(reverse("participants:detail", args=[participant.pk]) + "#follow-up")
    return _render_detail(request, participant, follow_up_form=form)


@access.role_required(Role.NAVIGATOR, Role.STAFF)
@require_POST
def participant_assign(request, pk: int):
    """A navigator takes someone from the queue; grant staff choose the navigator or organization."""
    participant = _supported_participant(request.user, pk)
    if access.is_grant_staff(request.user):
        form = StaffAssignForm(request.POST)
        if not form.is_valid():
            return _render_detail(request, participant, assign_form=form)
        choice = {
            "navigator": form.cleaned_data["navigator"],
            "organization": form.cleaned_data["organization"],
        }
    else:
        choice = {"navigator": access.navigator_for(request.user), "from_queue": True}
    try:
        participant = services.participant_assign(participant=participant, by=request.user, **choice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if participant.navigator is None:
            messages.success(request, _("%(name)s is waiting for a navigator.") % {"name": participant})
        else:
            messages.success(
                request,
                _("%(name)s is now in the caseload of %(navigator)s.")
                % {"name": participant, "navigator": participant.navigator.user.display_name},
            )
    return redirect("participants:detail", pk=participant.pk)


@access.role_required(Role.NAVIGATOR, Role.STAFF)
@require_POST
def case_note_add(request, pk: int):
    participant = access.participant_for(request.user, pk)
    if not access.can_see_case_notes(request.user, participant):
        raise PermissionDenied
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(
                participant=participant, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your note is saved."))
            return redirect(reverse("participants:detail", args=[participant.pk]) + "#notes")
    return _render_detail(request, participant, note_form=form)


def _receipts_posted(request, form) -> tuple:
    """(the receipt file chosen in this post and its name, the receipt kept from an earlier post).

    A kept receipt is only its uploader's: a token that is altered, expired or someone else's is
    refused on the receipt field, unless a newly chosen file replaces it."""
    if not form.is_bound:
        return None, None
    upload = form.files.get(form.add_prefix("receipt"))
    chosen = (upload, upload.name) if upload else None
    signed = form.data.get(form.add_prefix("pending_receipt"), "")
    pending = selectors.pending_receipt_for(owner=request.user, signed=signed) if signed else None
    if signed and pending is None and not upload:
        form.add_error("receipt", _("The kept receipt can no longer be used: choose the file again."))
    return chosen, pending


def _keep_receipt(request, form, *, chosen, pending) -> None:
    """The form comes back with errors: keep the receipt just chosen (checked as a saved receipt
    is) or the one kept before, so that the next post attaches it and nothing is lost silently."""
    if chosen and "receipt" not in form.errors:
        upload, name = chosen
        upload.name = name  # the service names a receipt it checked "receipt.<kind>"
        try:
            pending = services.pending_receipt_keep(owner=request.user, upload=upload, replacing=pending)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    if pending is not None:
        signed = services.pending_receipt_signed(pending=pending)
        receipt_kept(form, name=pending.original_name, signed=signed)


def _fields(form) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if name != "pending_receipt"}


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def support_item_new(request, pk: int):
    participant = _supported_participant(request.user, pk)
    form = SupportItemForm(request.POST or None, request.FILES or None)
    chosen, pending = _receipts_posted(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.support_item_log(
                participant=participant, by=request.user, pending_receipt=pending, **_fields(form)
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if item.state == SupportItem.State.AWAITING_APPROVAL:
                messages.info(
                    request,
                    _("Saved. This support needs a second person's approval before it counts."),
                )
            else:
                messages.success(request, _("Support saved."))
            return redirect("participants:detail", pk=participant.pk)
    _keep_receipt(request, form, chosen=chosen, pending=pending)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[participant.pk])
    return render(request, "participants/support_item_new.html", {"participant": participant, "form": form})


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def participant_enroll(request, pk: int):
    participant = access.participant_for(request.user, pk, edit=True)
    form = EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program_services.enrollment_create(
                participant=participant,
                cohort=form.cleaned_data["cohort"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is enrolled in %(cohort)s.")
                % {"name": participant, "cohort": form.cleaned_data["cohort"]},
            )
            return redirect("participants:detail", pk=participant.pk)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[participant.pk])
    return render(
        request,
        "participants/enroll.html",
        {
            "participant": participant,
            "form": form,
            "enrollments": selectors.enrollment_list_visible(viewer=request.user, participant=participant),
        },
    )


# --- The support ledger -------------------------------------------------------------------


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def support_ledger(request):
    items = selectors.support_ledger(viewer=request.user)
    awaiting = selectors.support_ledger(viewer=request.user, state=SupportItem.State.AWAITING_APPROVAL)
    page = CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    support_requests = selectors.support_request_list(viewer=request.user)
    shown = [*page, *awaiting, *support_requests]
    record_view(request, kind=ReadKind.LIST, participants=[x.participant_id for x in shown])
    return render(
        request,
        "participants/support_ledger.html",
        {
            "navigator": _navigator_or_none(request.user),
            "awaiting": awaiting,
            "support_totals": selectors.support_totals(items=items),
            "page": page,
            "support_requests": support_requests,
        },
    )


@access.role_required(Role.NAVIGATOR, Role.STAFF)
@require_POST
def support_item_decide(request, pk: int):
    """The second person approves or rejects an item above the approval threshold."""
    item = selectors.support_item_for(viewer=request.user, pk=pk)
    form = SupportItemDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.support_item_decide(
                item=item, by=request.user, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Approved: it now counts.") if approve else _("Rejected."))
    return redirect(next_url(request, default=reverse("participants:support_ledger")))


# Every role: whoever follows a receipt's link without the right to see it gets 404, never a hint.
@access.role_required(Role.PARTICIPANT, Role.NAVIGATOR, Role.PROVIDER, Role.EMPLOYER, Role.STAFF)
def support_item_receipt(request, pk: int):
    item = selectors.support_item_receipt_for(viewer=request.user, pk=pk)
    try:
        receipt = item.receipt.open("rb")
    except OSError:
        raise Http404 from None
    kind = receipt_kind(receipt)
    if kind is None:  # not what was checked at upload: never serve it
        receipt.close()
        raise Http404
    record_view(request, kind=ReadKind.RECEIPT, participants=[item.participant_id])
    response = FileResponse(
        receipt, content_type=RECEIPT_CONTENT_TYPES[kind], filename=f"receipt-{item.pk}.{kind}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@access.role_required(Role.NAVIGATOR, Role.STAFF)
def support_request_decide(request, pk: int):
    """A participant's request: approve it (logging the support given) or decline it with a note."""
    support_request = selectors.support_request_for(viewer=request.user, pk=pk)
    decision = request.POST.get("decision") if request.method == "POST" else None
    approve_form = SupportRequestApproveForm(
        request.POST if decision == "approve" else None,
        request.FILES if decision == "approve" else None,
        prefix="approve",
        initial={
            "amount": support_request.amount,
            "budget_line": selectors.budget_line_usual_for(type=support_request.type),
        },
    )
    decline_form = SupportRequestDeclineForm(
        request.POST if decision == "decline" else None, prefix="decline"
    )
    form = {"approve": approve_form, "decline": decline_form}.get(decision)
    chosen, pending = _receipts_posted(request, approve_form)
    if request.method == "POST" and support_request.state != SupportRequest.State.OPEN:
        messages.error(request, _("This request has already been answered."))
        return redirect("participants:support_request_decide", pk=support_request.pk)
    if request.method == "POST" and form is None:
        messages.error(request, _("Choose to approve or decline."))
    if form is not None and form.is_valid():
        try:
            item = None
            if decision == "approve":
                item = services.support_request_approve(
                    support_request=support_request, by=request.user, pending_receipt=pending, **_fields(form)
                )
            else:
                services.support_request_decline(
                    support_request=support_request, by=request.user, note=form.cleaned_data["note"]
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if decision == "decline":
                messages.success(request, _("Request declined."))
            elif item.state == SupportItem.State.AWAITING_APPROVAL:
                messages.info(
                    request,
                    _(
                        "Support saved. It is above the approval threshold: it waits for a second "
                        "person's approval, and the participant sees that."
                    ),
                )
            else:
                messages.success(request, _("Request approved and support saved."))
            return redirect("participants:detail", pk=support_request.participant_id)
    _keep_receipt(request, approve_form, chosen=chosen, pending=pending)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[support_request.participant_id])
    return render(
        request,
        "participants/support_request_decide.html",
        {
            "support_request": support_request,
            "participant": support_request.participant,
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
    )
