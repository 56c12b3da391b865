"""The caseload: a navigator's participants, their organization's queue, taking and assigning."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import Participant
from tests import factories

CASELOAD = reverse("participants:caseload")


def _rows(response) -> int:
    return len(re.findall(r'href="/participants/\d+/"', response.content.decode()))


def _queued(organization, n: int, **user_fields) -> list[Participant]:
    return [
        factories.participant_record(factories.participant_user(**user_fields), organization=organization)
        for _ in range(n)
    ]


def test_my_caseload_shows_only_my_participants(client, navigator, colleague, assigned, oic):
    theirs = factories.participant_record(organization=oic)
    theirs.navigator = colleague.navigator
    theirs.save()
    client.force_login(navigator)
    response = client.get(CASELOAD)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [assigned]


def test_the_queue_shows_only_my_organizations_participants_without_a_navigator(
    client, navigator, colleague, record, other_record, oic
):
    taken = factories.participant_record(organization=oic)
    taken.navigator = colleague.navigator
    taken.save()
    client.force_login(navigator)
    response = client.get(CASELOAD, {"tab": "queue"})
    assert list(response.context["page"].object_list) == [record]
    assert response.context["queue_count"] == 1


def test_the_all_tab_shows_everyone_of_my_organization_only(client, navigator, assigned, other_record, oic):
    waiting = factories.participant_record(organization=oic)
    client.force_login(navigator)
    response = client.get(CASELOAD, {"tab": "all"})
    assert set(response.context["page"].object_list) == {assigned, waiting}


def test_queue_rows_have_a_take_button(client, navigator, record):
    client.force_login(navigator)
    response = client.get(CASELOAD, {"tab": "queue"})
    assert reverse("participants:assign", args=[record.pk]) in response.content.decode()
    assert "Take" in response.content.decode()


def test_rows_show_name_zip_organization_navigator_and_intake(client, navigator, assigned):
    client.force_login(navigator)
    body = client.get(CASELOAD).content.decode()
    assert assigned.user.display_name in body
    assert "33127" in body
    assert "OIC of South Florida" in body
    assert navigator.display_name in body
    assert "Yes" in body


def test_navigator_takes_a_participant_from_the_queue(client, navigator, record):
    client.force_login(navigator)
    response = client.post(reverse("participants:assign", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[record.pk])
    record.refresh_from_db()
    assert record.navigator.user == navigator
    assert list(client.get(CASELOAD).context["page"].object_list) == [record]


def test_navigator_cannot_take_a_participant_of_another_organization(client, navigator, other_record):
    client.force_login(navigator)
    response = client.post(reverse("participants:assign", args=[other_record.pk]))
    assert response.status_code == 404
    other_record.refresh_from_db()
    assert other_record.navigator is None


def test_taking_someone_a_colleague_already_took_is_refused(client, navigator, colleague, record):
    record.navigator = colleague.navigator
    record.save()
    client.force_login(navigator)
    response = client.post(reverse("participants:assign", args=[record.pk]), follow=True)
    assert "Another navigator has already taken this participant." in response.content.decode()
    record.refresh_from_db()
    assert record.navigator.user == colleague


def test_assign_answers_post_only(client, navigator, record):
    client.force_login(navigator)
    assert client.get(reverse("participants:assign", args=[record.pk])).status_code == 405


@pytest.mark.parametrize("query", ["marisol", "RIVERA", "marisol.r@", "33150", "marisol 33150"])
def test_search_finds_by_name_email_or_zip(client, navigator, oic, record, query):
    wanted = factories.participant_record(
        factories.participant_user(first_name="Marisol", last_name="Rivera", email="marisol.r@example.test"),
        organization=oic,
    )
    wanted.zip_code = "33150"
    wanted.save()
    # The other record's name is random: fix it so that it cannot match the query by chance.
    record.user.first_name, record.user.last_name = "Sharon", "Okafor"
    record.user.save(update_fields=["first_name", "last_name"])
    client.force_login(navigator)
    response = client.get(CASELOAD, {"tab": "all", "q": query})
    assert list(response.context["page"].object_list) == [wanted]


def test_caseload_is_paginated_25_per_page(client, navigator, oic):
    _queued(oic, 30)
    client.force_login(navigator)
    first = client.get(CASELOAD, {"tab": "queue"})
    second = client.get(CASELOAD, {"tab": "queue", "page": 2})
    assert _rows(first) == 25
    assert _rows(second) == 5
    assert "tab=queue" in first.content.decode().split('aria-label="Pages"')[1]


def test_queries_per_page_do_not_grow_with_the_list(
    client, navigator, colleague, oic, django_assert_max_num_queries
):
    """5 or 30 participants (some with a navigator): the same number of queries (select_related joins)."""

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CASELOAD, {"tab": "all"})
        return len(queries), _rows(response)

    for person in _queued(oic, 5)[::2]:
        person.navigator = colleague.navigator
        person.save()
    client.force_login(navigator)
    few, rows = count_queries()
    assert rows == 5
    for person in _queued(oic, 25)[::2]:
        person.navigator = colleague.navigator
        person.save()
    many, rows = count_queries()
    assert rows == 25
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(CASELOAD, {"tab": "all"})


def test_staff_see_every_participant_and_the_whole_queue(client, grant_staff, assigned, other_record):
    client.force_login(grant_staff)
    everyone = client.get(CASELOAD)
    assert everyone.status_code == 200
    assert everyone.context["tab"] == "all"
    assert set(everyone.context["page"].object_list) == {assigned, other_record}
    queue = client.get(CASELOAD, {"tab": "queue"})
    assert list(queue.context["page"].object_list) == [other_record]


def test_staff_have_no_my_caseload_tab(client, grant_staff, assigned):
    client.force_login(grant_staff)
    response = client.get(CASELOAD, {"tab": "mine"})
    assert response.context["tab"] == "all"
    assert response.context["tabs"] == ("all", "queue")


def test_staff_assign_a_participant_to_a_navigator_of_another_organization(
    client, grant_staff, record, other_navigator, united_way
):
    client.force_login(grant_staff)
    response = client.post(
        reverse("participants:assign", args=[record.pk]),
        {"organization": united_way.pk, "navigator": other_navigator.navigator.pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.organization == united_way
    assert record.navigator.user == other_navigator


def test_staff_cannot_assign_a_navigator_of_another_organization_than_the_participants(
    client, grant_staff, record, other_navigator
):
    client.force_login(grant_staff)
    response = client.post(
        reverse("participants:assign", args=[record.pk]),
        {"navigator": other_navigator.navigator.pk},
        follow=True,
    )
    assert "This navigator works for another organization." in response.content.decode()
    record.refresh_from_db()
    assert record.navigator is None and record.organization.code == "oic"


def test_staff_put_a_participant_back_in_the_queue(client, grant_staff, assigned):
    client.force_login(grant_staff)
    client.post(reverse("participants:assign", args=[assigned.pk]), {"navigator": ""})
    assigned.refresh_from_db()
    assert assigned.navigator is None


@pytest.mark.parametrize("role", ["participant", "provider", "employer"])
def test_other_roles_get_403_on_the_caseload(client, user_of_role, role):
    client.force_login(user_of_role[role])
    assert client.get(CASELOAD).status_code == 403


def test_navigator_menu_links_to_caseload_and_support_ledger(client, navigator):
    client.force_login(navigator)
    body = client.get(CASELOAD).content.decode()
    assert f'href="{CASELOAD}"' in body
    assert f'href="{reverse("participants:support_ledger")}"' in body


def test_staff_menu_links_to_participants_and_support_ledger(client, grant_staff):
    client.force_login(grant_staff)
    body = client.get(reverse("core:staff_home")).content.decode()
    assert f'href="{CASELOAD}"' in body and ">Participants<" in body
    assert f'href="{reverse("participants:support_ledger")}"' in body
    assert f'href="{reverse("accounts:people_list")}"' in body
