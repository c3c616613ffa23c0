"""Readiness: can this deployment do its work now? The database, the broker and Rasa.

Liveness (/healthz) says the web process answers; readiness (/readyz) says a message
sent now would be handled. A load balancer or an orchestrator waits on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import text

from bot.runtime import Runtime

OK = "ok"
EMBEDDED = "embedded"  # the SQLite broker lives in a file next to the app: nothing to ask
TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # component → "ok" / "embedded" / what is wrong

    @property
    def ready(self) -> bool:
        return all(value in (OK, EMBEDDED) for value in self.checks.values())


def check(runtime: Runtime) -> Readiness:
    return Readiness(
        {
            "database": _database(runtime),
            "broker": _broker(runtime),
            "rasa": OK if runtime.rasa.is_ready() else "unreachable or no model loaded",
        }
    )


def _database(runtime: Runtime) -> str:
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"; the kind is enough
        return f"unreachable ({exc.__class__.__name__})"
    return OK


def _broker(runtime: Runtime) -> str:
    url = runtime.settings.redis_url
    if not url:
        return EMBEDDED
    client = redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"unreachable ({exc.__class__.__name__})"
    finally:
        client.close()
    return OK
