"""docker-compose.yml is valid (Debian's docker-compose checks it without an engine)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_config(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    executable = shutil.which("docker-compose")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is not installed: .ci/run installs it")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    # A copy beside a .env made from .env.example, so the real .env is never touched.
    for name in ("docker-compose.yml", "Dockerfile", "Dockerfile.rasa"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [executable, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)  # type: ignore[no-any-return]


def test_compose_file_is_valid_and_has_every_process(tmp_path: Path) -> None:
    config = compose_config(tmp_path)
    services = config["services"]
    assert {"web", "rasa", "actions", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "rasa", "actions", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert services["web"]["environment"]["MINAJLIKI_LOG_FORMAT"] == "json"
    assert "deploy" not in services["beat"]  # one beat: never replicated
    assert services["web"]["environment"]["REDIS_URL"].startswith("redis://")
    assert services["worker"]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert services["rasa"]["environment"]["MINAJLIKI_LOCK_STORE_TYPE"] == "redis"
    assert services["rasa"]["environment"]["MINAJLIKI_TRACKER_STORE_URL"].startswith("postgresql")


def test_on_a_shared_machine_the_webhook_outweighs_the_bot_for_the_cpu(tmp_path: Path) -> None:
    services = compose_config(tmp_path)["services"]
    for name in ("rasa", "actions", "worker", "beat"):
        assert services[name]["cpu_shares"] == 64, name
    for name in ("web", "postgres", "redis"):
        assert "cpu_shares" not in services[name], name  # Docker's default: 1024
