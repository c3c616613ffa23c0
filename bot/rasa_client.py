"""The one client for Rasa: its REST channel, spoken to over HTTP only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


class RasaUnavailable(RuntimeError):
    """Rasa did not answer usefully; the message stays queued and is tried again."""


@dataclass(frozen=True)
class BotReply:
    text: str
    image: str | None = None


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
        """Give one message to the bot; return its replies in order."""
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
        return [
            BotReply(text=item.get("text") or "", image=item.get("image"))
            for item in items
            if isinstance(item, dict) and (item.get("text") or item.get("image"))
        ]

    def is_ready(self) -> bool:
        try:
            response = self._http.get(f"{self.base_url}/status", timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))
