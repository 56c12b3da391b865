"""The change history (django-auditlog): who changed what, before and after, from where."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from participants import services as participant_services
from participants.models import CaseNote, Participant
from programs.models import Enrollment
from tests import factories
from tests.participants.test_intake_and_home import INTAKE


def _entries(model, pk):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)


def test_an_intake_correction_is_recorded_with_before_after_actor_and_proxy_address(
    client, settings, participant, oic
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    record = factories.participant_record(participant)
    client.force_login(participant)
    headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.4"}
    client.post(
        reverse("participants:profile"), {**INTAKE, "zip_code": "33147", "organization": oic.pk}, **headers
    )
    entry = _entries(Participant, record.pk).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["zip_code"] == ["33127", "33147"]
    assert entry.changes_dict["organization"][1] == str(oic.pk)
    assert entry.actor == participant
    assert entry.remote_addr == "198.51.100.4"  # not the first, forgeable, X-Forwarded-For hop


def test_a_case_note_is_recorded_without_its_text(client, navigator, oic):
    record = factories.participant_record(organization=oic)
    client.force_login(navigator)
    client.post(reverse("participants:case_note_add", args=[record.pk]), {"body": "Going through a divorce."})
    note = CaseNote.objects.get()
    entry = _entries(CaseNote, note.pk).get()
    assert entry.actor == navigator
    assert entry.changes_dict["body"][1] == "[hidden]"
    assert "divorce" not in str(entry.changes)


def test_a_navigator_removed_from_their_role_leaves_each_move_of_their_people_recorded(
    navigator, grant_staff, oic
):
    record = factories.participant_record(organization=oic)
    record.navigator = navigator.navigator
    record.save()
    participant_services.navigator_remove(user=navigator)
    entry = _entries(Participant, record.pk).latest("timestamp")
    assert entry.changes_dict["navigator"] == [str(navigator.navigator.pk), "None"]


def test_grant_staff_see_one_participants_changes_and_export_them(client, grant_staff, brainstation, oic):
    maria = factories.participant_record(organization=oic)
    other = factories.participant_record(organization=oic)
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    enrollment = factories.enrollment(participant=maria, cohort=cohort)
    factories.enrollment(participant=other, cohort=cohort)
    client.force_login(grant_staff)
    response = client.get(reverse("audit:changes"), {"participant": str(maria.pk)})
    assert response.status_code == 200
    shown = {(e.content_type.model_class(), e.object_id) for e in response.context["page"].object_list}
    assert (Enrollment, enrollment.pk) in shown
    assert (Participant, maria.pk) in shown
    assert (Participant, other.pk) not in shown
    exported = client.get(reverse("audit:changes_csv"), {"participant": str(maria.pk)})
    text = b"".join(exported.streaming_content).decode()
    assert f"programs.enrollment,{enrollment.pk}" in text
