from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from mtw_portal import access
from mtw_portal.accounts import selectors, services
from mtw_portal.accounts.forms import InviteForm, PeopleFilterForm, RoleGrantForm
from mtw_portal.accounts.language import language_at_login, language_use
from mtw_portal.accounts.models import ROLE_ORGANIZATION, Role, User
from mtw_portal.accounts.throttle import throttled
from mtw_portal.audit.services import ReadKind, record_view
from mtw_portal.core.forms import apply_validation_error
from mtw_portal.core.paging import CappedPaginator

PAGE_SIZE = 25


@access.role_required(Role.STAFF)
def people_list(request):
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(query=filters.get("q", ""), role=filters.get("role", ""))
    page = CappedPaginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, kind=ReadKind.LIST, participants=[getattr(u, "participant", None) for u in page])
    return render(request, "accounts/people_list.html", {"form": form, "page": page})


@access.role_required(Role.STAFF)
def person_detail(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    organization = selectors.user_organization(person)
    record_view(request, kind=ReadKind.PARTICIPANT, participants=[getattr(person, "participant", None)])
    initial = {"role": person.role}
    if person.role in ROLE_ORGANIZATION:
        initial[ROLE_ORGANIZATION[person.role]] = organization
    form = RoleGrantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_role_grant(
                user=person,
                role=form.cleaned_data["role"],
                organization=form.cleaned_data["organization"],
                granted_by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": person.display_name, "role": Role(form.cleaned_data["role"]).label},
            )
            return redirect("accounts:person_detail", pk=person.pk)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "organization": organization,
            "form": form,
            "role_changes": selectors.role_change_list(user=person)[:20],
        },
    )


@access.role_required(Role.STAFF)
def person_invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.user_invite(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                organization=data["organization"],
                invited_by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.user.email})
            return redirect("accounts:person_detail", pk=invitation.user.pk)
    return render(request, "accounts/person_invite.html", {"form": form})


@access.role_required(Role.STAFF)
@require_POST
def person_reinvite(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    try:
        services.invitation_create(user=person, created_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": person.email})
    return redirect("accounts:person_detail", pk=person.pk)


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@sensitive_variables("token")
@throttled("invitation_accept")
def invitation_accept(request, token: str):
    invitation = services.invitation_from_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410 if invitation else 404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        language = language_at_login(user, current=translation.get_language())
        translation.activate(language)
        messages.success(request, _("Welcome! Your account is ready."))
        response = redirect(access.home_url(user))
        language_use(request, response, language)
        return response
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": invitation.user})


@login_not_required
@require_POST
def language_set(request):
    """The language switcher: Django's set_language (the cookie, CSRF-checked), and for someone
    signed in, their saved language too (log-in and their emails use it)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
