"""The employer's own hiring funnel: the page and its tables as CSV or XLSX downloads.

Only employer members, and only their own employer's figures (``access.employer_member_for``).
The figures come from ``placements.selectors`` (the "hiring funnel" section).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.core.tables import FORMATS, table_response
from placements import selectors
from placements.forms import FunnelFilterForm


def _section(table, *, empty: str, paginated: bool = False) -> dict:
    """A table for the template: each row's data cells paired with their columns."""
    rows = [(row, list(zip(table.columns[1:], row.data, strict=True))) for row in table.rows]
    return {"table": table, "rows": rows, "empty": empty, "paginated": paginated}


@access.role_required(Role.EMPLOYER)
def funnel(request):
    employer = access.employer_member_for(request.user).employer
    form = FunnelFilterForm(request.GET)
    days = form.days  # a period not in the list: the form shows its error; the figures are all-time
    page = Paginator(
        selectors.employer_funnel_by_opportunity(employer=employer, days=days), selectors.FUNNEL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    by_opportunity = selectors.employer_funnel_opportunity_table(opportunities=page.object_list, days=days)
    for row in by_opportunity.rows:
        row.header.href = reverse("employers:applicants", args=[row.key])
    return render(
        request,
        "placements/funnel.html",
        {
            "employer": employer,
            "form": form,
            "sections": [
                _section(selectors.employer_funnel_table(employer=employer, days=days), empty=""),
                _section(
                    selectors.employer_funnel_kind_table(employer=employer, days=days),
                    empty=_("You have not posted an opportunity yet."),
                ),
                _section(by_opportunity, empty=_("You have not posted an opportunity yet."), paginated=True),
            ],
            "page": page,
        },
    )


@access.role_required(Role.EMPLOYER)
def funnel_export(request, table_key: str, fmt: str):
    employer = access.employer_member_for(request.user).employer
    if fmt not in FORMATS or table_key not in selectors.FUNNEL_TABLE_KEYS:
        raise Http404
    form = FunnelFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose the period from the list."), content_type="text/plain")
    table = selectors.employer_funnel_table_for(key=table_key, employer=employer, days=form.days)
    period = form.cleaned_data["period"]
    suffix = "" if period == "all" else f"-last-{period}-days"
    return table_response(table, fmt, f"hiring-funnel-{table_key}{suffix}")
