"""The whole system, for real: Rasa (trained model), actions, web (gunicorn), worker (Celery).

Rasa is started once per test run and talks to fixed ports; each stack (database ×
broker) starts its own actions server, web app and worker on those ports in turn.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import rasa_env
from bot.db import make_engine, make_session_factory
from bot.settings import Settings
from tests.support.databases import (
    REDIS_TEST_URL,
    fresh_postgres_database,
    require_postgres,
    require_redis,
)
from tests.support.processes import ManagedProcess, free_port, http_ok
from tests.support.twilio_mock import RecordingProxy

ACCOUNT_SID = "AC" + "e2e0" * 8
AUTH_TOKEN = "e2e-auth-token"
SMS_FROM = "+15005550006"
CHROMIUM = Path("/usr/bin/chromium")
WHATSAPP_FROM = "whatsapp:+14155238886"


@dataclass(frozen=True)
class Ports:
    web: int
    actions: int
    rasa: int


@pytest.fixture(scope="session")
def ports() -> Ports:
    return Ports(web=free_port(), actions=free_port(), rasa=free_port())


def base_env(ports: Ports, twilio_url: str) -> dict[str, str]:
    return {
        "RASA_URL": f"http://127.0.0.1:{ports.rasa}",
        "ACTIONS_URL": f"http://127.0.0.1:{ports.actions}/webhook",
        "MINAJLIKI_WEB_URL": f"http://127.0.0.1:{ports.web}",
        "PUBLIC_URL": f"http://127.0.0.1:{ports.web}",
        "SECRET_KEY": "e2e-secret",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": SMS_FROM,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": twilio_url,
        "PYTHONUNBUFFERED": "1",
        # Counsellors are always in: what she is told does not depend on when tests run.
        "MINAJLIKI_OFFICE_HOURS": "mon-sun 00:00-23:59",
        # Likewise no quiet hours: notices go at once, whatever the time of the run.
        "MINAJLIKI_QUIET_HOURS": "off",
    }


@pytest.fixture(scope="session")
def e2e_postgres_url() -> Iterator[str]:
    """A database of their own, so end-to-end data never meets the integration tests'."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def tracker_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Rasa's tracker store, shared by every stack (the worker deletes from it on erasure)."""
    return f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.sqlite'}"


@pytest.fixture(scope="session")
def rasa_server(
    ports: Ports,
    twilio_mock: RecordingProxy,
    tmp_path_factory: pytest.TempPathFactory,
    tracker_store_url: str,
) -> Iterator[ManagedProcess]:
    """One Rasa server on the trained model for the whole run (it takes a while to load)."""
    if not rasa_env.rasa_executable().exists():
        pytest.fail("the Rasa environment is missing: run `make test`, which creates it")
    if not rasa_env.model_is_current():
        pytest.fail("the Rasa model is missing or stale: run `make train` (make test does)")
    logs = tmp_path_factory.mktemp("rasa")
    env = base_env(ports, twilio_mock.url)
    env["MINAJLIKI_TRACKER_STORE_URL"] = tracker_store_url
    settings = Settings.from_env(env)
    rasa = ManagedProcess(
        "rasa",
        rasa_env.run_command(settings),
        logs,
        env=rasa_env.rasa_environment(settings, base={**os.environ, **env}),
        cwd=rasa_env.RASA_PROJECT,
    ).start()
    try:
        rasa.wait_until(http_ok(f"http://127.0.0.1:{ports.rasa}/status"), timeout=300)
        yield rasa
    finally:
        rasa.stop(signal.SIGINT)


@dataclass
class Stack:
    name: str
    env: dict[str, str]
    web_url: str
    processes: list[ManagedProcess]
    log_dir: Path

    def logs(self) -> str:
        return "\n\n".join(f"== {p.name}\n{p.tail(60)}" for p in self.processes)


STACKS = ["sqlite-embedded", "sqlite-redis", "postgresql-embedded", "postgresql-redis"]


@pytest.fixture(scope="module", params=STACKS)
def stack(
    request: pytest.FixtureRequest,
    ports: Ports,
    rasa_server: ManagedProcess,
    twilio_mock: RecordingProxy,
    tmp_path_factory: pytest.TempPathFactory,
    tracker_store_url: str,
) -> Iterator[Stack]:
    database, broker = request.param.split("-")
    logs = tmp_path_factory.mktemp(request.param)
    env = base_env(ports, twilio_mock.url)
    env["MINAJLIKI_TRACKER_STORE_URL"] = tracker_store_url
    env["MINAJLIKI_EMBEDDED_BROKER_URL"] = f"sqla+sqlite:///{logs / 'broker.sqlite'}"
    if database == "postgresql":
        require_postgres()
        env["DATABASE_URL"] = request.getfixturevalue("e2e_postgres_url")
    else:
        env["DATABASE_URL"] = f"sqlite:///{logs / 'app.sqlite'}"
    if broker == "redis":
        require_redis()
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        env["REDIS_URL"] = REDIS_TEST_URL
    migrate = ManagedProcess("migrate", ["minajliki", "migrate"], logs, env=env).start()
    assert migrate.process is not None and migrate.process.wait(60) == 0, migrate.tail()
    processes = [
        ManagedProcess(
            "actions",
            ["python", "-m", "rasa_sdk", "--actions", "rasa_project.actions", "--port",
             str(ports.actions)],
            logs, env=env,
        ),
        ManagedProcess(
            "web",
            ["gunicorn", "--bind", f"127.0.0.1:{ports.web}", "--workers", "2", "--threads", "4",
             "webhooks.wsgi:app"],
            logs, env=env,
        ),
        ManagedProcess(
            "worker",
            ["celery", "-A", "bot.worker", "worker", "--beat", "--concurrency", "2",
             "--loglevel", "INFO", "--schedule", str(logs / "beat-schedule")],
            logs, env=env,
        ),
    ]  # fmt: skip
    for process in processes:
        process.start()
    try:
        processes[0].wait_until(http_ok(f"http://127.0.0.1:{ports.actions}/health"), 60)
        processes[1].wait_until(http_ok(f"http://127.0.0.1:{ports.web}/healthz"), 60)
        processes[2].wait_until(processes[2].log_contains("ready."), 60)
        yield Stack(request.param, env, f"http://127.0.0.1:{ports.web}", processes, logs)
    finally:
        for process in reversed(processes):
            process.stop()


@pytest.fixture
def sessions(stack: Stack) -> Iterator[sessionmaker[Session]]:
    """Sessions on the stack's own database, to set the scene and check the outcome."""
    engine = make_engine(stack.env["DATABASE_URL"])
    yield make_session_factory(engine)
    engine.dispose()


_phones = iter(range(1, 10_000))


@pytest.fixture
def woman(
    request: pytest.FixtureRequest,
    stack: Stack,
    twilio_mock: RecordingProxy,
    sessions: sessionmaker[Session],
):  # type: ignore[no-untyped-def]
    """A new woman writing in the test's `variety` (a parameter of the test)."""
    from tests.e2e.women import VARIETIES, Woman  # (women.py imports this module)

    variety = VARIETIES[request.node.callspec.params["variety"]]
    return Woman(stack, twilio_mock, sessions, f"+21270{next(_phones):07d}", variety)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium, headless, driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
