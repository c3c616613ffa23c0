"""The one client for Rasa: its REST channel, spoken to over HTTP only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from bot.http_sessions import read_environment_once


class RasaUnavailable(RuntimeError):
    """Rasa did not answer usefully; the message stays queued and is tried again."""


@dataclass(frozen=True)
class BotReply:
    text: str
    image: str | None = None


ACTIONS_HEALTH_TIMEOUT = 2.0


def actions_health_url(actions_url: str) -> str:
    """ACTIONS_URL ("http://host:5055/webhook") → the action server's "/health"."""
    base = actions_url.rstrip("/")
    if base.endswith("/webhook"):
        base = base[: -len("/webhook")]
    return base + "/health"


class RasaClient:
    """`actions_health`: the action server's health URL. Rasa answers 200 with no reply
    when its action server is down (it logs the error and carries on), which would lose
    her answer: the client checks the action server first, and again after a silent turn."""

    def __init__(
        self, base_url: str, timeout: float = 30.0, actions_health: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.actions_health = actions_health
        self._http = read_environment_once(requests.Session())

    def actions_up(self) -> bool:
        if not self.actions_health:
            return True
        try:
            return self._http.get(self.actions_health, timeout=ACTIONS_HEALTH_TIMEOUT).ok
        except requests.RequestException:
            return False

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
        """Give one message to the bot; return its replies in order."""
        if not self.actions_up():
            raise RasaUnavailable("the action server is unreachable")
        payload = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = self._http.post(
                f"{self.base_url}/webhooks/rest/webhook", json=payload, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise RasaUnavailable(f"Rasa unreachable: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            items = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        replies = [
            BotReply(text=item.get("text") or "", image=item.get("image"))
            for item in items
            if isinstance(item, dict) and (item.get("text") or item.get("image"))
        ]
        if not replies and not self.actions_up():
            # It died during her turn: Rasa swallowed the failed action. Her message is
            # tried again once it is back (the bot hears it twice; she gets her answer).
            raise RasaUnavailable("the action server went away during the turn")
        return replies

    def is_ready(self) -> bool:
        try:
            response = self._http.get(f"{self.base_url}/status", timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))
