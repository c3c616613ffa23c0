"""Rasa's SQL tracker store, seen from the app: only to forget a conversation on erasure.

Rasa keeps every event of a conversation in its `events` table, keyed by sender id (her
public id). Rasa 3.6 has no API to delete a tracker, so the app deletes the rows itself,
after Rasa has finished the turn (Rasa would otherwise write them back).
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, MetaData, Table, delete, inspect

from bot.db import make_engine

log = logging.getLogger(__name__)


class TrackerStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def forget(self, sender_id: str) -> int:
        """Delete every event of one conversation; return how many rows went."""
        if not inspect(self.engine).has_table("events"):
            return 0  # Rasa never stored anything there yet
        events = Table("events", MetaData(), autoload_with=self.engine)
        with self.engine.begin() as connection:
            result = connection.execute(delete(events).where(events.c.sender_id == sender_id))
        return result.rowcount or 0
