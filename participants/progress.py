"""The participant's path from intake to a good job, as a line of steps (reads only).

``progress_line(participant=...)`` says, for each step, whether the person has reached it, from
what is recorded (one query). The steps need not come in order (someone may be hired without a
credential): each is done or not on its own, and the current step is the one after the furthest
step reached (the last step, once it is reached), so the line never points backwards. A job
counts once it has started.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import Application
from participants.models import Participant
from placements.models import Placement
from programs.models import Credential, Enrollment

STEPS = (
    ("intake", _("Profile completed")),
    ("enrolled", _("Enrolled in training")),
    ("trained", _("Training completed")),
    ("credential", _("Credential earned")),
    ("applied", _("Applied for a job")),
    ("hired", _("Hired")),
    ("good_job", _("In a good job")),
)


def progress_line(*, participant: Participant) -> list[dict]:
    """The steps in order, each ``{"key", "label", "done", "current"}``; exactly one is current."""
    mine = {"participant": OuterRef("pk")}
    today = timezone.localdate()
    reached = (
        Participant.objects.filter(pk=participant.pk)
        .annotate(
            enrolled=Exists(Enrollment.objects.filter(status__in=Enrollment.ENROLLED_STATUSES, **mine)),
            trained=Exists(Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, **mine)),
            credential=Exists(Credential.objects.filter(**mine)),
            applied=Exists(Application.objects.filter(**mine)),
            hired_application=Exists(Application.objects.filter(state=Application.State.HIRED, **mine)),
            placed=Exists(Placement.objects.filter(start_date__lte=today, **mine)),
            good_job=Exists(Placement.objects.filter(is_good_job=True, start_date__lte=today, **mine)),
        )
        .values("enrolled", "trained", "credential", "applied", "hired_application", "placed", "good_job")
        .get()
    )
    done = {
        "intake": participant.intake_completed_at is not None,
        "enrolled": reached["enrolled"] or reached["trained"],
        "trained": reached["trained"],
        "credential": reached["credential"],
        "applied": reached["applied"],
        "hired": reached["hired_application"] or reached["placed"],
        "good_job": reached["good_job"],
    }
    furthest = max((i for i, (key, _label) in enumerate(STEPS) if done[key]), default=-1)
    current = min(furthest + 1, len(STEPS) - 1)
    return [
        {"key": key, "label": label, "done": done[key], "current": i == current}
        for i, (key, label) in enumerate(STEPS)
    ]
