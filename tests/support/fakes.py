"""Fakes of the outside systems that record what they were asked (RapidPro's habit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.messaging.models import Message
from bot.messaging.senders import SendResult, TransientSendError
from bot.rasa_client import BotReply, RasaUnavailable


@dataclass
class RecordingEnqueue:
    calls: list[int] = field(default_factory=list)

    def __call__(self, beneficiary_id: int) -> None:
        self.calls.append(beneficiary_id)


@dataclass
class FakeRasa:
    """Answers "echo: <text>" (or fails while `down` is set) and records each call."""

    down: bool = False
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
        if self.down:
            raise RasaUnavailable("Rasa is down (fake)")
        self.calls.append((sender, text, metadata))
        return [BotReply(text=f"echo: {text}")]


@dataclass
class FakeSender:
    """Records sends; raises TransientSendError while `down` is set."""

    down: bool = False
    status: str = Message.QUEUED  # what Twilio answers to the create call
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, message: Message, phone: str) -> SendResult:
        if self.down:
            raise TransientSendError("Twilio is down (fake)")
        self.sent.append((phone, message.body))
        return SendResult(status=self.status, sid=f"SMfake{len(self.sent):030d}")

    def find_sent(
        self, message: Message, phone: str, since: datetime, known: frozenset[str] = frozenset()
    ) -> SendResult | None:
        if self.down:
            raise TransientSendError("Twilio is down (fake)")
        for number, (to, body) in enumerate(self.sent, start=1):
            sid = f"SMfake{number:030d}"
            if to == phone and body == message.body and sid not in known:
                return SendResult(status=self.status, sid=sid)
        return None
