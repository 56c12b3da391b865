"""Screenshots of the grant dashboard and the participant's home, at 375 and 1280 px, from a fresh demo.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Loads the demo into a new SQLite database in a temporary folder (migrate, createcachetable,
seed_demo), serves it with runserver on a free port (DJANGO_DEBUG=1, as `make demo` does: no
second factor asked, emails to the console), logs in through the form in Chromium (Playwright;
/usr/bin/chromium, or MTW_CHROMIUM) as grant staff (staff@demo.test) and as the demo participant
(participant@demo.test), and saves full-page PNGs:

    dashboard-375.png  dashboard-1280.png  participant-home-375.png  participant-home-1280.png

Nothing outside the temporary folder and the output folder is touched; the server is stopped
at the end, whatever happens. Exits 1 with the reason when a step fails (a page answering an
error, a log-in that does not land where it should).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mtw-demo-pass"  # noqa: S105 (the demo accounts' documented password)
CHROMIUM = os.environ.get("MTW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (375, 1280)
HEIGHT = 800
# (file name, account, page, the page the log-in lands on)
SHOTS = [
    ("dashboard", "staff@demo.test", "/staff/dashboard/", "/staff/"),
    ("participant-home", "participant@demo.test", "/participants/", "/participants/"),
]
# Environment variables of the caller that would point the demo elsewhere.
CLEARED = ("DATABASE_URL", "CELERY_BROKER_URL", "MTW_CACHE_URL", "MTW_BASE_URL", "EMAIL_BACKEND")


class Failed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_environment(folder: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MTW_MEDIA_ROOT=str(folder / "media"),
        MTW_BASE_URL=f"http://127.0.0.1:{port}",
        DEMO_PASSWORD=PASSWORD,
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str, log) -> None:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    if result.returncode:
        raise Failed(f"manage.py {' '.join(args)} exited {result.returncode} (see {log.name})")


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise Failed(f"the server did not answer at {url} within {seconds:.0f} s")


def log_in(page, url: str, email: str, lands_on: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    path = page.url.removeprefix(url).split("?")[0]
    if path != lands_on:
        raise Failed(f"logging in as {email} landed on {path}, not {lands_on}")


def shoot(url: str, out: Path) -> list[Path]:
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, email, path, lands_on in SHOTS:
                for width in WIDTHS:
                    context = browser.new_context(
                        viewport={"width": width, "height": HEIGHT},
                        locale="en-US",
                        reduced_motion="reduce",
                        device_scale_factor=1,
                    )
                    page = context.new_page()
                    log_in(page, url, email, lands_on)
                    response = page.goto(f"{url}{path}")
                    if response is None or response.status != 200:
                        raise Failed(f"{path} answered {response and response.status} to {email}")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(1500)  # charts drawn
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
                    saved.append(target)
                    context.close()
        finally:
            browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mtw-screenshots-") as tmp:
        folder = Path(tmp)
        port = free_port()
        env = demo_environment(folder, port)
        url = f"http://127.0.0.1:{port}"
        with open(folder / "demo.log", "w") as log:
            server = None
            try:
                for command in (["migrate", "--noinput"], ["createcachetable"], ["seed_demo"]):
                    manage(env, *command, log=log)
                server = subprocess.Popen(  # noqa: S603 (our own manage.py)
                    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                wait_until_up(url, server)
                for path in shoot(url, args.out):
                    print(f"{path}: {path.stat().st_size:,} bytes")
            except Failed as error:
                log.flush()
                tail = (folder / "demo.log").read_text(errors="replace").splitlines()[-20:]
                print(f"screenshots: {error}", *tail, sep="\n", file=sys.stderr)
                return 1
            finally:
                if server is not None:
                    server.terminate()
                    try:
                        server.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
