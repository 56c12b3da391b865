"""docker-compose.yml: the five services, their start order and health checks, and that compose accepts it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_compose_services_dependencies_and_healthchecks():
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        for backing in ("db", "redis"):
            assert depends_on[backing] == {"condition": "service_healthy"}, (name, backing)
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("worker", "beat"):  # the image's gunicorn HEALTHCHECK must not apply to them
        assert services[name].get("healthcheck", {"disable": True}).get("disable") is True, name


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
@pytest.mark.subprocess
def test_docker_compose_config_is_valid():
    env = {**os.environ, "DJANGO_SECRET_KEY": "compose-config-check-0123456789abcdef"}
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
