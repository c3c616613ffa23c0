"""Alembic migrations run both ways on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from bot.migrate import alembic_config, upgrade


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_migrations_go_down_to_nothing_and_up_again(engine: Engine) -> None:
    assert {"beneficiaries", "conversations", "messages"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert "messages" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert {"beneficiaries", "conversations", "messages"} <= set(inspect(engine).get_table_names())


def test_models_and_migrations_agree(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.db import Base
    from bot.models import import_all_models

    import_all_models()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], "models changed without a migration: `alembic revision --autogenerate`"
