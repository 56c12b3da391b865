"""The grant dashboard: the pace arithmetic at its edges, the page, the demo history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes import stored
from outcomes.models import OutcomeSnapshot
from outcomes.pace import funnel, pace

TODAY = date(2026, 6, 1)


def test_pace_exact_numbers():
    # 100 -> 160 over 91 days (about 3 months): about 20 a month.
    history = [(TODAY - timedelta(days=91), 100), (TODAY, 160)]
    result = pace(history, current=160, target=500, today=TODAY, end=TODAY + timedelta(days=304))
    assert result["rate"] == 20.1  # 60 / (91 / 30.44), rounded to one decimal
    assert result["months_left"] == pytest.approx(10, abs=0.05)
    assert result["projected"] == 360
    assert result["needed"] == 34.0
    assert result["percent"] == 32.0
    assert result["met"] is False
    assert result["on_track"] is False


def test_pace_uses_only_the_last_six_months():
    history = [
        (TODAY - timedelta(days=400), 0),  # outside the window
        (TODAY - timedelta(days=91), 100),
        (TODAY, 160),
    ]
    result = pace(history, current=160, target=500, today=TODAY, end=None)
    assert result["rate"] == 20.1  # 60 / (91 / 30.44), rounded to one decimal


def test_pace_without_history_has_no_rate_nor_projection():
    result = pace([], current=0, target=1000, today=TODAY, end=TODAY + timedelta(days=365))
    assert result["rate"] is None
    assert result["projected"] is None
    assert result["needed"] == pytest.approx(1000 / (365 / 30.44), abs=0.1)
    assert result["percent"] == 0.0


def test_pace_with_one_snapshot_has_no_rate():
    result = pace([(TODAY, 50)], current=50, target=100, today=TODAY, end=TODAY + timedelta(days=100))
    assert result["rate"] is None
    assert result["projected"] is None
    assert result["on_track"] is None
    assert result["needed"] is not None


def test_pace_target_met_needs_nothing():
    history = [(TODAY - timedelta(days=61), 400), (TODAY, 520)]
    result = pace(history, current=520, target=500, today=TODAY, end=TODAY + timedelta(days=100))
    assert result["met"] is True
    assert result["needed"] == 0.0
    assert result["percent"] == 104.0
    assert result["bar_percent"] == 100.0
    assert result["on_track"] is True


def test_pace_after_the_end_date_projects_nothing():
    history = [(TODAY - timedelta(days=91), 100), (TODAY, 160)]
    for end in (TODAY, TODAY - timedelta(days=1)):
        result = pace(history, current=160, target=500, today=TODAY, end=end)
        assert result["rate"] is not None
        assert (result["months_left"], result["projected"], result["needed"]) == (None, None, None)


def test_pace_without_an_end_date_projects_nothing():
    history = [(TODAY - timedelta(days=91), 100), (TODAY, 160)]
    result = pace(history, current=160, target=500, today=TODAY, end=None)
    assert (result["months_left"], result["projected"], result["needed"]) == (None, None, None)


def test_funnel_shares_are_of_those_enrolled():
    steps = {step["key"]: step for step in funnel({"enrolled": 200, "trained": 50})}
    assert steps["trained"]["percent"] == 25.0
    assert steps["retained_180_days"]["count"] == 0
    assert funnel({})[0]["percent"] == 0.0


# The page.

FIGURES = {
    "enrolled": 300,
    "trained": 160,
    "credentials_earned": 120,
    "internships": 40,
    "apprenticeships": 7,
    "employed_full_time": 61,
    "employed_part_time": 13,
    "placed_good_jobs": 55,
    "retained_180_days": 21,
}


@pytest.fixture
def snapshots(db):
    today = timezone.localdate()
    older = OutcomeSnapshot.objects.create(
        as_of=today - timedelta(days=91), data={**FIGURES, "trained": 100, "placed_good_jobs": 25}
    )
    latest = OutcomeSnapshot.objects.create(as_of=today, data=FIGURES)
    return [older, latest]


def test_staff_see_progress_funnel_and_history(client, grant_staff, snapshots):
    grant = outcome_services.grant_settings()
    grant.grant_end_date = timezone.localdate() + timedelta(days=304)
    grant.save()
    # What the roll-up stores with these snapshots (their figures are made up: no roll-up counts them).
    stored.tables_store(
        snapshots[-1], stored.board_scopes(timezone.localdate(), snapshots=snapshots, grant=grant)
    )
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    trained, placed = response.context["targets"]
    assert (trained["current"], trained["target"], trained["projected"]) == (160, 1000, 360)
    assert trained["needed"] == 84.1  # (1000 - 160) / (304 / 30.44) months
    assert placed["current"] == 55
    content = response.content.decode()
    assert '?measure=trained">160</a> / 1000' in content
    assert [row.cells[1].value for row in response.context["funnel"].rows] == list(FIGURES.values())
    assert 'role="img"' in content and "<caption>" in content
    assert "vendor/chartjs/chart.umd.min.js" in content and "js/dashboard.js" in content
    payload = json.loads(_json_script(content))
    assert payload == response.context["history"]
    assert payload["dates"] == [s.as_of.isoformat() for s in snapshots]
    assert payload["trained"] == [100, 160]
    assert payload["placed_good_jobs"] == [25, 55]


def _json_script(content: str) -> str:
    start = content.index('<script id="outcomes-history" type="application/json">')
    start = content.index(">", start) + 1
    return content[start : content.index("</script>", start)]


def test_dashboard_with_a_rolled_up_snapshot(client, grant_staff):
    call_command("rollup_outcomes", stdout=None)
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    assert response.context["targets"][0]["current"] == 0


def test_dashboard_without_any_snapshot_shows_the_notice(client, grant_staff):
    client.force_login(grant_staff)
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    assert 'data-figures-state="none"' in response.content.decode()
    assert "No roll-up has stored these figures yet" in response.content.decode()
    assert "data-table=" not in response.content.decode()  # no table, nothing wrong
    assert "chart.umd.min.js" not in response.content.decode()


@pytest.mark.parametrize("role", ["participant", "navigator", "provider", "employer"])
def test_other_roles_are_refused(client, user_of_role, role):
    client.force_login(user_of_role[role])
    assert client.get(reverse("outcomes:dashboard")).status_code == 403


def test_staff_overview_links_to_the_dashboard(client, grant_staff):
    client.force_login(grant_staff)
    content = client.get(reverse("core:staff_home")).content.decode()
    assert reverse("outcomes:dashboard") in content


def test_seed_demo_loads_a_year_of_history_once(db):
    call_command("seed_demo", stdout=None)
    count = OutcomeSnapshot.objects.count()
    assert count >= 13
    assert OutcomeSnapshot.objects.filter(as_of__lt=timezone.localdate() - timedelta(days=300)).exists()
    call_command("seed_demo", stdout=None)
    assert OutcomeSnapshot.objects.count() == count
