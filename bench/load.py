"""The bounded load: virtual users, each with its own signed-in session, requesting their pages in
turn with a pause between requests, against gunicorn.

Python threads and http.client rather than wrk: each virtual user carries its own session
cookie and pauses between requests (wrk would need a Lua script for both), the load is at most
USERS requests a second (a thread pool keeps up with that easily), and it adds no dependency.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int):
    """gunicorn with the repo's gunicorn.conf.py and WORKERS sync workers, on this process's
    environment (DATABASE_URL, bench.settings, DEBUG off, DJANGO_HTTPS=0); yields its base URL."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "mtw_portal.wsgi",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603 (our own command)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {server.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run(
    address: str, users: list[tuple[str, list[str]]], cookie: str, *, seconds: float, pause: float
) -> dict:
    """Each (session key, urls) of USERS is a thread requesting its URLs in turn, pausing PAUSE
    seconds after each answer, for SECONDS, then waiting for the answers in flight. Throughput is
    the 2xx answers received within the SECONDS, over SECONDS; latencies are every answer's;
    anything but 2xx (or a failed connection) is an error."""
    host, port = address.rsplit(":", 1)
    latencies: list[float] = []
    errors: list[str] = []
    in_window = 0  # 2xx answers received before the SECONDS were up: the throughput
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds

    def user(index: int, session_key: str, urls: list[str]) -> None:
        time.sleep(pause * index / len(users))  # arrivals spread over the first pause
        turn = index
        while time.monotonic() < stop:
            url = urls[turn % len(urls)]
            turn += 1
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=60)
                connection.request("GET", url, headers={"Cookie": f"{cookie}={session_key}"})
                response = connection.getresponse()
                response.read()
                connection.close()
                problem = None if 200 <= response.status < 300 else f"{response.status} {url}"
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__} {url}"
            elapsed = time.perf_counter() - began
            nonlocal in_window
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed)
                    in_window += time.monotonic() <= stop
            time.sleep(pause)

    threads = [
        threading.Thread(target=user, args=(i, key, urls), daemon=True) for i, (key, urls) in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drained = time.monotonic() - start
    ordered = sorted(latencies)
    return {
        "requests": len(latencies) + len(errors),
        "ok": len(latencies),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:10],
        "drained_s": drained,
        "req_per_s": in_window / seconds,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000 if ordered else None,
    }


def describe(result: dict) -> str:
    p50 = f"{result['p50_ms']:.0f}" if result["p50_ms"] is not None else "-"
    p95 = f"{result['p95_ms']:.0f}" if result["p95_ms"] is not None else "-"
    return f"{result['req_per_s']:.1f} req/s, p50 {p50} ms, p95 {p95} ms, {result['errors']} errors"
