"""Writes of the reports app: submitting a quarter's funder report, which freezes it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outcomes.models import OutcomeTables
from outcomes.stored import STORED_VERSION, report_scope, rollup_pending_until
from reports.models import FunderReport
from reports.quarterly import DATA_VERSION
from reports.selectors import draft_with_participants


def draft_stamp(draft: OutcomeTables) -> str:
    """What the page posts back to say which stored draft it showed: the time of its figures."""
    return draft.computed_at.isoformat()


def funder_report_submit(*, quarter, by, shown: str, confirm_pending: bool = False):
    """Freeze ``quarter``'s funder report exactly as its page showed it: the tables of the draft the
    last roll-up stored (``shown``: that draft's ``draft_stamp``, posted by the page), with its
    time, and the participant list, read now as the page and the downloads read it. Never
    computed again.

    Refused, with a message, when: the quarter has not ended; it was submitted already; no draft
    is stored (before the first roll-up, a quarter outside the report list); the draft was stored
    before the quarter ended (its figures stop short of the quarter's end); another roll-up has
    replaced the draft since the page was shown (the figures to freeze are not those seen); or a
    refresh is pending (changes wait for the next roll-up) and the submitter has not confirmed
    that the figures shown are the ones to freeze. The corrections (to reports submitted for
    earlier quarters) are frozen as the draft shows them.
    """
    today = timezone.localdate()
    if quarter.end >= today:
        raise ValidationError(
            _("The quarter %(quarter)s has not ended yet: it can be submitted from %(date)s.")
            % {"quarter": quarter.label, "date": date_format(quarter.next().start, "DATE_FORMAT")}
        )
    if FunderReport.objects.filter(year=quarter.year, quarter=quarter.number).exists():
        raise _already_submitted(quarter)
    try:
        with transaction.atomic():
            # Locked until the report is saved: a roll-up replacing the draft waits for us.
            draft = OutcomeTables.objects.select_for_update().filter(scope=report_scope(quarter)).first()
            if draft is None or draft.data.get("version") != STORED_VERSION:
                raise ValidationError(
                    _(
                        "The figures of %(quarter)s are not stored yet: wait for the next roll-up, "
                        "then submit."
                    )
                    % {"quarter": quarter.label}
                )
            if draft.data.get("period_end") != quarter.end.isoformat():
                raise ValidationError(
                    _(
                        "The figures shown were computed before %(quarter)s ended: wait for the next "
                        "roll-up, which counts the whole quarter, then submit."
                    )
                    % {"quarter": quarter.label}
                )
            if shown != draft_stamp(draft):
                raise ValidationError(
                    _(
                        "The figures were refreshed by a roll-up after the page was shown, so the "
                        "report was not submitted: check the figures now shown, then submit again."
                    )
                )
            if rollup_pending_until() and not confirm_pending:
                raise ValidationError(
                    _(
                        "Some changes are waiting for the next roll-up, so the figures shown may "
                        "not count them: wait for the refresh, or confirm that you submit the "
                        "figures as shown."
                    )
                )
            data = draft_with_participants(quarter, draft)
            data.pop("participants_count", None)
            data.update(version=DATA_VERSION, computed_at=draft.computed_at.isoformat())
            report = FunderReport(
                year=quarter.year,
                quarter=quarter.number,
                data=data,
                submitted_by=by,
                submitted_at=timezone.now(),
            )
            report.full_clean(validate_unique=False, validate_constraints=False)
            report.save()
    except IntegrityError:  # submitted by someone else in the meantime
        raise _already_submitted(quarter) from None
    return report


def _already_submitted(quarter) -> ValidationError:
    return ValidationError(
        _("The report for %(quarter)s was already submitted; it cannot be changed.")
        % {"quarter": quarter.label}
    )
