"""The participants behind a dashboard number (reads only).

A dashboard cell carries the query parameters of its figure (``Cell.drill``): a ``measure`` (one
of ``measures.MEASURES``) and the filters of its row. ``drill_parse`` checks them (anything
unknown or malformed: ``None``, so the page answers 404) and ``drill_people`` lists the people,
with the very conditions that counted them, so the list's length is the number that was clicked
(the figures are the last roll-up's, ``outcomes.stored``; the list is of now, so right after
a roll-up the two agree).

Parameters:
    measure    one of MEASURES (required)
    provider   a provider's short code      } which enrollments count (the scope)
    program    a program's id               }
    quarter    2026-Q3: cohorts starting in }
    reason     a withdrawal reason           }
    status     completed                     }
    support    a support type (with measure=supported)
    field, value   a self-identified group (field: ethnicity, race, gender, veteran,
                   disability or zip_code; value "" = not answered; zip_code "other" = outside
                   the top ZIP codes); these count only people enrolled, as the breakdowns do
    within     "enrolled": only people enrolled (in the scope)

A group's list is given only for a figure its table shows (``drill_is_shown``): a count hidden by
suppression, or its complement, opens nothing, even when its address is typed, since the list's
length would tell the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mtw_portal.core.forms import id_param
from mtw_portal.core.tables import Column, Quarter, Table
from mtw_portal.core.validators import has_control_characters
from outcomes.breakdowns import DEMOGRAPHIC_FIELDS, NOT_ANSWERED, OTHER_ZIPS
from outcomes.measures import MEASURES, measure
from outcomes.stored import column_index
from participants.models import Participant, SupportType
from programs.models import Enrollment, Program, Provider, WithdrawalReason

# The order of a drill's parameters in its address: the same link whatever order they were stored
# in (PostgreSQL's jsonb keeps an object's keys in its own order, not the one written).
PARAMETER_ORDER = (
    "measure",
    "provider",
    "program",
    "quarter",
    "reason",
    "status",
    "support",
    "field",
    "value",
    "within",
)
KNOWN = set(PARAMETER_ORDER)  # a figure's parameters
PAGING = {"page"}  # the list's own parameter, not part of the figure
GROUP_FIELDS = (*DEMOGRAPHIC_FIELDS, "zip_code")
# The measures a group's table shows, and the column each is in.
GROUP_COLUMNS = {"enrolled": "enrolled", "trained": "trained", "placed_good_jobs": "good_job"}


@dataclass
class Drill:
    measure: str
    scope: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    within_enrolled: bool = False
    group: tuple[str, str] | None = None  # (field, value)
    # What the list is of, for its heading: (label, value) pairs.
    described: list[tuple] = field(default_factory=list)


def drill_url(params: dict) -> str:
    ordered = sorted(
        params.items(),
        key=lambda item: (
            PARAMETER_ORDER.index(item[0]) if item[0] in PARAMETER_ORDER else len(PARAMETER_ORDER)
        ),
    )
    return reverse("outcomes:people") + "?" + urlencode(ordered)


def drill_parse(params) -> Drill | None:
    """The drill of query parameters ``params`` (a QueryDict or dict), or ``None`` if invalid."""

    def get(name: str, default=None):
        value = params.get(name)
        return default if value is None else str(value)

    if set(params.keys()) - KNOWN - PAGING:
        return None
    if any(has_control_characters(str(value)) for value in params.values()):
        return None  # PostgreSQL cannot even compare text holding NUL
    key = get("measure", "")
    if key not in MEASURES:
        return None
    drill = Drill(measure=key)
    drill.described.append((_("Figure"), MEASURES[key].label))
    if "provider" in params:
        provider = Provider.objects.filter(code=get("provider")).first()
        if provider is None:
            return None
        drill.scope["cohort__program__provider"] = provider
        drill.described.append((_("Provider"), provider.name))
    if "program" in params:
        program = Program.objects.select_related("provider").filter(pk=id_param(get("program", ""))).first()
        if program is None:
            return None
        drill.scope["cohort__program"] = program
        drill.described.append((_("Program"), f"{program.provider.name}: {program.name}"))
    if "quarter" in params:
        quarter = Quarter.parse(get("quarter"))
        if quarter is None:
            return None
        drill.scope["cohort__start_date__range"] = (quarter.start, quarter.end)
        drill.described.append((_("Cohorts starting in"), quarter.label))
    if "reason" in params:
        if get("reason") not in WithdrawalReason.values:
            return None
        drill.scope["withdrawal_reason"] = get("reason")
        drill.described.append((_("Withdrawal reason"), WithdrawalReason(get("reason")).label))
    if "status" in params:
        if get("status") != Enrollment.Status.COMPLETED:
            return None
        drill.scope["status"] = Enrollment.Status.COMPLETED
        drill.described.append((_("Enrollments"), Enrollment.Status.COMPLETED.label))
    if "support" in params:
        if key != "supported" or get("support") not in SupportType.values:
            return None
        drill.options["type"] = get("support")
        drill.described.append((_("Support"), SupportType(get("support")).label))
    if "field" in params or "value" in params:
        name, value = get("field", ""), get("value")
        if name not in GROUP_FIELDS or value is None or len(value) > 20:
            return None
        model_field = Participant._meta.get_field(name)
        if name != "zip_code" and value and value not in dict(model_field.choices):
            return None
        drill.group = (name, value)
        drill.within_enrolled = True
        shown = {"": NOT_ANSWERED, "other": OTHER_ZIPS}.get(value) if name == "zip_code" else None
        if shown is None:
            shown = dict(model_field.choices or ()).get(value, value) if value else NOT_ANSWERED
        drill.described.append((model_field.verbose_name, shown))
    if "within" in params:
        if get("within") != "enrolled":
            return None
        drill.within_enrolled = True
    return drill


def drill_people(
    drill: Drill, *, as_of: date, tables: list[dict], visible: QuerySet | None = None
) -> QuerySet:
    """The participants behind the figure, among ``visible`` (the access module's set).
    ``tables``: the stored grant tables, whose ZIP code breakdown names the ZIP codes with a row of
    their own ("other" is the rest)."""
    people = visible if visible is not None else Participant.objects.all()
    condition = measure(drill.measure).person(as_of, drill.scope, **drill.options)
    if drill.within_enrolled:
        condition &= measure("enrolled").person(as_of, drill.scope)
    if drill.group is not None:
        name, value = drill.group
        if name == "zip_code" and value == "other":
            condition &= ~Q(zip_code="") & ~Q(zip_code__in=_top_zip_codes(tables))
        else:
            condition &= Q(**{name: value})
    return people.filter(condition)


def _top_zip_codes(tables: list[dict]) -> list[str]:
    """The ZIP codes with a row of their own in the stored grant breakdown (a group's drill is
    never within a scope: ``drill_is_shown``)."""
    table = next((t for t in tables if t["key"] == "equity-zip_code"), {"rows": []})
    return [row["key"] for row in table["rows"] if row["key"] not in ("", "other")]


def drill_is_shown(drill: Drill, *, tables: list[dict]) -> bool:
    """Whether the figure is one the stored grant dashboard shows (``tables``: its stored
    ``data["tables"]``, ``outcomes.stored``). A group's figure (``field``/``value``) is the cell of
    the stored breakdown: hidden by suppression, or a measure no breakdown shows, or a ZIP code
    without a row of its own, or a group within a scope (no stored table has one), it is not.
    Any other figure is. Reads no participant."""
    if drill.group is None:
        return True
    column = GROUP_COLUMNS.get(drill.measure)
    if column is None or drill.scope:
        return False
    name, value = drill.group
    table = next((t for t in tables if t["key"] == f"equity-{name}"), None)
    if table is None:
        return False
    index = column_index(table, column)
    row = next((r for r in table.get("rows", []) if r.get("key") == value), None)
    return (
        index is not None
        and row is not None
        and index < len(row["values"])
        and row["values"][index] is not None
    )


def drill_people_table(drill: Drill, people) -> Table:
    """The list as a downloadable table: the columns of the page, every person (not one page).
    ``people``: ``drill_people``'s queryset with the user, organization and navigator's user read."""
    table = Table(
        "people",
        _("The people behind a figure"),
        [
            Column("name", _("Name"), "text"),
            Column("zip_code", _("ZIP code"), "text"),
            Column("organization", _("Community organization"), "text"),
            Column("navigator", _("Navigator"), "text"),
        ],
        note="; ".join(f"{label}: {value}" for label, value in drill.described),
        sheet=_("People"),
    )
    for person in people:
        table.add(
            str(person.pk),
            str(person),
            person.zip_code,
            person.organization.name if person.organization else "",
            person.navigator.user.display_name if person.navigator else "",
        )
    return table
