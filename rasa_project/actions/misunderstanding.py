"""Counting how many times in a row the bot did not understand her."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Intents that mean "the bot could not help with that message".
MISS_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
OFFER_COUNSELLOR_AFTER = 2
# A third miss in a row: a counsellor takes the conversation.
HAND_OVER_AFTER = 3


def consecutive_misses(events: Iterable[dict[str, Any]]) -> int:
    """Her latest messages that were not understood, counted back to the last one that was."""
    count = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in MISS_INTENTS:
            break
        count += 1
    return count
