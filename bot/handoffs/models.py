"""A handoff: her conversation held by a person, from the request to its resolution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.beneficiaries.models import Beneficiary
from bot.db import Base, utcnow
from bot.messaging.models import Conversation
from bot.staff.models import StaffUser  # the table handoffs point to must be known


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_status_priority", "status", "priority", "created_at"),)

    OPEN = "open"  # waiting for a counsellor
    CLAIMED = "claimed"  # a counsellor has it
    RESOLVED = "resolved"  # back to the bot
    ACTIVE = (OPEN, CLAIMED)

    # Why the bot stepped aside
    REQUESTED = "request_human"
    MISUNDERSTOOD = "misunderstood"
    MEDIA = "media"
    DISTRESS = "distress"
    TAKEN_OVER = "taken_over"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    priority: Mapped[bool] = mapped_column(default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    # Which inbox it lands in: the partner that fits her, and her province.
    partner: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    # Her or the counsellor's latest message: the idle timer starts here.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(32))  # "counsellor" or "idle"

    beneficiary: Mapped[Beneficiary] = relationship()
    conversation: Mapped[Conversation] = relationship()
    assigned_to: Mapped[StaffUser | None] = relationship()


class HandoffNote(Base):
    """An internal note: counsellors see it, she never does."""

    __tablename__ = "handoff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
