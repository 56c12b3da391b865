"""`make demo` serves the port it is given, and the links in its emails point to that port; the
periodic jobs run beside the server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.subprocess


def _dry_run(*args: str, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("MTW_BASE_URL", "PORT")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def _line_of(lines: list[str], command: str) -> str:
    return next(line for line in lines if f"manage.py {command}" in line)


def test_the_port_given_is_served_and_is_the_base_of_emailed_links():
    lines = _dry_run("PORT=8123")
    assert _line_of(lines, "runserver").endswith("runserver 127.0.0.1:8123")
    for command in ("runserver", "run_periodic"):
        assert "MTW_BASE_URL=http://127.0.0.1:8123 " in _line_of(lines, command)


def test_without_a_port_the_links_point_to_8000():
    assert "MTW_BASE_URL=http://127.0.0.1:8000 " in _line_of(_dry_run(), "runserver")


def test_a_base_url_set_in_the_environment_wins():
    lines = _dry_run("PORT=8123", MTW_BASE_URL="https://demo.example.org")
    assert "MTW_BASE_URL=https://demo.example.org " in _line_of(lines, "runserver")


def test_the_periodic_jobs_start_beside_the_server_and_stop_with_it():
    line = _line_of(_dry_run(), "run_periodic")
    assert "run_periodic &" in line
    assert "trap 'kill $periodic" in "\n".join(_dry_run())
