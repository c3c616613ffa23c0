"""Database engine and sessions. The engine is made by the process, never at import."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# The database cannot be reached (down, restarting, connection lost): worth retrying later,
# unlike an error in the data or the query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use bot.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy API)


Row = TypeVar("Row", bound=Base)

# INSERT … ON CONFLICT, in each supported database's own dialect.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_exists(
    session: Session,
    model: type[Row],
    values: dict[str, Any],
    key: Sequence[InstrumentedAttribute[Any]],
) -> Row | None:
    """Insert a row and return it as a persistent ORM object (defaults included), or
    None when a row with the same unique `key` exists.

    One round trip: ON CONFLICT DO NOTHING answers a row already there and one a
    concurrent transaction is inserting (it waits for that one's outcome), with no
    look-up first and no savepoint.
    """
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=key).returning(model)
    )
    return session.scalars(statement).one_or_none()


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (the app env has no psycopg2)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(database_url: str, **kwargs: object) -> Engine:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the web app write while the worker reads; the timeout waits out writers.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that rolls back on error and always closes; the caller commits."""
    with _closing(factory()) as session:
        yield session


@contextmanager
def connected_session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """`session_scope` on one connection, held until the scope ends.

    A plain session gives its connection back to the pool at each commit and takes one
    again for the next statement: a pre-ping round trip on the way out of the pool and a
    reset on the way back, per transaction. The worker's turn commits several times a
    message, so it keeps one connection for the whole task instead. A connection lost
    meanwhile raises as usual (DATABASE_UNAVAILABLE), and is made again on next use.
    """
    engine: Engine = factory.kw["bind"]
    with engine.connect() as connection, _closing(factory(bind=connection)) as session:
        yield session


@contextmanager
def _closing(session: Session) -> Iterator[Session]:
    """Roll `session` back on any error and always close it."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
