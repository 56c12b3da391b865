"""Not admitting someone to a class is final and affects them: like an employer's Decline, it
asks a reason the person reads, and a stray POST changes nothing."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import Enrollment
from tests import factories


def test_not_admitting_without_a_reason_changes_nothing(client, participant, brainstation):
    provider = factories.provider_user(provider=brainstation)
    cohort = factories.cohort(
        program=factories.program(provider=brainstation),
        start_date=timezone.localdate() + timedelta(days=14),
        seats=2,
    )
    enrollment = services.enrollment_apply(
        participant=factories.participant_record(participant), cohort=cohort
    )
    client.force_login(provider)
    client.post(reverse("programs:enrollment_action", args=[enrollment.pk, "not_admit"]), {"note": ""})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.APPLIED
