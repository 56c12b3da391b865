"""No access without a relationship the participant or their navigator made: a provider's roster
import naming an existing participant opens nothing until the person (or their navigator) confirms,
and the import reads the same for a known and an unknown email."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import get_resolver, reverse
from django.utils import timezone

from mtw_portal.accounts.models import Role, User
from outcomes.board import Board
from outcomes.rollup import outcomes_compute
from participants.models import Participant
from programs import services
from programs.imports import EnrollmentRosterImporter
from programs.models import Enrollment
from tests import factories
from tests.programs.test_roster_import import BOOTCAMP, START, csv_bytes, row
from tests.urlwalk import _walk

PHONE = "305-555-0177"
ZIP = "33199"
SECRET_NAME = "Zamora-Quintero"
OTHER_PROGRAM = "Full Stack Night Course"


@pytest.fixture
def known(oic, fourgeeks):
    """An existing participant who never dealt with BrainStation: consent given, full intake, a
    navigator's enrollment at 4Geeks."""
    user = factories.participant_user(email="lupe@example.org", first_name="Guadalupe", last_name=SECRET_NAME)
    record = factories.participant_record(user, organization=oic)
    Participant.objects.filter(pk=record.pk).update(
        phone=PHONE, zip_code=ZIP, date_of_birth=date(1991, 3, 14), consent_to_share=True, race="asian"
    )
    # Not in the public catalogue, so its name can only leak from the person's record.
    other = factories.cohort(
        program=factories.program(provider=fourgeeks, name=OTHER_PROGRAM, is_active=False)
    )
    factories.enrollment(participant=record, cohort=other)
    record.refresh_from_db()
    return record


@pytest.fixture
def bootcamp(brainstation):
    return factories.cohort(program=factories.program(provider=brainstation, name=BOOTCAMP), start_date=START)


def _import(provider_member, brainstation, rows, *, apply: bool):
    importer = EnrollmentRosterImporter(actor=provider_member, scope_provider=brainstation)
    return importer.run(csv_bytes(rows), apply=apply)


def _lines(result, email: str) -> tuple:
    """What the uploader reads of a result, with the email itself taken out."""
    return (
        [(a.row, a.action, a.subject.replace(email, "EMAIL"), a.description) for a in result.actions],
        result.summary_line(),
        [str(e) for e in result.errors],
        result.notes,
    )


def _file_row(email: str) -> dict:
    return row(email=email, first_name="Lupe", last_name="Z", zip_code="33127")


# --- The import ------------------------------------------------------------------------------


def test_the_preview_and_summary_read_the_same_for_a_known_and_an_unknown_email(
    provider_member, brainstation, bootcamp, known
):
    with_account = _import(provider_member, brainstation, [_file_row(known.user.email)], apply=False)
    without = _import(provider_member, brainstation, [_file_row("nobody@example.org")], apply=False)
    assert with_account.ok and without.ok
    assert _lines(with_account, known.user.email) == _lines(without, "nobody@example.org")
    assert "awaiting the person's confirmation" in with_account.actions[0].description

    applied_known = _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    applied_unknown = _import(provider_member, brainstation, [_file_row("nobody@example.org")], apply=True)
    assert applied_known.summary_line() == applied_unknown.summary_line()
    assert _lines(applied_known, known.user.email) == _lines(applied_unknown, "nobody@example.org")


def test_a_providers_import_reads_the_same_for_a_staff_account_and_an_unknown_email_and_writes_nothing(
    provider_member, brainstation, bootcamp, navigator, grant_staff, caplog
):
    staff_email = navigator.email
    with_account = _import(provider_member, brainstation, [_file_row(staff_email)], apply=False)
    without = _import(provider_member, brainstation, [_file_row("nobody@example.org")], apply=False)
    assert with_account.ok and without.ok
    assert _lines(with_account, staff_email) == _lines(without, "nobody@example.org")

    enrollments, users = Enrollment.objects.count(), User.objects.count()
    with caplog.at_level("INFO", logger="programs.imports"):
        applied = _import(provider_member, brainstation, [_file_row(staff_email)], apply=True)
    applied_unknown = _import(provider_member, brainstation, [_file_row("nobody@example.org")], apply=True)
    assert applied.summary_line() == applied_unknown.summary_line()
    assert Enrollment.objects.count() == enrollments + 1  # the unknown email's, not the navigator's
    assert User.objects.count() == users + 1
    assert not Participant.objects.filter(user=navigator).exists()
    assert "row 2" in caplog.text and staff_email not in caplog.text

    # Grant staff, who may know who works where, are told.
    by_staff = EnrollmentRosterImporter(actor=grant_staff).run(
        csv_bytes([_file_row(staff_email)]), apply=False
    )
    assert "belongs to an account that is not a participant's" in " ".join(str(e) for e in by_staff.errors)


def test_importing_an_existing_unlinked_participant_leaves_them_unconfirmed_and_untouched(
    client, provider_member, brainstation, bootcamp, known, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    enrollment = Enrollment.objects.get(participant=known, cohort=bootcamp)
    assert enrollment.origin == Enrollment.Origin.IMPORT and enrollment.partner_confirmed_at is None
    known.refresh_from_db()
    known.user.refresh_from_db()
    assert (known.user.last_name, known.zip_code) == (SECRET_NAME, ZIP)  # the file's details not applied
    assert [m.to for m in mailoutbox] == [[known.user.email]]  # the person is asked
    client.force_login(provider_member)
    assert client.get(reverse("participants:detail", args=[known.pk])).status_code == 404
    roster = client.get(reverse("programs:cohort_roster", args=[bootcamp.pk])).content.decode()
    assert known.user.email in roster and "Awaiting the person" in roster
    assert "Guadalupe" not in roster and SECRET_NAME not in roster
    # No action on it either.
    assert (
        client.get(reverse("programs:enrollment_action", args=[enrollment.pk, "complete"])).status_code == 404
    )


def test_an_account_the_import_created_is_unconfirmed_too(client, provider_member, brainstation, bootcamp):
    _import(provider_member, brainstation, [_file_row("nobody@example.org")], apply=True)
    created = Participant.objects.get(user__email="nobody@example.org")
    assert created.enrollments.get().partner_confirmed_at is None
    client.force_login(provider_member)
    assert client.get(reverse("participants:detail", args=[created.pk])).status_code == 404


def test_someone_already_linked_is_updated_and_stays_readable(
    client, provider_member, brainstation, bootcamp, known
):
    factories.enrollment(participant=known, cohort=factories.cohort(program=bootcamp.program))
    result = _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    assert result.ok
    assert Enrollment.objects.get(participant=known, cohort=bootcamp).partner_confirmed_at is not None
    client.force_login(provider_member)
    assert client.get(reverse("participants:detail", args=[known.pk])).status_code == 200


# --- Confirmation ----------------------------------------------------------------------------


@pytest.fixture
def pending(provider_member, brainstation, bootcamp, known):
    _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    return Enrollment.objects.get(participant=known, cohort=bootcamp)


def _answer(client, enrollment, answer, **data):
    return client.post(reverse("programs:enrollment_link_answer", args=[enrollment.pk, answer]), data)


def test_the_participant_confirms_on_their_home_page_and_the_record_opens(
    client, known, pending, provider_member
):
    client.force_login(known.user)
    home = client.get(reverse("participants:home")).content.decode()
    assert f'data-awaiting="{pending.pk}"' in home
    assert _answer(client, pending, "confirm").status_code == 302
    client.force_login(provider_member)
    body = client.get(reverse("participants:detail", args=[known.pk])).content.decode()
    assert PHONE in body  # consent given: contact details too
    assert OTHER_PROGRAM not in body and "1991" not in body


def test_their_navigator_confirms_on_the_participants_page(
    client, navigator, known, pending, provider_member
):
    client.force_login(navigator)
    page = client.get(reverse("participants:detail", args=[known.pk])).content.decode()
    assert f'data-awaiting="{pending.pk}"' in page
    assert _answer(client, pending, "confirm").status_code == 302
    client.force_login(provider_member)
    assert client.get(reverse("participants:detail", args=[known.pk])).status_code == 200


def test_a_decline_without_confirmation_changes_nothing(client, known, pending):
    client.force_login(known.user)
    home = client.get(reverse("participants:home")).content.decode()
    assert '<input type="hidden" name="confirm" value="yes">' in home  # the second step sends it
    response = _answer(client, pending, "decline")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.partner_declined_at is None and pending.partner_confirmed_at is None
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Confirm that this enrollment is not right before saying no."]


def test_a_decline_keeps_the_record_closed(client, known, pending, provider_member):
    client.force_login(known.user)
    _answer(client, pending, "decline", confirm="yes")
    pending.refresh_from_db()
    assert pending.partner_declined_at is not None and pending.partner_confirmed_at is None
    client.force_login(provider_member)
    assert client.get(reverse("participants:detail", args=[known.pk])).status_code == 404


@pytest.mark.parametrize("who", ["other_navigator", "provider_member", "other_participant"])
def test_nobody_else_can_confirm(client, request, pending, who):
    client.force_login(request.getfixturevalue(who))
    response = _answer(client, pending, "confirm")
    assert response.status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.partner_confirmed_at is None


def test_applications_and_navigator_referrals_are_confirmed_links(known, bootcamp, navigator):
    # One applies to a cohort that has not started yet (``bootcamp`` has); the navigator enrolls.
    upcoming = factories.cohort(program=bootcamp.program, start_date=START.replace(year=START.year + 1))
    application = services.enrollment_apply(participant=known, cohort=upcoming)
    assert (application.origin, application.is_confirmed) == (Enrollment.Origin.APPLICATION, True)
    referral = services.enrollment_create(participant=known, cohort=bootcamp, by=navigator)
    assert (referral.origin, referral.is_confirmed) == (Enrollment.Origin.NAVIGATOR, True)


# --- The provider's figures ------------------------------------------------------------------


def _board_cells(provider) -> dict:
    board = Board(as_of=timezone.localdate(), provider=provider)
    return {table.key: [repr(r) for r in table.all_rows()] for table in board.tables()}


def test_an_unconfirmed_import_does_not_move_the_providers_tables(
    provider_member, brainstation, bootcamp, known
):
    someone = factories.participant_record(organization=None)
    factories.enrollment(participant=someone, cohort=bootcamp)  # so the tables are not empty
    before = _board_cells(brainstation)
    _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    assert _board_cells(brainstation) == before
    # Nor the provider's share of the next roll-up (its dashboard's history).
    figures = outcomes_compute(timezone.localdate())["by_provider"]["brainstation"]
    assert figures["enrolled"] == 1
    Enrollment.objects.filter(participant=known).update(partner_confirmed_at=timezone.now())
    assert _board_cells(brainstation) != before  # confirmed: now counted


# --- A crawl of every page the provider can reach ---------------------------------------------


def _text(response) -> str:
    streaming = getattr(response, "streaming", False)
    data = b"".join(response.streaming_content) if streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in values)
            for sheet in book.worksheets
            for values in sheet.iter_rows(values_only=True)
        )
    return data.decode("utf-8", errors="replace")


def _provider_urls(ids: list[int], table_keys: list[str]) -> list[str]:
    """Every GET-able URL pattern open to provider staff, with each argument filled from ``ids``
    (any int), the dashboard's table keys and formats, and the enrollment actions."""
    slug_values = {
        "key": table_keys,
        "fmt": ["csv", "xlsx"],
        "action": ["enroll", "activate", "complete", "withdraw", "not_admit"],
        "answer": ["confirm", "decline"],
    }
    urls = []
    for route, _name, callback, is_route, module in _walk(get_resolver().url_patterns, "", "", ""):
        if not is_route or route.startswith("admin/") or module.startswith("allauth"):
            continue
        roles = getattr(callback, "allowed_roles", None)
        if roles is not None and Role.PROVIDER not in roles:
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        choices = []
        for converter, name in params:
            if converter == "int":
                choices.append([str(i) for i in ids])
            else:
                choices.append(slug_values.get(name, ["sample"]))
        for values in itertools.product(*choices):
            url = route
            for value in values:
                url = re.sub(r"<(?:\w+:)?\w+>", value, url, count=1)
            urls.append("/" + url)
    return urls


def test_after_importing_an_existing_person_no_page_the_provider_reaches_shows_their_data(
    client, provider_member, brainstation, bootcamp, known
):
    _import(provider_member, brainstation, [_file_row(known.user.email)], apply=True)
    someone = factories.participant_record(organization=None)
    factories.enrollment(participant=someone, cohort=bootcamp, status="completed")
    ids = sorted(
        {known.pk, known.user.pk, someone.pk, bootcamp.pk, bootcamp.program_id}
        | set(Enrollment.objects.values_list("pk", flat=True))
        | set(known.enrollments.values_list("cohort_id", flat=True))
        | set(known.enrollments.values_list("cohort__program_id", flat=True))
    )
    table_keys = Board(as_of=timezone.localdate(), provider=brainstation).table_keys()
    forbidden = (
        PHONE,
        ZIP,
        "1991-03-14",
        "March 14, 1991",
        "03/14/1991",
        "Guadalupe",
        SECRET_NAME,
        OTHER_PROGRAM,
    )
    client.force_login(provider_member)
    fetched = 0
    for url in _provider_urls(ids, table_keys):
        response = client.get(url)
        if response.status_code != 200:
            continue
        fetched += 1
        body = _text(response)
        for value in forbidden:
            assert value not in body, (url, value)
    assert fetched > 20  # the roster, the dashboard, each table in each format, the workbook...
    assert User.objects.filter(email=known.user.email).count() == 1


# --- Sign-up ---------------------------------------------------------------------------------


def test_signing_up_with_a_taken_address_reads_as_with_a_new_one(client, settings, participant, mailoutbox):
    """With mandatory email verification (the default outside debug), allauth's enumeration
    prevention shows the same page and emails the holder of the existing account instead."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    password = "correct-horse-battery-staple-42"

    def sign_up(email):
        client.logout()
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": password, "password2": password},
            follow=True,
        )
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return response.status_code, [url for url, _ in response.redirect_chain], body.replace(email, "EMAIL")

    assert sign_up(participant.email) == sign_up("brand-new@example.org")
    assert User.objects.filter(email__iexact=participant.email).count() == 1
    assert {m.to[0].lower() for m in mailoutbox} == {participant.email.lower(), "brand-new@example.org"}
