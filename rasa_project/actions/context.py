"""What every action needs: her record in the app database, her text, her language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.beneficiaries.services import get_by_public_id
from bot.db import session_scope
from bot.runtime import get_runtime


@contextmanager
def her_record(tracker: Tracker) -> Iterator[tuple[Session, Beneficiary | None]]:
    """Her beneficiary row (Rasa's sender id is her public id); None for a stranger."""
    with session_scope(get_runtime().sessions) as session:
        yield session, get_by_public_id(session, tracker.sender_id)


def metadata(tracker: Tracker) -> dict[str, Any]:
    value = (tracker.latest_message or {}).get("metadata")
    return value if isinstance(value, dict) else {}


def her_text(tracker: Tracker) -> str:
    """What she typed: the worker keeps it in the metadata, since a bare number reaches
    Rasa rewritten as the choose_option intent."""
    text = metadata(tracker).get("text")
    if isinstance(text, str):
        return text
    return str((tracker.latest_message or {}).get("text") or "")


def message_language(tracker: Tracker) -> str:
    language = metadata(tracker).get("language")
    return language if isinstance(language, str) else "fr"


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def menu_on_screen(tracker: Tracker) -> str | None:
    """The numbered menu a digit answers: a reminder the worker sent (its metadata says so)
    when that is the last message she received, else the bot's last menu."""
    screen = metadata(tracker).get("screen")
    if isinstance(screen, dict) and isinstance(screen.get("menu"), str):
        return str(screen["menu"])
    value = tracker.get_slot("menu")
    return value if isinstance(value, str) else None
