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


def test_reading_the_change_history_records_whose_changes_were_shown(
    client, grant_staff, brainstation, oic, django_assert_max_num_queries
):
    from mtw_portal.audit.models import ReadEvent

    people = [factories.participant_record(organization=oic) for _ in range(3)]
    cohort = factories.cohort(program=factories.program(provider=brainstation))
    for person in people:
        factories.enrollment(participant=person, cohort=cohort)
    gone = factories.participant_record(organization=oic)
    enrollment = factories.enrollment(participant=gone, cohort=cohort)
    enrollment_pk = enrollment.pk
    enrollment.delete()  # its creation and deletion name the person in their values
    from mtw_portal.audit.selectors import participant_ids_in

    of_the_deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Enrollment), object_id=enrollment_pk
    )
    assert of_the_deleted.count() == 2 and participant_ids_in(of_the_deleted) == {gone.pk}
    expected = {p.pk for p in people} | {gone.pk}
    staff_record = grant_staff.pk  # a staff account's changes name nobody

    client.force_login(grant_staff)
    assert client.get(reverse("audit:changes")).status_code == 200
    page_event = ReadEvent.objects.get(url_name="audit:changes")
    assert set(map(int, page_event.participant_ids.strip(",").split(","))) >= expected
    assert page_event.user_id == staff_record

    exported = client.get(reverse("audit:changes_csv"))
    b"".join(exported.streaming_content)
    csv_event = ReadEvent.objects.get(url_name="audit:changes_csv")
    assert set(map(int, csv_event.participant_ids.strip(",").split(","))) >= expected

    # A constant number of queries whatever the number of people on the page.
    for _ in range(5):
        factories.enrollment(participant=factories.participant_record(organization=oic), cohort=cohort)
    with django_assert_max_num_queries(40) as counted:
        client.get(reverse("audit:changes"))
    few = len(counted.captured_queries)
    for _ in range(10):
        factories.enrollment(participant=factories.participant_record(organization=oic), cohort=cohort)
    with django_assert_max_num_queries(few):
        client.get(reverse("audit:changes"))
