"""Who is being left behind: outcomes by self-identified demographic and by ZIP code (reads only).

Each breakdown is an SQL aggregate over the participants enrolled (an enrollment in one of
``Enrollment.ENROLLED_STATUSES``, within the scope when there is one: see ``measures``), grouped
by the field: ``enrolled`` (all of them), ``trained``
(with a completed enrollment) and ``good_job`` (with a placement judged a good job that has
started). Both rates are of those enrolled: completion = trained / enrolled, good job =
good_job / enrolled. The gap is the group's rate minus everyone's, in percentage points.
Every table goes through ``suppression``: each column (enrolled, trained, good job) adds up to
everyone's figure, so its small counts are hidden with complementary suppression, and a rate or
gap is shown only when every count it uses is shown. A ZIP code gets a row of its own only with
at least ``SUPPRESS_BELOW`` people enrolled (its name would otherwise say someone lives there).
"""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes.measures import count_by, measure, person_keys
from outcomes.suppression import SUPPRESS_BELOW, gap, rate, shown, suppress_columns
from participants.models import Participant

# The self-identified fields, in the order shown.
DEMOGRAPHIC_FIELDS = ("ethnicity", "race", "gender", "veteran", "disability")
ZIP_TOP = 10
NOT_ANSWERED = _("Not answered")
OTHER_ZIPS = _("Other ZIP codes")


def enrolled_people(as_of: date, scope: dict | None = None):
    """The people these breakdowns are of: enrolled (in ``scope``, when given)."""
    return Participant.objects.filter(measure("enrolled").person(as_of, scope))


def _counts(field: str, as_of: date, scope: dict | None):
    """``(value, enrolled, trained, good_job)`` per value of ``field`` among those enrolled: one query."""
    return _combined_counts((field,), as_of, scope)


def _combined_counts(fields: tuple[str, ...], as_of: date, scope: dict | None):
    """``(*values, enrolled, trained, good_job)`` per combination of ``fields``' values among those
    enrolled: one query (each person is in exactly one combination, so the counts add up). The
    people enrolled, each once, LEFT JOINed to the people trained and to those placed in a good
    job (``measures.count_by``): hash joins, no subquery per person."""
    groups = tuple(f"g{i}" for i in range(len(fields)))
    base = (
        enrolled_people(as_of, scope)
        .order_by()  # the model's ordering would split the groups
        .values(**{g: F(name) for g, name in zip(groups, fields, strict=True)}, who=F("pk"))
    )
    rows = count_by(
        base,
        groups,
        {
            "enrolled": None,
            "trained": (None, [], "who", person_keys("trained", as_of, scope, among_enrolled=True), None),
            "good_job": (
                None,
                [],
                "who",
                person_keys("placed_good_jobs", as_of, scope, among_enrolled=True),
                None,
            ),
        },
    )
    return [(*(row[g] for g in groups), row["enrolled"], row["trained"], row["good_job"]) for row in rows]


def _by_field(fields: tuple[str, ...], combinations) -> dict[str, dict]:
    """{field: {value: (enrolled, trained, good_job)}}, summed over the combinations."""
    out: dict[str, dict] = {field: {} for field in fields}
    for row in combinations:
        numbers = row[len(fields) :]
        for field, value in zip(fields, row, strict=False):
            before = out[field].get(value, (0, 0, 0))
            out[field][value] = tuple(a + b for a, b in zip(before, numbers, strict=True))
    return out


def _row(key: str, label, enrolled, trained, good_job, overall: tuple) -> dict:
    """A row as published: the counts given are already suppressed (``None`` when hidden)."""
    all_enrolled, all_trained, all_good_job = overall
    return {
        "key": key,
        "label": label,
        "enrolled": enrolled,
        "trained": trained,
        "completion_rate": rate(trained, enrolled),
        "completion_gap": gap(trained, enrolled, all_trained, all_enrolled),
        "good_job": good_job,
        "good_job_rate": rate(good_job, enrolled),
        "good_job_gap": gap(good_job, enrolled, all_good_job, all_enrolled),
    }


def _breakdown(
    field: str, label, groups: list[tuple[str, object, int, int, int]], prefer: list[int] | None = None
) -> dict:
    """``prefer``: the order complements are taken in (row indices; the last row first by default)."""
    overall = tuple(sum(group[i] for group in groups) for i in (2, 3, 4))
    published = suppress_columns([group[2:] for group in groups], prefer=prefer)
    overall_shown = tuple(shown(n) for n in overall)
    return {
        "field": field,
        "label": label,
        "rows": [
            _row(key, name, *counts, overall=overall_shown)
            for (key, name, *_numbers), counts in zip(groups, published, strict=True)
        ],
        "overall": _row("", _("Everyone enrolled"), *overall_shown, overall=overall_shown),
    }


def equity_breakdown(
    field: str, *, as_of: date | None = None, scope: dict | None = None, counts: dict | None = None
) -> dict:
    """The breakdown by ``field`` (one of ``DEMOGRAPHIC_FIELDS``): a row per choice, in the
    model's order (zeros included), then "Not answered" (blank); ``overall`` is everyone enrolled.
    ``counts``: {value: (enrolled, trained, good_job)} already read (else one query)."""
    if counts is None:
        counts = {value: (e, t, g) for value, e, t, g in _counts(field, as_of or timezone.localdate(), scope)}
    counts = dict(counts)
    model_field = Participant._meta.get_field(field)
    groups = [(value, label, *counts.pop(value, (0, 0, 0))) for value, label in model_field.choices]
    groups.append(("", NOT_ANSWERED, *counts.pop("", (0, 0, 0))))
    # Values no longer among the choices, if any, are shown as stored.
    groups.extend((value, value, *numbers) for value, numbers in sorted(counts.items()))
    return _breakdown(field, model_field.verbose_name, groups)


def zip_breakdown(*, as_of: date | None = None, scope: dict | None = None) -> dict:
    """The ``ZIP_TOP`` ZIP codes with the most people enrolled (ties by ZIP code), among those with
    at least ``SUPPRESS_BELOW`` people enrolled, then the other ZIP codes combined, then "Not
    answered" (blank)."""
    counts = list(_counts("zip_code", as_of or timezone.localdate(), scope))
    blank = next((numbers[1:] for numbers in counts if numbers[0] == ""), (0, 0, 0))
    answered = sorted((row for row in counts if row[0] != ""), key=lambda row: (-row[1], row[0]))
    own = [row for row in answered if row[1] >= SUPPRESS_BELOW][:ZIP_TOP]
    groups = [(code, code, e, t, g) for code, e, t, g in own]
    rest = answered[len(own) :]
    if rest:
        groups.append(("other", OTHER_ZIPS, *(sum(row[i] for row in rest) for i in (1, 2, 3))))
    groups.append(("", NOT_ANSWERED, *blank))
    # Complements: "Not answered", "Other ZIP codes", then the ZIP codes from the highest code
    # down: an order the counts do not change (the rows themselves are ranked by count).
    codes = sorted(range(len(own)), key=lambda i: groups[i][0], reverse=True)
    prefer = [len(groups) - 1, *([len(own)] if rest else []), *codes]
    return _breakdown("zip_code", Participant._meta.get_field("zip_code").verbose_name, groups, prefer)


def equity_breakdowns(*, as_of: date | None = None, scope: dict | None = None) -> list[dict]:
    """Every breakdown shown on the dashboard: the demographics (one query for all of them, grouped
    by every combination of their values: 5 scans of the participants cost 5 times one), then ZIP
    code (one query)."""
    as_of = as_of or timezone.localdate()
    counts = _by_field(DEMOGRAPHIC_FIELDS, _combined_counts(DEMOGRAPHIC_FIELDS, as_of, scope))
    demographics = [
        equity_breakdown(field, as_of=as_of, scope=scope, counts=counts[field])
        for field in DEMOGRAPHIC_FIELDS
    ]
    return [*demographics, zip_breakdown(as_of=as_of, scope=scope)]
