"""Training sessions, her enrollments in them, and the reminders sent for each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.beneficiaries.models import Beneficiary
from bot.db import Base, utcnow

# A session's track: who it is for. Her track comes from her goal (see services.track_of).
JOB = "job"  # wage employment (ANAPEC)
BUSINESS = "business"  # entrepreneurship (RESOFEM)
ALL = "all"
TRACKS = (JOB, BUSINESS, ALL)


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff's own reference, so a CSV import updates rather than duplicates.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    partner: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(120))
    track: Mapped[str] = mapped_column(String(16), default=ALL)
    # Gazetteer province code; None: open to women of every province (online).
    province: Mapped[str | None] = mapped_column(String(64))
    # {"fr": ..., "ar": ..., "ary": ..., "ary_Latn": ...}; French is the fallback.
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(255))
    online_url: Mapped[str | None] = mapped_column(String(255))
    capacity: Mapped[int]
    canceled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def title(self, language: str) -> str:
        return _in_language(self.titles, language) or self.topic

    def description(self, language: str) -> str:
        return _in_language(self.descriptions, language)


def _in_language(texts: dict[str, Any] | None, language: str) -> str:
    texts = texts or {}
    for candidate in (language, "ary" if language == "ary_Latn" else "", "fr"):
        if candidate and texts.get(candidate):
            return str(texts[candidate])
    return next((str(value) for value in texts.values() if value), "")


class Enrollment(Base):
    """Her place in a session: enrolled, waiting for a seat, or cancelled."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("session_id", "beneficiary_id"),
        Index("ix_enrollments_queue", "session_id", "status", "queued_at"),
    )

    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    CANCELED = "canceled"
    ACTIVE = (ENROLLED, WAITLISTED)

    # Who cancelled
    BY_HER = "her"
    BY_STAFF = "staff"
    SESSION_CANCELED = "session_canceled"
    ERASED = "erasure"  # she had her data erased

    # Attendance, marked by staff after the session
    ATTENDED = "attended"
    ABSENT = "absent"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    # Her place in the waiting list is the order of this time.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]  # moved from the waiting list to a seat
    confirmed_at: Mapped[datetime | None]  # she answered a reminder "I will be there"
    canceled_at: Mapped[datetime | None]
    canceled_by: Mapped[str | None] = mapped_column(String(32))
    attendance: Mapped[str | None] = mapped_column(String(16))
    attendance_marked_at: Mapped[datetime | None]
    attendance_marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    no_show_followed_up_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[TrainingSession] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Reminder(Base):
    """One reminder per enrollment, offset and start announced: the unique key makes it
    happen once, and a session moved to another time is reminded of again, at its new
    time (what she was told before is no longer true)."""

    __tablename__ = "training_reminders"
    __table_args__ = (
        UniqueConstraint(
            "enrollment_id",
            "offset_minutes",
            "session_starts_at",
            name="uq_training_reminders_once",
        ),
    )

    QUEUED = "queued"  # its message is in the outbox
    SKIPPED = "skipped"

    # Why a reminder was skipped
    OPTED_OUT = "opted_out"
    SUPERSEDED = "superseded"  # a nearer reminder was due too (after quiet hours, an outage)
    ENROLLED_LATE = "enrolled_late"  # she enrolled after its time: her confirmation says it
    TOLD_OF_CHANGE = "told_of_change"  # the session moved: that notice gave the new time

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    offset_minutes: Mapped[int]
    session_starts_at: Mapped[datetime]  # the session's start when this reminder was decided
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship()
