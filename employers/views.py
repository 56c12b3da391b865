from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from employers import selectors, services
from employers.forms import DecisionForm, EmployerAccountRequestForm
from employers.models import EmployerAccountRequest
from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.core.forms import apply_validation_error


@access.role_required(Role.EMPLOYER)
def home(request):
    member = access.employer_member_for(request.user)
    return render(
        request,
        "employers/home.html",
        {"membership": member, "colleagues": selectors.employer_member_list(employer=member.employer)},
    )


@login_not_required
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
    page = Paginator(selectors.employer_account_request_list(state=state), 25).get_page(
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
