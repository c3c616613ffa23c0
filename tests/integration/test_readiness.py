"""Readiness (/readyz: database, broker, Rasa) and a clear stop on incomplete configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.settings import Settings
from tests.support.databases import REDIS_TEST_URL, require_redis

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class _RasaStatus(BaseHTTPRequestHandler):
    """Rasa's GET /status with a model loaded: the one answer readiness reads."""

    def do_GET(self) -> None:
        body = json.dumps({"model_file": "models/current.tar.gz"}).encode()
        self.send_response(200 if self.path == "/status" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa_status_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RasaStatus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def app_with(settings: Settings, **overrides: object):  # type: ignore[no-untyped-def]
    from webhooks import create_app

    return create_app(settings.with_overrides(**overrides), enqueue=lambda _id: None)


@SQLITE_ONLY
def test_ready_when_database_broker_and_rasa_answer(settings, engine, rasa_status_url) -> None:  # type: ignore[no-untyped-def]
    require_redis()
    app = app_with(settings, redis_url=REDIS_TEST_URL, rasa_url=rasa_status_url)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "broker": "ok", "rasa": "ok"}


@SQLITE_ONLY
def test_not_ready_says_which_part_is_missing(settings, engine, rasa_status_url) -> None:  # type: ignore[no-untyped-def]
    no_rasa = app_with(settings, rasa_url="http://127.0.0.1:9")
    body = no_rasa.test_client().get("/readyz")
    assert body.status_code == 503
    assert body.json["status"] == "not ready" and body.json["broker"] == "embedded"
    assert body.json["database"] == "ok" and body.json["rasa"] != "ok"

    no_redis = app_with(settings, redis_url="redis://127.0.0.1:9/0", rasa_url=rasa_status_url)
    body = no_redis.test_client().get("/readyz")
    assert body.status_code == 503 and body.json["broker"].startswith("unreachable")

    no_database = app_with(
        settings,
        database_url="postgresql+psycopg://nobody@127.0.0.1:9/none",
        rasa_url=rasa_status_url,
    )
    body = no_database.test_client().get("/readyz")
    assert body.status_code == 503 and body.json["database"].startswith("unreachable")


@pytest.mark.parametrize(
    ("module", "process"), [("webhooks.wsgi", "web"), ("bot.worker", "worker")]
)
def test_an_incomplete_configuration_stops_the_process_with_what_to_fix(
    module: str, process: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "MINAJLIKI_"))}
    env.update(TWILIO_ACCOUNT_SID="AC" + "0" * 32, MINAJLIKI_QUIET_HOURS="late")
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert f"minajliki {process}: Invalid configuration" in done.stderr
    assert "TWILIO_AUTH_TOKEN" in done.stderr and "MINAJLIKI_QUIET_HOURS" in done.stderr
    assert "Traceback" not in done.stderr
