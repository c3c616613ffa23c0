"""Where a broadcast stands: its messages counted by status and error code, and the
per-recipient rows of its CSV export. A message WhatsApp refused outside her 24-hour
window counts with the status of its re-send (template or SMS)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts.audience import effective_status
from bot.messaging.models import Message
from bot.phones import mask

# Twilio's statuses gathered into what staff follow.
BUCKETS = ("waiting", "queued", "sent", "delivered", "read", "failed", "undelivered", "canceled")
BUCKET_OF = {
    Message.WAITING: "waiting",
    Message.PENDING: "queued",
    Message.SUBMITTING: "queued",
    Message.OUTBOX: "sent",  # no Twilio account: kept for the simulator
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "undelivered": "undelivered",
    "canceled": "canceled",
    "partially_delivered": "delivered",
}


@dataclass
class Counts:
    by_bucket: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    by_error: list[tuple[int, int]] = field(default_factory=list)  # (code, messages)

    @property
    def total(self) -> int:
        return sum(self.by_bucket.values())

    @property
    def left(self) -> int:
        """Messages that reached Twilio."""
        b = self.by_bucket
        return b["sent"] + b["delivered"] + b["read"] + b["failed"] + b["undelivered"]

    @property
    def failed(self) -> int:
        return self.by_bucket["failed"] + self.by_bucket["undelivered"]

    def rate(self, *buckets: str) -> float:
        """Share of the messages that left, 0..1."""
        return sum(self.by_bucket[b] for b in buckets) / self.left if self.left else 0.0


def _effective(fallback: Any, column: str) -> Any:
    """The re-send's value when there is a re-send (even None), else the message's."""
    return case(
        (fallback.id.is_not(None), getattr(fallback, column)), else_=getattr(Message, column)
    )


def status_counts(session: Session, broadcast_id: int) -> Counts:
    fallback, status = effective_status()
    counts = Counts()
    rows = session.execute(
        select(status, func.count(Message.id))
        .select_from(Message)
        .outerjoin(fallback, fallback.fallback_of_id == Message.id)
        .where(Message.broadcast_id == broadcast_id)
        .group_by(status)
    ).all()
    for value, n in rows:
        bucket = BUCKET_OF.get(value, "sent")
        counts.by_bucket[bucket] += n
    error_code = _effective(fallback, "error_code")
    errors = session.execute(
        select(error_code, func.count(Message.id))
        .select_from(Message)
        .outerjoin(fallback, fallback.fallback_of_id == Message.id)
        .where(Message.broadcast_id == broadcast_id, error_code.is_not(None))
        .group_by(error_code)
        .order_by(func.count(Message.id).desc(), error_code)
    ).all()
    counts.by_error = [(int(code), int(n)) for code, n in errors]
    return counts


@dataclass(frozen=True)
class RecipientRow:
    message_id: int
    phone: str  # masked
    province: str | None
    language: str | None
    channel: str  # what it really went out as (SMS after a fallback)
    status: str
    error_code: int | None
    sent_at: datetime | None
    updated_at: datetime

    HEADER = (
        "message_id", "phone", "province", "language", "channel", "status", "error_code",
        "sent_at", "updated_at",
    )  # fmt: skip


def recipient_rows(
    session: Session, broadcast_id: int, chunk: int = 1000
) -> Iterator[RecipientRow]:
    """Every recipient, streamed in id order (exports of 10,000 rows stay small in memory)."""
    fallback, status = effective_status()
    query = (
        select(
            Message.id,
            Beneficiary.phone,
            Beneficiary.province,
            Message.language,
            _effective(fallback, "channel"),
            status,
            _effective(fallback, "error_code"),
            _effective(fallback, "sent_at"),
            _effective(fallback, "updated_at"),
        )
        .select_from(Message)
        .join(Beneficiary, Beneficiary.id == Message.beneficiary_id)
        .outerjoin(fallback, fallback.fallback_of_id == Message.id)
        .where(Message.broadcast_id == broadcast_id)
        .order_by(Message.id)
        .execution_options(yield_per=chunk)
    )
    for row in session.execute(query):
        yield RecipientRow(
            message_id=row[0],
            phone=mask(row[1]),
            province=row[2],
            language=row[3],
            channel=row[4],
            status=row[5],
            error_code=row[6],
            sent_at=row[7],
            updated_at=row[8],
        )
