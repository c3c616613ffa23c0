"""Alembic migrations run both ways on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, select

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


def test_reminders_written_before_0011_announce_their_sessions_current_start(
    engine: Engine,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy.orm import Session

    from bot.trainings.models import Enrollment, Reminder
    from tests.support.trainings import registered_woman, training

    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with Session(engine) as session:
        course = training(session, start)
        her = registered_woman(session, start - timedelta(days=9))
        enrollment = Enrollment(session_id=course.id, beneficiary_id=her.id, status="enrolled")
        session.add(enrollment)
        session.flush()
        for starts_at in (start - timedelta(days=1), start):  # moved once: two 48h reminders
            session.add(Reminder(enrollment_id=enrollment.id, offset_minutes=2880,
                                 status="queued", session_starts_at=starts_at))  # fmt: skip
        session.commit()
    downgrade(engine, "0010")  # the old key: one row per enrollment and offset, the latest
    upgrade(engine)
    with Session(engine) as session:
        rows = session.scalars(select(Reminder)).all()
        assert [(r.offset_minutes, r.session_starts_at) for r in rows] == [(2880, start)]
