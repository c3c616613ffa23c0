"""indexes for the programme's reports (dashboard, exports)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 10:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_beneficiaries_registered_at", "beneficiaries", ["registered_at"]),
    ("ix_beneficiaries_created_at", "beneficiaries", ["created_at"]),
    ("ix_messages_created_at", "messages", ["created_at"]),
    ("ix_referrals_beneficiary_partner", "referrals", ["beneficiary_id", "partner"]),
)


# Reports find "the women oriented to ANAPEC" by upper(partner): without statistics on that
# expression PostgreSQL guesses 0.5 % of referrals match (it is half of them) and plans
# nested loops. SQLite has no such statistics, and needs none.
STATISTICS = "st_referrals_upper_partner"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    if _postgresql():
        op.execute(f"CREATE STATISTICS {STATISTICS} ON (upper(partner)) FROM referrals")
        op.execute("ANALYZE referrals")


def downgrade() -> None:
    if _postgresql():
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
