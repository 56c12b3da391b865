"""Hostile input: ids in other scripts, huge numbers, line breaks in names, dates out of any sense.

The property-based run over every page is tests/test_fuzz.py; these pin each guard down.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import date, timedelta
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from mtw_portal.core.forms import IdMultipleChoiceField, id_param
from mtw_portal.core.validators import SingleLineValidator, validate_date_of_birth, validate_event_date
from mtw_portal.imports.importers import importer_for
from participants.models import Participant
from tests import factories
from tests.participants.test_intake_and_home import INTAKE

NOT_IDS = ["²", "١٢", "߁", "१२", "１２", str(10**30), str(2**63), "-1", "1.0", " 1", "", None, "9" * 10_000]


@pytest.mark.parametrize("value", NOT_IDS)
def test_what_is_not_an_ascii_id_within_bigint_names_no_record(value):
    assert id_param(value) == 0


def test_an_ascii_id_is_read():
    assert id_param("42") == 42
    assert id_param(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("value", ["²", "١٢", str(10**30)])
def test_a_participant_parameter_in_other_digits_or_too_big_answers_404(client, navigator, value):
    client.force_login(navigator)
    response = client.get(reverse("placements:placement_new"), {"participant": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "١٢", str(10**30)])
def test_a_group_parameter_in_other_digits_or_too_big_answers_404(client, grant_staff, value):
    client.force_login(grant_staff)
    response = client.get(reverse("coalition:meeting_new"), {"group": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["١٢", "%", "not a page", "//evil.example/", "/ok\nLocation: x"])
def test_a_next_that_is_not_a_path_on_this_site_goes_to_the_default(client, navigator, value):
    from participants.navigator_views import next_url

    class Request:
        POST = {"next": value}
        GET = {}

        @staticmethod
        def get_host():
            return "testserver"

        @staticmethod
        def is_secure():
            return False

    assert next_url(Request, "/default/") == "/default/"
    Request.POST = {"next": "/participants/support/"}
    assert next_url(Request, "/default/") == "/participants/support/"


# --- One line of text ----------------------------------------------------------------------

# Every forms module of the production code, found on disk (a new app's forms are checked too).
_ROOT = Path(__file__).resolve().parents[2]
FORM_MODULES = sorted(
    ".".join(path.relative_to(_ROOT).with_suffix("").parts)
    for package in (
        "mtw_portal",
        "participants",
        "programs",
        "employers",
        "placements",
        "coalition",
        "outcomes",
        "reports",
    )
    for path in (_ROOT / package).rglob("forms.py")
)


def _forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def _validators(form_class, name, field):
    found = list(field.validators)
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is not None and name not in form_class.declared_fields:
        found += model._meta.get_field(name).validators
    return found


def _fields(kind):
    for form_class in _forms():
        for name, field in form_class.base_fields.items():
            if kind(field):
                yield pytest.param(form_class, name, field, id=f"{form_class.__name__}.{name}")


def _single_line_text(field):
    return (
        type(field) in (forms.CharField,) or type(field).__name__ == "SingleLineCharField"
    ) and not isinstance(field.widget, forms.Textarea)


@pytest.mark.parametrize(("form_class", "name", "field"), list(_fields(_single_line_text)))
def test_every_single_line_text_field_refuses_line_breaks(form_class, name, field):
    assert any(isinstance(v, SingleLineValidator) for v in _validators(form_class, name, field))


@pytest.mark.parametrize(
    ("form_class", "name", "field"), list(_fields(lambda f: isinstance(f, forms.DateField)))
)
def test_every_date_field_has_bounds(form_class, name, field):
    bounds = {validate_event_date, validate_date_of_birth}
    assert bounds & set(_validators(form_class, name, field))


def test_every_multiple_choice_of_records_checks_its_ids_first():
    plain = [
        f"{form_class.__name__}.{name}"
        for form_class in _forms()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field, IdMultipleChoiceField)
    ]
    assert plain == []


def test_a_huge_attendee_id_is_an_invalid_choice(client, grant_staff):
    client.force_login(grant_staff)
    response = client.post(
        reverse("coalition:meeting_new"),
        {"title": "Gathering", "held_on": "2026-03-02", "attendees": [str(10**30), "²"]},
    )
    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors


@pytest.mark.parametrize("value", ["Maria\nGonzalez", "Ma\rria", "Ma\x00ria", "Maria\tG", "Maria\u2028G"])
def test_a_name_with_a_line_break_or_control_character_is_refused_on_its_field(client, participant, value):
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, "first_name": value})
    assert response.status_code == 200
    assert "one line" in " ".join(response.context["form"].errors["first_name"])
    assert Participant.objects.get(user=participant).intake_completed_at is None


def test_a_job_title_with_a_line_break_is_refused_on_the_model_too(employer):
    from django.core.exceptions import ValidationError

    from employers.models import Opportunity

    opportunity = Opportunity(employer=employer, kind="full_time", title="Developer\nX-Header: 1")
    with pytest.raises(ValidationError) as error:
        opportunity.full_clean()
    assert "title" in error.value.message_dict


# --- Dates ---------------------------------------------------------------------------------


def _years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("value", ["1800-01-01", _years_ago(1), _years_ago(14, days=1), _years_ago(101)])
def test_a_date_of_birth_outside_14_to_100_years_is_refused(client, participant, value):
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, "date_of_birth": value})
    assert response.status_code == 200
    assert "14 to 100" in " ".join(response.context["form"].errors["date_of_birth"])


@pytest.mark.parametrize("value", [_years_ago(14), _years_ago(100, days=1), "1996-04-12"])
def test_a_date_of_birth_of_someone_14_to_100_is_accepted(client, participant, value):
    client.force_login(participant)
    response = client.post(reverse("participants:profile"), {**INTAKE, "date_of_birth": value})
    assert response.status_code == 302
    assert Participant.objects.get(user=participant).date_of_birth == date.fromisoformat(value)


@pytest.mark.parametrize("value", ["9999-12-31", "1800-01-01", "0000-00-00", "2026-02-30", "10000-01-01"])
def test_a_support_date_out_of_range_is_a_form_error(client, navigator, oic, value):
    record = factories.participant_record(organization=oic)
    client.force_login(navigator)
    url = reverse("participants:support_item_new", args=[record.pk])
    response = client.post(url, {"type": "transportation", "amount": "20", "given_on": value})
    assert response.status_code == 200
    assert "given_on" in response.context["form"].errors


# --- Imports -------------------------------------------------------------------------------


def test_a_roster_row_with_a_line_break_in_a_name_is_refused_naming_its_row_and_column(brainstation):
    data = (
        b"email,first_name,last_name,zip_code,provider,program,start_date,status,end_date,credential\r\n"
        b'ana@example.org,"Ana\nX",Diaz,33127,brainstation,Bootcamp,2026-01-05,active,,\r\n'
    )
    result = importer_for("enrollments").run(data, apply=False)
    assert [str(e) for e in result.errors] == [
        "row 2, first_name: has a line break or another control character; write it on one line"
    ]


def test_a_drill_with_a_nul_byte_answers_404_even_on_postgresql(client, grant_staff, brainstation):
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:people"), {"measure": "enrolled", "provider": "brain\x00station"})
    assert response.status_code == 404
