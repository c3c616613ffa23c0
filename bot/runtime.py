"""What a process needs at run time, built once from settings (tests swap it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory
from bot.handoffs.office_hours import OfficeHours
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.senders import Sender, make_sender
from bot.rasa_client import RasaClient, actions_health_url
from bot.rasa_env import tracker_store_url
from bot.rasa_tracker import TrackerStore
from bot.settings import Settings
from bot.trainings.offsets import parse_offsets

Enqueue = Callable[[int], None]


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @cached_property
    def rasa(self) -> RasaClient:
        return RasaClient(
            self.settings.rasa_url,
            timeout=self.settings.rasa_timeout_seconds,
            actions_health=actions_health_url(self.settings.actions_url),
        )

    @cached_property
    def office_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.settings.office_hours, self.settings.holidays)

    @cached_property
    def tracker(self) -> TrackerStore:
        """Rasa's tracker store, to forget a conversation on erasure."""
        return TrackerStore(tracker_store_url(self.settings))

    @cached_property
    def sender(self) -> Sender:
        return make_sender(self.settings)

    @cached_property
    def quiet_hours(self) -> QuietHours:
        return QuietHours.parse(self.settings.quiet_hours)

    @cached_property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return parse_offsets(self.settings.reminder_offsets)

    @cached_property
    def enqueue(self) -> Enqueue:
        """Hands her queued messages to the worker (the actions server uses it)."""
        from bot.celery_app import celery_enqueue

        return celery_enqueue(self.settings)


_current: Runtime | None = None


def get_runtime() -> Runtime:
    """The process's runtime, made from the environment on first use."""
    global _current
    if _current is None:
        _current = Runtime(Settings.from_env().validate())
    return _current


def set_runtime(runtime: Runtime | None) -> None:
    global _current
    _current = runtime
