"""The outcome measures, defined once: who counts as enrolled, trained, placed in a good job...

Every figure on the dashboard, and the list of participants behind it, comes from these
definitions, so a number and its list always agree. A measure gives:

- ``person(as_of, scope)``: a condition on ``Participant`` (for counting people and for listing
  them). ``scope`` limits which enrollments count: a dict of ``Enrollment`` lookups, such as
  ``{"cohort__program__provider__code": "BS"}``. With a scope, every measure is of people with an
  enrollment in that scope (placed in a good job = enrolled there and placed in a good job).
  Without one, the training measures need an enrollment anywhere and the others do not (the
  roll-up counts every placement, however the person came to it).
- ``grouped(as_of)``: the same condition for counting ``Count("participant", distinct=True)``
  over *enrollments* grouped by one of their fields (provider, program, cohort quarter, withdrawal
  reason): each group is the scope.

Both are plain SQL conditions (``EXISTS`` subqueries): a figure is one aggregate query, whatever
the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from employers.models import INTERNSHIP_KINDS, Kind
from participants.models import SupportItem
from placements.models import Placement, RetentionCheck
from programs.models import Credential, Enrollment

RETENTION_DAYS = 180
Status = Enrollment.Status


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    # Enrollment statuses that make someone count (for the training measures), or that make them
    # "enrolled" in the scope (for the others).
    statuses: tuple = tuple(Enrollment.ENROLLED_STATUSES)
    # A participant-level condition beyond the enrollment (placements, supports...), as a
    # function of (as_of, reference to the participant's pk, options) -> Exists.
    beyond: object = None
    # Credentials are tied to the enrollment that earned them.
    credential: bool = False
    options: dict = field(default_factory=dict)

    @property
    def training(self) -> bool:
        return self.beyond is None and not self.credential

    def _enrollments(self, as_of: date, scope: dict, participant_ref) -> Exists:
        enrollments = Enrollment.objects.filter(
            participant=participant_ref, status__in=self.statuses, **scope
        )
        if self.credential:
            enrollments = enrollments.filter(
                Exists(Credential.objects.filter(enrollment=OuterRef("pk"), awarded_on__lte=as_of))
            )
        return Exists(enrollments)

    def person(self, as_of: date, scope: dict | None = None, **options) -> Q:
        """The condition on ``Participant`` (see the module's docstring)."""
        scope = scope or {}
        here = OuterRef("pk")
        if self.credential and not scope:
            # Any credential, even one not tied to an enrollment here.
            return Q(Exists(Credential.objects.filter(participant=here, awarded_on__lte=as_of)))
        if self.beyond is None:
            return Q(self._enrollments(as_of, scope, here))
        condition = Q(self.beyond(as_of, here, {**self.options, **options}))
        if scope:
            condition &= Q(self._enrollments(as_of, scope, here))
        return condition

    def grouped(self, as_of: date, **options) -> Q:
        """The condition on an ``Enrollment`` row, for ``Count("participant", distinct=True)``."""
        condition = Q(status__in=self.statuses)
        if self.credential:
            condition &= Q(
                Exists(Credential.objects.filter(enrollment=OuterRef("pk"), awarded_on__lte=as_of))
            )
        if self.beyond is not None:
            condition &= Q(self.beyond(as_of, OuterRef("participant"), {**self.options, **options}))
        return condition


def _placements(as_of, ref, options) -> Exists:
    return Exists(Placement.objects.filter(participant=ref, start_date__lte=as_of, **options))


def _retained(as_of, ref, options) -> Exists:
    return Exists(
        RetentionCheck.objects.filter(
            placement__participant=ref,
            placement__start_date__lte=as_of,
            days=RETENTION_DAYS,
            outcome=RetentionCheck.Outcome.EMPLOYED,
        )
    )


def _supported(as_of, ref, options) -> Exists:
    items = SupportItem.objects.filter(participant=ref, state=SupportItem.State.APPROVED, given_on__lte=as_of)
    if options.get("type"):
        items = items.filter(type=options["type"])
    return Exists(items)


def _measure(key, label, **kwargs) -> Measure:
    return Measure(key=key, label=label, **kwargs)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        _measure("enrolled", _("Enrolled")),
        _measure("active", _("In training now"), statuses=(Status.ENROLLED, Status.ACTIVE)),
        _measure("trained", _("Trained (completed training)"), statuses=(Status.COMPLETED,)),
        _measure("withdrawn", _("Withdrawn"), statuses=(Status.WITHDRAWN,)),
        _measure("credentials_earned", _("Earned a credential"), credential=True),
        _measure(
            "internships", _("Internship"), beyond=_placements, options={"kind__in": tuple(INTERNSHIP_KINDS)}
        ),
        _measure(
            "apprenticeships", _("Apprenticeship"), beyond=_placements, options={"kind": Kind.APPRENTICESHIP}
        ),
        _measure(
            "employed_full_time",
            _("Employed full time"),
            beyond=_placements,
            options={"kind": Kind.FULL_TIME},
        ),
        _measure(
            "employed_part_time",
            _("Employed part time"),
            beyond=_placements,
            options={"kind": Kind.PART_TIME},
        ),
        _measure(
            "placed_good_jobs", _("Placed in a good job"), beyond=_placements, options={"is_good_job": True}
        ),
        _measure("retained_180_days", _("Retained 180 days"), beyond=_retained),
        _measure("supported", _("Received wraparound support"), beyond=_supported),
    ]
}


def measure(key: str) -> Measure:
    return MEASURES[key]
