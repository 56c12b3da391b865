"""The roll-up's ten counts, hand-written: the bench's reference for ``outcomes_compute``.

``reference_counts(as_of)`` returns the counts of ``outcomes.rollup.COUNTED`` (distinct
participants) with one ``COUNT(DISTINCT participant_id) FILTER (...)`` pass per table:
enrollments, placements, credentials and retention checks (four statements). Plain SQL that runs
on PostgreSQL and on SQLite (3.30 or later, for ``FILTER``). The definitions are those of
``outcomes.measures`` (grant-wide, no scope):

- enrolled / active / trained: an enrollment (any cohort) whose current status is one of the
  measure's statuses (enrollment statuses are current, not replayed to ``as_of``);
- credentials_earned: a credential awarded on or before ``as_of`` (any, tied to an enrollment or not);
- internships, apprenticeships, employed full / part time, placed in a good job: a placement
  of that kind (or judged a good job) starting on or before ``as_of``;
- retained_180_days: a 180-day retention check recorded "employed" on a placement starting on or
  before ``as_of`` (the check's own date does not matter).
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from employers.models import INTERNSHIP_KINDS, Kind
from placements.models import Placement, RetentionCheck
from programs.models import Credential, Enrollment

RETENTION_DAYS = 180


def _in(values) -> tuple[str, list]:
    values = [str(v) for v in values]
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def reference_counts(as_of: date) -> dict[str, int]:
    enrollment = Enrollment._meta.db_table
    placement = Placement._meta.db_table
    credential = Credential._meta.db_table
    check = RetentionCheck._meta.db_table
    enrolled, enrolled_params = _in(Enrollment.ENROLLED_STATUSES)
    internships, internship_params = _in(INTERNSHIP_KINDS)
    S = Enrollment.Status
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT
                COUNT(DISTINCT participant_id) FILTER (WHERE status IN {enrolled}),
                COUNT(DISTINCT participant_id) FILTER (WHERE status IN (%s, %s)),
                COUNT(DISTINCT participant_id) FILTER (WHERE status = %s)
            FROM {enrollment}""",  # noqa: S608 (table names from the models; values are parameters)
            [*enrolled_params, str(S.ENROLLED), str(S.ACTIVE), str(S.COMPLETED)],
        )
        out["enrolled"], out["active"], out["trained"] = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(DISTINCT participant_id) FROM {credential} WHERE awarded_on <= %s",  # noqa: S608
            [as_of],
        )
        (out["credentials_earned"],) = cursor.fetchone()
        cursor.execute(
            f"""SELECT
                COUNT(DISTINCT participant_id) FILTER (WHERE kind IN {internships}),
                COUNT(DISTINCT participant_id) FILTER (WHERE kind = %s),
                COUNT(DISTINCT participant_id) FILTER (WHERE kind = %s),
                COUNT(DISTINCT participant_id) FILTER (WHERE kind = %s),
                COUNT(DISTINCT participant_id) FILTER (WHERE is_good_job)
            FROM {placement} WHERE start_date <= %s""",  # noqa: S608
            [*internship_params, str(Kind.APPRENTICESHIP), str(Kind.FULL_TIME), str(Kind.PART_TIME), as_of],
        )
        (
            out["internships"],
            out["apprenticeships"],
            out["employed_full_time"],
            out["employed_part_time"],
            out["placed_good_jobs"],
        ) = cursor.fetchone()
        cursor.execute(
            f"""SELECT COUNT(DISTINCT p.participant_id)
            FROM {check} c JOIN {placement} p ON p.id = c.placement_id
            WHERE c.days = %s AND c.outcome = %s AND p.start_date <= %s""",  # noqa: S608
            [RETENTION_DAYS, str(RetentionCheck.Outcome.EMPLOYED), as_of],
        )
        (out["retained_180_days"],) = cursor.fetchone()
    return out
