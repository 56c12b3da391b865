"""Coalition pages: partners, working groups, meetings, pilots and awards.

Grant staff manage everything; anyone else sees the working groups they are members of.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coalition import selectors, services
from coalition.forms import AwardForm, MeetingForm, MembershipForm, PartnerForm, PilotForm
from coalition.models import Meeting, Membership, Partner, PilotProject
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.core.forms import apply_validation_error, id_param

EVERYONE = tuple(Role)
PER_PAGE = 25


def _page(request, items, param: str):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


@access.role_required(*EVERYONE)
def index(request):
    user = request.user
    context = {
        "groups": selectors.groups_for(user=user),
        "upcoming": selectors.meetings_for(user=user, upcoming=True)[:10],
        "recent_page": _page(request, selectors.meetings_for(user=user, upcoming=False), "meetings_page"),
        "can_manage": access.can_manage_coalition(user),
    }
    if context["can_manage"]:
        context.update(
            counts=selectors.coalition_counts(),
            partners_page=_page(request, selectors.partner_list(), "partners_page"),
            pilots_page=_page(request, selectors.pilot_list(), "pilots_page"),
            awards_page=_page(request, selectors.award_list(), "awards_page"),
        )
    return render(request, "coalition/index.html", context)


@access.role_required(*EVERYONE)
def group_detail(request, pk: int):
    group = access.working_group_for(request.user, pk)
    return render(
        request,
        "coalition/group_detail.html",
        {
            "group": group,
            "memberships": selectors.group_memberships(group=group),
            "meetings_page": _page(request, selectors.meetings_of_group(group=group), "page"),
            "can_manage": access.can_manage_coalition(request.user),
        },
    )


# --- Grant staff ---------------------------------------------------------------------------


@access.role_required(Role.STAFF)
def partner_edit(request, pk: int | None = None):
    partner = get_object_or_404(Partner, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(partner=partner, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("coalition:index")
    return render(request, "coalition/partner_edit.html", {"form": form, "partner": partner})


@access.role_required(Role.STAFF)
def group_members(request, pk: int):
    group = access.working_group_for(request.user, pk, manage=True)
    form = MembershipForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            try:
                services.membership_set(group=group, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Member saved."))
                return redirect("coalition:group_members", pk=group.pk)
        elif action in ("chair", "member", "remove"):
            membership = get_object_or_404(
                Membership, group=group, pk=id_param(request.POST.get("membership"))
            )
            if action == "remove" and request.POST.get("confirm") != "yes":
                messages.error(request, _("Confirm that you want to remove this member."))
            elif action == "remove":
                services.membership_remove(membership=membership)
                messages.success(request, _("Member removed."))
            else:
                services.membership_set(
                    group=group, user=membership.user, role=action, partner=membership.partner
                )
                messages.success(request, _("Role changed."))
            return redirect("coalition:group_members", pk=group.pk)
    return render(
        request,
        "coalition/group_members.html",
        {"group": group, "memberships": selectors.group_memberships(group=group), "form": form},
    )


def _attendee_choices(group):
    users = get_user_model().objects.filter(is_active=True)
    if group is not None:
        users = users.filter(coalition_memberships__group=group)
    else:
        users = users.filter(coalition_memberships__isnull=False).distinct()
    return users.order_by("last_name", "first_name", "pk")


@access.role_required(Role.STAFF)
def meeting_edit(request, pk: int | None = None):
    """A working group's meeting (``?group=<pk>`` when new) or, without a group, a community gathering."""
    if pk:
        meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    else:
        group_pk = request.GET.get("group") or request.POST.get("group")
        group = access.working_group_for(request.user, id_param(group_pk), manage=True) if group_pk else None
        kind = Meeting.Kind.MEETING if group else Meeting.Kind.GATHERING
        meeting = Meeting(group=group, kind=kind)
    form = MeetingForm(
        request.POST or None, instance=meeting, attendee_choices=_attendee_choices(meeting.group)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.meeting_save(
                meeting=meeting if meeting.pk else None,
                group=meeting.group,
                kind=meeting.kind,
                attendees=list(data.pop("attendees")),
                extra_attendees=data.pop("extra_attendees"),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            if meeting.group_id:
                return redirect("coalition:group_detail", pk=meeting.group_id)
            return redirect("coalition:index")
    return render(request, "coalition/meeting_edit.html", {"form": form, "meeting": meeting})


@access.role_required(Role.STAFF)
def pilot_edit(request, pk: int | None = None):
    pilot = get_object_or_404(PilotProject, pk=pk) if pk else None
    form = PilotForm(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        try:
            services.pilot_save(pilot=pilot, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Pilot project saved."))
            return redirect("coalition:index")
    return render(request, "coalition/pilot_edit.html", {"form": form, "pilot": pilot})


@access.role_required(Role.STAFF)
def award_new(request):
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Award recorded."))
            return redirect("coalition:index")
    return render(request, "coalition/award_new.html", {"form": form})
