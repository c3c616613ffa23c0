"""reminders keyed by the session start they announce (a moved session is reminded again)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "training_reminders"
NEW_KEY = "uq_training_reminders_once"
OLD_KEY = "training_reminders_enrollment_id_offset_minutes_key"
# 0006 left the old key unnamed: PostgreSQL named it OLD_KEY; on SQLite, batch mode
# names the reflected constraint with this convention, the same name.
NAMING = {"uq": "%(table_name)s_%(column_0_N_name)s_key"}


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(
            sa.Column("session_starts_at", bot.db.UTCDateTime(timezone=True), nullable=True)
        )
    # What was written so far announced the session's start as it is now.
    op.execute(
        f"UPDATE {TABLE} SET session_starts_at = (SELECT s.starts_at FROM enrollments e "
        "JOIN training_sessions s ON s.id = e.session_id "
        f"WHERE e.id = {TABLE}.enrollment_id)"
    )
    with op.batch_alter_table(TABLE, naming_convention=NAMING) as batch_op:
        batch_op.alter_column(
            "session_starts_at", existing_type=bot.db.UTCDateTime(timezone=True), nullable=False
        )
        batch_op.drop_constraint(OLD_KEY, type_="unique")
        batch_op.create_unique_constraint(
            NEW_KEY, ["enrollment_id", "offset_minutes", "session_starts_at"]
        )


def downgrade() -> None:
    # The old key allows one row per enrollment and offset: keep the latest.
    op.execute(
        f"DELETE FROM {TABLE} WHERE id NOT IN "
        f"(SELECT max(id) FROM {TABLE} GROUP BY enrollment_id, offset_minutes)"
    )
    with op.batch_alter_table(TABLE, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(NEW_KEY, type_="unique")
        batch_op.drop_column("session_starts_at")
        batch_op.create_unique_constraint(OLD_KEY, ["enrollment_id", "offset_minutes"])
