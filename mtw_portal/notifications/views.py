"""The inbox (/notifications/) and the settings page (/notifications/settings/): each person's own."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.paging import CappedPaginator
from mtw_portal.notifications import selectors, services
from mtw_portal.notifications.forms import PreferencesForm

PAGE_SIZE = 25
# Every role has an inbox; each person sees only their own (the selectors filter by recipient).
EVERY_ROLE = tuple(Role)


@access.role_required(*EVERY_ROLE)
def inbox(request):
    page = CappedPaginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The items name participants (a navigator's queue, an employer's applicants): a list of people read.
    record_view(request, kind=ReadKind.LIST, participants=selectors.participants_named(page.object_list))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


@access.role_required(*EVERY_ROLE)
@require_POST
def mark_read(request, pk: int):
    notification = selectors.notification_for(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    return redirect("notifications:inbox")


@access.role_required(*EVERY_ROLE)
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:inbox")


@access.role_required(*EVERY_ROLE)
def preferences(request):
    current = selectors.preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=request.user,
            choices=form.choices(),
            daily_digest=form.cleaned_data.get("daily_digest") if current["digest_offered"] else None,
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "preferences": current})
