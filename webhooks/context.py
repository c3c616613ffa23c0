"""Per-request access to the runtime and a database session."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session

from bot.runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["minajliki"]  # type: ignore[no-any-return]


def db() -> Session:
    if "db" not in g:
        g.db = runtime().sessions()
    return g.db  # type: ignore[no-any-return]


def close_session() -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def enqueue(beneficiary_id: int) -> None:
    current_app.extensions["minajliki.enqueue"](beneficiary_id)


def spool(task: str, fields: dict[str, Any]) -> None:
    current_app.extensions["minajliki.spool"](task, fields)
