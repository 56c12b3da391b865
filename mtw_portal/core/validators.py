"""Validators for what people type: one line of text, dates within sane bounds."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls (line feed, carriage return, tab, NUL...), DEL, C1 controls (NEL...) and the
# Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@deconstructible
class SingleLineValidator:
    """Text meant for one line (a name, a title, a phone number) holds no line break or control character."""

    message = _("Enter this on one line, without line breaks, tabs or other control characters.")
    code = "single_line"

    def __call__(self, value) -> None:
        if value and CONTROL_CHARACTERS.search(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()


# In text of several lines (a note, an advancement path), line breaks and tabs are fine.
CONTROL_CHARACTERS_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str, *, multi_line: bool = False) -> bool:
    pattern = CONTROL_CHARACTERS_BUT_LINE_BREAKS if multi_line else CONTROL_CHARACTERS
    return bool(pattern.search(value))


# Dates of events of the program (support given, a cohort's start, a deadline...): the program
# did not exist before 2000, and nothing is planned more than 20 years ahead.
EARLIEST_EVENT = date(2000, 1, 1)
EVENT_YEARS_AHEAD = 20

# A participant is 14 to 100 years old.
YOUNGEST_AGE = 14
OLDEST_AGE = 100


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_bounds(today: date | None = None) -> tuple[date, date]:
    """The earliest and latest dates of birth of someone 14 to 100 years old ``today``."""
    today = today or timezone.localdate()
    earliest = _years_before(today, OLDEST_AGE + 1) + (date(2001, 1, 2) - date(2001, 1, 1))
    return earliest, _years_before(today, YOUNGEST_AGE)


def validate_date_of_birth(value: date | None) -> None:
    if value is None:
        return
    earliest, latest = birth_date_bounds()
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Enter a date of birth of someone %(youngest)s to %(oldest)s years old."),
            code="date_of_birth_range",
            params={"youngest": YOUNGEST_AGE, "oldest": OLDEST_AGE},
        )


def event_date_bounds(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return EARLIEST_EVENT, date(today.year + EVENT_YEARS_AHEAD, 12, 31)


def validate_event_date(value: date | None) -> None:
    """A date of the program's life: from 2000 to 20 years ahead."""
    if value is None:
        return
    earliest, latest = event_date_bounds()
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={"earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )
