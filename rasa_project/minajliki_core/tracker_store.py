"""Rasa's SQL tracker store, with its database work off Rasa's event loop.

Rasa 3.6's `SQLTrackerStore` is asynchronous in name only: it reads and writes through a
synchronous SQLAlchemy session inside `async def`, so while PostgreSQL answers, the whole
Rasa process waits and no other conversation moves: its database round trips, three or
four a turn, are served one conversation after another. Here the same reads and writes
run in a thread: the loop serves other conversations meanwhile. Rasa's
lock store still lets one turn at a time touch a conversation, and each call opens its own
session, so nothing is shared between threads but the engine (which is made for it).

Rasa loads it from `endpoints.yml`:

    tracker_store:
      type: minajliki_core.tracker_store.ThreadedSQLTrackerStore
      url: postgresql://…   (a full SQLAlchemy URL, as for `type: SQL`)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

T = TypeVar("T")


class ThreadedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose retrieve and save run in a worker thread."""

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        return await self._off_the_loop(
            super()._retrieve(sender_id, fetch_events_from_all_sessions)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._off_the_loop(super().save(tracker))

    async def _off_the_loop(self, work: Coroutine[Any, Any, T]) -> T:
        if self.event_broker is not None:
            # Events are then also published, with the broker's connection bound to
            # Rasa's loop: keep the original behaviour.
            return await work
        # The coroutine never waits on anything but the database (no broker), so a
        # loop of the thread's own runs it to the end.
        return await asyncio.to_thread(_run_to_end, work)


_thread_loops = threading.local()


def _run_to_end(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` on this worker thread's loop, made once per thread (a new loop each
    call, as asyncio.run makes, costs seven times more: about 90 µs a call)."""
    loop = getattr(_thread_loops, "loop", None)
    if loop is None:
        loop = _thread_loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(work)
