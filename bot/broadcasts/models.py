"""A broadcast: staff's announcement to a segment of women, and where its sending stands.

Each recipient gets one outbound `Message` (kind "broadcast", `broadcast_id` set, unique per
broadcast and woman): the message row is her place in the broadcast, so a crash, a restart
or a second worker never gives her a second one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, utcnow
from bot.staff.models import StaffUser

# What to do for a woman whose language has no text.
MISSING_IN_FRENCH = "french"  # send the French text
MISSING_SKIP = "skip"  # leave her out
MISSING_RULES = (MISSING_IN_FRENCH, MISSING_SKIP)


class Broadcast(Base):
    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status", "status", "send_at"),)

    DRAFT = "draft"  # being written; nothing leaves
    AWAITING_APPROVAL = "awaiting_approval"  # a second person must approve it
    SCHEDULED = "scheduled"  # approved, waits for send_at
    SENDING = "sending"  # recipients are being written and sent at the configured rate
    PAUSED = "paused"  # stopped by staff; resumes where it stopped
    DONE = "done"  # every recipient's message has left (or was cancelled)
    CANCELED = "canceled"  # stopped for good; messages not yet sent are cancelled
    STATUSES = (DRAFT, AWAITING_APPROVAL, SCHEDULED, SENDING, PAUSED, DONE, CANCELED)
    EDITABLE = frozenset({DRAFT, AWAITING_APPROVAL})
    RUNNING = frozenset({SCHEDULED, SENDING, PAUSED})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # staff's own title, never sent
    # {"fr": ..., "ar": ..., "ary": ..., "ary_Latn": ...}
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    missing_language: Mapped[str] = mapped_column(String(16), default=MISSING_IN_FRENCH)
    # An approved WhatsApp template (Content API SID "HX…") sent to WhatsApp recipients
    # instead of free text, with its variables {"1": "…", "2": "…"}. SMS gets the text.
    content_sid: Mapped[str | None] = mapped_column(String(34))
    content_variables: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Who it is for (bot.broadcasts.audience.Segment as a dict).
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A "resend to those it failed for" broadcast points at the one it repeats.
    resend_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    send_at: Mapped[datetime | None]  # None: as soon as it is approved
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    # Fan-out progress: recipients are written in beneficiary-id order, in batches.
    cursor: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    fanned_out: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    recipients: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[StaffUser | None] = relationship(foreign_keys=[approved_by_id])
