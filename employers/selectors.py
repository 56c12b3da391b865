"""Reads of employers."""

from __future__ import annotations

from django.db.models import QuerySet

from employers.models import Employer, EmployerAccountRequest, EmployerMember


def employer_member_list(*, employer: Employer) -> QuerySet[EmployerMember]:
    return EmployerMember.objects.filter(employer=employer).select_related("user").order_by("user__email")


def employer_account_request_list(*, state: str = "") -> QuerySet[EmployerAccountRequest]:
    requests = EmployerAccountRequest.objects.select_related("decided_by", "employer").order_by("-created_at")
    if state in EmployerAccountRequest.State.values:
        requests = requests.filter(state=state)
    return requests


def employer_account_request_pending_count() -> int:
    return EmployerAccountRequest.objects.filter(state=EmployerAccountRequest.State.PENDING).count()
