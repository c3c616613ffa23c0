"""The Rasa client treats a missing action server as the bot being down (Rasa itself
answers 200 with no reply then, which would lose her answer)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.rasa_client import RasaClient, RasaUnavailable, actions_health_url


class _Bot(BaseHTTPRequestHandler):
    """Rasa's REST channel and an action server's /health, each switchable."""

    replies: list[dict[str, str]] = []  # noqa: RUF012 (set per test)
    actions_up = True
    dies_during_turn = False  # the action server goes away while Rasa runs the turn
    posts = 0

    def do_GET(self) -> None:
        self._answer(200 if _Bot.actions_up else 503, {"status": "ok"})

    def do_POST(self) -> None:
        _Bot.posts += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        if _Bot.dies_during_turn:
            _Bot.actions_up = False
        self._answer(200, _Bot.replies)

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bot_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Bot.replies, _Bot.actions_up, _Bot.posts = [{"text": "Salam"}], True, 0
    _Bot.dies_during_turn = False
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_health_url_of_the_action_server() -> None:
    assert actions_health_url("http://actions:5055/webhook") == "http://actions:5055/health"
    assert actions_health_url("http://127.0.0.1:5055/webhook/") == "http://127.0.0.1:5055/health"


def test_replies_pass_when_the_action_server_is_up(bot_url: str) -> None:
    client = RasaClient(bot_url, actions_health=bot_url + "/health")
    assert [r.text for r in client.send("abc", "salam", {})] == ["Salam"]


def test_an_action_server_down_keeps_her_message_for_later(bot_url: str) -> None:
    _Bot.actions_up = False
    client = RasaClient(bot_url, actions_health=bot_url + "/health")
    with pytest.raises(RasaUnavailable):
        client.send("abc", "salam", {})
    assert _Bot.posts == 0  # not even given to Rasa


def test_a_silent_turn_is_fine_while_the_action_server_is_up(bot_url: str) -> None:
    _Bot.replies = []
    client = RasaClient(bot_url, actions_health=bot_url + "/health")
    assert client.send("abc", "ok", {}) == []


def test_an_action_server_dying_during_her_turn_keeps_her_message(bot_url: str) -> None:
    _Bot.replies, _Bot.dies_during_turn = [], True  # Rasa swallowed the failed action
    client = RasaClient(bot_url, actions_health=bot_url + "/health")
    with pytest.raises(RasaUnavailable):
        client.send("abc", "bghit nsjel", {})
    assert _Bot.posts == 1
