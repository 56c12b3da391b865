"""Changes to the coalition's records. Keyword-only; each checks the rules with full_clean()."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coalition.models import Attendance, Award, Meeting, Membership, Partner, PilotProject, WorkingGroup

PARTNER_FIELDS = (
    "name",
    "type",
    "employer",
    "provider",
    "community_organization",
    "website",
    "joined_on",
    "is_active",
)
MEETING_FIELDS = ("group", "kind", "title", "held_on", "location", "notes")
PILOT_FIELDS = ("title", "description", "lead_partner", "group", "started_on", "ended_on", "status")


def _apply(instance, fields: tuple[str, ...], values: dict):
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def partner_save(*, partner: Partner | None = None, **fields) -> Partner:
    """Create a partner (``partner`` None) or update one. Its link must match its type."""
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    return _apply(partner or Partner(), PARTNER_FIELDS, fields)


@transaction.atomic
def membership_set(
    *, group: WorkingGroup, user, role: str = Membership.Role.MEMBER, partner: Partner | None = None
) -> Membership:
    """Add ``user`` to ``group`` or change their role and partner. A group may have several chairs."""
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        membership = Membership(group=group, user=user)
    membership.role = role
    membership.partner = partner
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting | None = None,
    attendees=None,
    extra_attendees: list[str] | None = None,
    **fields,
) -> Meeting:
    """Create or update a meeting; with ``attendees`` (users) and ``extra_attendees`` (names of
    people without accounts), replace its attendance with them."""
    meeting = _apply(meeting or Meeting(), MEETING_FIELDS, fields)
    if attendees is not None or extra_attendees is not None:
        attendance_record(meeting=meeting, users=attendees or [], names=extra_attendees or [])
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, users, names: list[str] | None = None) -> list[Attendance]:
    """Replace the attendance of ``meeting``: the ``users`` (each once), plus free-text ``names``.

    A member's partner is recorded with their attendance when the meeting is their group's.
    """
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    users = list({user.pk: user for user in users}.values())
    partner_of = {}
    if meeting.group_id is not None:
        partner_of = dict(
            Membership.objects.filter(group_id=meeting.group_id, user__in=users).values_list(
                "user_id", "partner_id"
            )
        )
    meeting.attendances.all().delete()
    rows = [Attendance(meeting=meeting, user=user, partner_id=partner_of.get(user.pk)) for user in users]
    seen = set()
    for name in names or []:
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            rows.append(Attendance(meeting=meeting, attendee_name=name))
    for row in rows:
        row.full_clean(validate_constraints=False)
    return Attendance.objects.bulk_create(rows)


@transaction.atomic
def pilot_save(*, pilot: PilotProject | None = None, **fields) -> PilotProject:
    return _apply(pilot or PilotProject(), PILOT_FIELDS, fields)


@transaction.atomic
def award_create(
    *, partner: Partner, title: str, amount_usd: Decimal, awarded_on: datetime.date, purpose: str = ""
) -> Award:
    if amount_usd is None or Decimal(amount_usd) <= 0:
        raise ValidationError({"amount_usd": _("The amount must be more than zero.")})
    award = Award(partner=partner, title=title, amount_usd=amount_usd, awarded_on=awarded_on, purpose=purpose)
    award.full_clean()
    award.save()
    return award
