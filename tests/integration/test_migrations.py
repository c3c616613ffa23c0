"""Alembic migrations run both ways on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from bot.migrate import downgrade, upgrade


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


def test_downgrade_keeps_messages_with_long_statuses(engine: Engine) -> None:
    from sqlalchemy.orm import Session

    from bot.beneficiaries.models import Beneficiary
    from bot.messaging.models import Conversation, Message

    with Session(engine) as session:
        beneficiary = Beneficiary(phone="+212600009999")
        message = Message(
            conversation=Conversation(beneficiary=beneficiary, channel="sms"),
            beneficiary=beneficiary,
            direction=Message.OUTBOUND,
            channel="sms",
            status="partially_delivered",
        )
        session.add(message)
        session.commit()
    downgrade(engine, "0001")
    upgrade(engine)
    with engine.connect() as connection:
        from sqlalchemy import text

        status = connection.execute(text("SELECT status FROM messages")).scalar()
    assert status == "partially_delive"
