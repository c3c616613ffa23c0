"""Referrals: each orientation points her to a partner (and one of its service points)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.beneficiaries.models import Beneficiary
from bot.db import Base, utcnow
from bot.directory.models import ANAPEC, RESOFEM  # noqa: F401 (the partners, one spelling)


class Referral(Base):
    """proposed (the bot suggested it) → accepted (she asked to be contacted) →
    contacted (the partner reached her) → closed (done, or she declined)."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_partner_status", "partner", "status", "created_at"),)

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    CONTACTED = "contacted"
    CLOSED = "closed"
    STATUSES = (PROPOSED, ACCEPTED, CONTACTED, CLOSED)
    # Which status may follow which (staff may also close at any step).
    NEXT: dict[str, tuple[str, ...]] = {  # noqa: RUF012 (read-only table)
        PROPOSED: (ACCEPTED, CLOSED),
        ACCEPTED: (CONTACTED, CLOSED),
        CONTACTED: (CLOSED,),
        CLOSED: (),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    partner: Mapped[str] = mapped_column(String(32))
    service_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_points.id", ondelete="SET NULL")
    )
    # Why this partner, as codes: {"want": "job", "job": "sales", "availability": "part_time"}
    reason: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    province: Mapped[str | None] = mapped_column(String(64))  # hers, when it was made
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)
    accepted_at: Mapped[datetime | None]
    contacted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(32))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    beneficiary: Mapped[Beneficiary] = relationship()
