"""Sending a broadcast, one tick at a time (Celery beat calls `tick` every second).

Each tick, for every broadcast being sent:
1. fan-out: the next batch of recipients (beneficiary-id order after `cursor`) gets its
   message row, status "waiting", in the same transaction that moves the cursor — so a
   crash repeats a batch or none, and the unique (broadcast, woman) key forbids a second;
2. release: up to `rate` waiting messages per sender (SMS number, WhatsApp number) become
   "pending", and their women are handed to `messaging.process_beneficiary`, which sends
   under her lease with the crash recovery every message has. Fewer are released while
   earlier ones are still on their way, so a slow Twilio slows the release, not the queue.
Nothing is released in quiet hours. A paused broadcast is skipped; a cancelled one has
no waiting message left. All state is in the database: a restart resumes where it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import audience
from bot.broadcasts.models import Broadcast
from bot.broadcasts.preview import text_in
from bot.messaging.models import CHANNELS, Conversation, Message
from bot.messaging.quiet_hours import QuietHours

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
FANOUT_BATCH = 1000
# Released but not yet sent, at most this many seconds' worth per sender.
IN_FLIGHT_SECONDS = 2.0
UNSENT = (Message.WAITING, Message.PENDING, Message.SUBMITTING)


@dataclass
class TickResult:
    to_send: list[int] = field(default_factory=list)  # beneficiary ids to hand to workers
    written: int = 0  # recipients written this tick
    finished: list[int] = field(default_factory=list)  # broadcasts done this tick


def tick(session: Session, now: datetime, quiet: QuietHours, rate: float) -> TickResult:
    """One step of every broadcast under way. Commits per broadcast."""
    result = TickResult()
    session.execute(
        update(Broadcast)
        .where(Broadcast.status == Broadcast.SCHEDULED, Broadcast.send_at <= now)
        .values(status=Broadcast.SENDING, started_at=func.coalesce(Broadcast.started_at, now))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    ids = session.scalars(
        select(Broadcast.id).where(Broadcast.status == Broadcast.SENDING).order_by(Broadcast.id)
    ).all()
    for broadcast_id in ids:
        try:
            step(session, broadcast_id, now, quiet, rate, result)
            session.commit()
        except IntegrityError:
            # Another tick wrote the same batch first (SQLite has no SKIP LOCKED): its
            # rows stand, this tick's are dropped, and the next tick carries on.
            session.rollback()
            log.info("broadcast %s: batch already written by another tick", broadcast_id)
    return result


def step(
    session: Session,
    broadcast_id: int,
    now: datetime,
    quiet: QuietHours,
    rate: float,
    result: TickResult,
) -> None:
    # Locked for the tick: two workers running ticks at once take turns per broadcast.
    broadcast = session.scalar(
        select(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == Broadcast.SENDING)
        .with_for_update(skip_locked=True)
    )
    if broadcast is None:
        return
    if not broadcast.fanned_out:
        result.written += fan_out(session, broadcast, now)
    if not quiet.contains(now):
        result.to_send += release(session, broadcast, rate, now)
    if broadcast.fanned_out and not session.scalar(
        select(exists().where(Message.broadcast_id == broadcast.id, Message.status.in_(UNSENT)))
    ):
        broadcast.status = Broadcast.DONE
        broadcast.finished_at = now
        result.finished.append(broadcast.id)


def fan_out(session: Session, broadcast: Broadcast, now: datetime, batch: int | None = None) -> int:
    """Write the next batch of recipients; returns how many."""
    batch = batch or FANOUT_BATCH
    texts = broadcast.texts or {}
    segment = audience.Segment.from_dict(broadcast.segment)
    rows = session.execute(
        audience.recipients(
            segment,
            texts,
            broadcast.missing_language,
            Beneficiary.id,
            audience.sent_language(texts).label("language"),
            Conversation.id.label("conversation_id"),
            Conversation.channel,
        )
        .where(Beneficiary.id > broadcast.cursor)
        .order_by(Beneficiary.id)
        .limit(batch)
    ).all()
    if rows:
        session.execute(
            insert(Message),
            [
                {
                    "conversation_id": row.conversation_id,
                    "beneficiary_id": row.id,
                    "direction": Message.OUTBOUND,
                    "channel": row.channel,
                    "body": text_in(broadcast, row.language),
                    "media": [],
                    "status": Message.WAITING,
                    "language": row.language,
                    "kind": Message.BROADCAST,
                    "broadcast_id": broadcast.id,
                    "content_sid": broadcast.content_sid,
                    "content_variables": broadcast.content_variables or None,
                    "created_at": now,
                    "updated_at": now,
                }
                for row in rows
            ],
        )
        broadcast.cursor = rows[-1].id
        broadcast.recipients += len(rows)
    if len(rows) < batch:
        broadcast.fanned_out = True
    return len(rows)


def release(session: Session, broadcast: Broadcast, rate: float, now: datetime) -> list[int]:
    """Hand up to `rate` messages a second per sender to the workers; their women's ids."""
    women: list[int] = []
    per_tick = max(1, int(rate * TICK_SECONDS))
    ceiling = max(per_tick, int(rate * IN_FLIGHT_SECONDS))
    for channel in CHANNELS:
        on_their_way = session.scalar(
            select(func.count(Message.id)).where(
                Message.broadcast_id == broadcast.id,
                Message.channel == channel,
                Message.status.in_((Message.PENDING, Message.SUBMITTING)),
            )
        )
        room = min(per_tick, ceiling - int(on_their_way or 0))
        if room <= 0:
            continue
        chosen = session.execute(
            select(Message.id, Message.beneficiary_id)
            .where(
                Message.broadcast_id == broadcast.id,
                Message.channel == channel,
                Message.status == Message.WAITING,
            )
            .order_by(Message.id)
            .limit(room)
        ).all()
        if not chosen:
            continue
        session.execute(
            update(Message)
            .where(Message.id.in_([row.id for row in chosen]), Message.status == Message.WAITING)
            .values(status=Message.PENDING, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        women += [row.beneficiary_id for row in chosen]
    return women
