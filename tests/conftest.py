"""Shared fixtures: settings, a migrated database (SQLite and PostgreSQL), the web app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade
from bot.settings import Settings
from tests.support.databases import fresh_postgres_database
from tests.support.fakes import RecordingEnqueue

AUTH_TOKEN = "test-auth-token-0123456789abcdef"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    _empty_tables(engine)
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    from bot.db import Base

    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = make_session_factory(engine)()
    yield session
    session.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env(
        {},
        database_url=database_url,
        secret_key="test-secret",
        simulator_auth_token=AUTH_TOKEN,
    )


@pytest.fixture
def enqueued() -> RecordingEnqueue:
    return RecordingEnqueue()


@pytest.fixture
def app(settings: Settings, engine: Engine, enqueued: RecordingEnqueue):  # type: ignore[no-untyped-def]
    from webhooks import create_app

    app = create_app(settings, enqueue=enqueued)
    app.config["TESTING"] = True
    yield app
    app.extensions["minajliki"].engine.dispose()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def twilio_mock(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Prism on Twilio's Messages spec (random valid responses), behind a recording proxy."""
    from tests.support.processes import ManagedProcess, free_port, http_ok
    from tests.support.twilio_mock import RecordingProxy, prism_command, require_prism

    prism_bin = require_prism()
    port = free_port()
    prism = ManagedProcess(
        "prism", prism_command(prism_bin, port), tmp_path_factory.mktemp("prism")
    ).start()
    try:
        prism.wait_until(prism.log_contains("Prism is listening"), timeout=120)
        http_ok(f"http://127.0.0.1:{port}/")  # warm up
        proxy = RecordingProxy(f"http://127.0.0.1:{port}").start()
        yield proxy
        proxy.stop()
    finally:
        prism.stop()
