"""Reminders before each session: exactly once per enrollment and offset.

The beat runs `queue_due` every minute on every worker it likes. A reminder is a row
keyed by (enrollment, offset, the session's start) written in the same transaction as
its outbound message: a second worker, a retry or a restart hits the unique key and
writes nothing. A session moved to another time has a new start, so its reminders go
again before the new time, saying it. The message then leaves through the outbox like
any reply (bot.messaging.processing).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messaging.models import Message
from bot.messaging.quiet_hours import QuietHours
from bot.trainings.models import Enrollment, Reminder, TrainingSession
from bot.trainings.offsets import minutes
from bot.trainings.services import ask_attendance, reminders_written

log = logging.getLogger(__name__)


def plan(
    enrolled_at: datetime, starts_at: datetime, now: datetime, offsets: tuple[timedelta, ...]
) -> tuple[timedelta | None, list[tuple[timedelta, str]]]:
    """Which reminder to send now (if any) and which to skip for good, with why.

    Only the nearest due reminder goes: after quiet hours or an outage, a "two days
    before" that is now late would only repeat it. A reminder whose time came before
    she enrolled is skipped: her confirmation said it all.
    """
    due = [offset for offset in offsets if starts_at - offset <= now < starts_at]
    if not due:
        return None, []
    nearest = min(due)
    skipped = [(offset, Reminder.SUPERSEDED) for offset in due if offset != nearest]
    if enrolled_at > starts_at - nearest:
        return None, [*skipped, (nearest, Reminder.ENROLLED_LATE)]
    return nearest, skipped


def queue_due(
    session: Session, now: datetime, offsets: tuple[timedelta, ...], quiet: QuietHours
) -> list[int]:
    """Write every reminder due at `now`; return the beneficiaries to process. Commits."""
    if not offsets or quiet.contains(now):
        return []  # in quiet hours nothing is written: the next run after them decides
    candidates = session.execute(
        select(Enrollment.id, Enrollment.enrolled_at, TrainingSession.starts_at)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(
            Enrollment.status == Enrollment.ENROLLED,
            TrainingSession.canceled_at.is_(None),
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + max(offsets),
        )
    ).all()
    done = reminders_written(session, [row.id for row in candidates])
    queued: list[int] = []
    for enrollment_id, enrolled_at, starts_at in candidates:
        send, skips = plan(enrolled_at or now, starts_at, now, offsets)
        skips = [(o, why) for o, why in skips if (enrollment_id, minutes(o)) not in done]
        if send is not None and (enrollment_id, minutes(send)) in done:
            send = None
        if send is None and not skips:
            continue
        beneficiary_id = _write(session, enrollment_id, send, skips, now, quiet)
        if beneficiary_id is not None:
            queued.append(beneficiary_id)
    return queued


def _write(
    session: Session,
    enrollment_id: int,
    send: timedelta | None,
    skips: list[tuple[timedelta, str]],
    now: datetime,
    quiet: QuietHours,
) -> int | None:
    """One enrollment's reminders in one transaction; None when nothing is to be sent
    (or another worker wrote them first: the unique key stops this one at any flush)."""
    try:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None:
            return None
        training = enrollment.session
        for offset, why in skips:
            session.add(
                Reminder(
                    enrollment_id=enrollment_id,
                    offset_minutes=minutes(offset),
                    session_starts_at=training.starts_at,
                    status=Reminder.SKIPPED,
                    reason=why,
                )
            )
        queued_for: int | None = None
        if send is not None:
            message = ask_attendance(
                session, enrollment, "utter_training_reminder", now, quiet, kind=Message.REMINDER
            )
            if message is not None:
                session.flush()
                queued_for = enrollment.beneficiary_id
            session.add(
                Reminder(
                    enrollment_id=enrollment_id,
                    offset_minutes=minutes(send),
                    session_starts_at=training.starts_at,
                    status=Reminder.QUEUED if message is not None else Reminder.SKIPPED,
                    reason=None if message is not None else Reminder.OPTED_OUT,
                    message_id=message.id if message is not None else None,
                )
            )
        session.commit()
        return queued_for
    except IntegrityError:
        session.rollback()
        log.info("reminders of enrollment %s already written", enrollment_id)
        return None
