"""A person who signs in to the staff console, and the log of what staff did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, utcnow

ADMIN = "admin"  # manages staff accounts; sees everything
STAFF = "staff"  # programme staff: every province, no account management
COUNSELLOR = "counsellor"  # a partner's counsellor: her provinces only
ROLES = (ADMIN, STAFF, COUNSELLOR)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lowercase (bot.staff.services normalises it), so the unique index is enough.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # "ANAPEC", "RESOFEM" or a local partner's name; required for counsellors.
    partner: Mapped[str | None] = mapped_column(String(64))
    # Gazetteer codes (bot/data/gazetteer.yml), e.g. ["fes", "casablanca"].
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # E.164, for notifications later on.
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_login_at: Mapped[datetime | None]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_every_province(self) -> bool:
        """Admins and programme staff see the whole country; counsellors their provinces."""
        return self.role != COUNSELLOR

    def sees_province(self, code: str | None) -> bool:
        """Whether a conversation placed in province `code` is hers to see."""
        return self.sees_every_province or (code is not None and code in self.provinces)

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class AuditLog(Base):
    """Who did what to which record, from where; rows are only ever added."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the command line, or a failed login with an unknown address.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))  # e.g. "login.success", "user.update"
    target_type: Mapped[str] = mapped_column(String(32))  # e.g. "staff_user"
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    ip: Mapped[str | None] = mapped_column(String(45))  # room for IPv6
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    staff_user: Mapped[StaffUser | None] = relationship()
