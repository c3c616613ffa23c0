"""Run Alembic migrations from code (CLI, tests, start-up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from bot.settings import PROJECT_ROOT


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for migrations, in one transaction.

    On SQLite, Alembic changes a table by copying it and dropping the old one; with
    foreign keys enforced, that drop would cascade and delete the rows of the tables that
    point to it (messages of beneficiaries). Enforcement is off for the migration only
    (SQLite ignores this PRAGMA inside a transaction, so it is set before the first write).
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with migration_connection(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with migration_connection(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
