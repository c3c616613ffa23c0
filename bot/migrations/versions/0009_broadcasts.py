"""broadcasts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("missing_language", sa.String(length=16), nullable=False),
        sa.Column("content_sid", sa.String(length=34), nullable=True),
        sa.Column("content_variables", sa.JSON(), nullable=False),
        sa.Column("segment", sa.JSON(), nullable=False),
        sa.Column("resend_of_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("send_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("canceled_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cursor", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("fanned_out", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("recipients", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resend_of_id"], ["broadcasts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["approved_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index("ix_broadcasts_status", ["status", "send_at"], unique=False)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("content_sid", sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column("content_variables", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            "fk_messages_broadcast_id", "broadcasts", ["broadcast_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_unique_constraint(
            "uq_messages_broadcast_recipient", ["broadcast_id", "beneficiary_id"]
        )
        batch_op.create_index(
            "ix_messages_broadcast_status", ["broadcast_id", "status", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_broadcast_status")
        batch_op.drop_constraint("uq_messages_broadcast_recipient", type_="unique")
        batch_op.drop_constraint("fk_messages_broadcast_id", type_="foreignkey")
        batch_op.drop_column("content_variables")
        batch_op.drop_column("content_sid")
        batch_op.drop_column("broadcast_id")

    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index("ix_broadcasts_status")

    op.drop_table("broadcasts")
