"""Her trainings: what fits her, enrolling, the waiting list, cancelling, attendance.

Every function takes `now` (an injected clock: tests travel in time) and leaves the
commit to the caller, except where it says so. Seats are counted under a lock on the
session's row, so two women never take the last seat together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import Message
from bot.messaging.outreach import notify
from bot.messaging.quiet_hours import QuietHours
from bot.trainings.models import ALL, BUSINESS, JOB, Enrollment, Reminder, TrainingSession
from bot.trainings.offsets import minutes

LISTED = 5  # sessions offered at once: a longer list is hard to read on a phone

# Her track from her registration answers: a job (ANAPEC) or her own business (RESOFEM).
TRACK_OF_GOAL = {"find_job": JOB, "start_business": BUSINESS, "grow_business": BUSINESS}
TRACK_OF_SITUATION = {
    "job_seeker": JOB,
    "business_idea": BUSINESS,
    "runs_business": BUSINESS,
}

# Outcomes of enroll()
ENROLLED = "enrolled"
WAITLISTED = "waitlisted"
ALREADY = "already"
CLOSED = "closed"  # started, ended or cancelled meanwhile


def track_of(beneficiary: Beneficiary) -> str | None:
    """None when her answers point nowhere in particular: every track fits her."""
    return TRACK_OF_GOAL.get(beneficiary.goal or "") or TRACK_OF_SITUATION.get(
        beneficiary.situation or ""
    )


def upcoming_for(
    session: Session, beneficiary: Beneficiary, now: datetime, limit: int = LISTED
) -> list[TrainingSession]:
    """Sessions still to come in her province (or open to all), on her track, soonest first;
    the ones she already holds a place in are left out."""
    mine = select(Enrollment.session_id).where(
        Enrollment.beneficiary_id == beneficiary.id, Enrollment.status.in_(Enrollment.ACTIVE)
    )
    query = select(TrainingSession).where(
        TrainingSession.canceled_at.is_(None),
        TrainingSession.starts_at > now,
        or_(TrainingSession.province.is_(None), TrainingSession.province == beneficiary.province),
        TrainingSession.id.not_in(mine),
    )
    track = track_of(beneficiary)
    if track is not None:
        query = query.where(TrainingSession.track.in_((track, ALL)))
    return list(
        session.scalars(query.order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit))
    )


def seats_taken(session: Session, training: TrainingSession) -> int:
    return int(
        session.scalar(
            select(func.count(Enrollment.id)).where(
                Enrollment.session_id == training.id, Enrollment.status == Enrollment.ENROLLED
            )
        )
        or 0
    )


def waiting_position(session: Session, enrollment: Enrollment) -> int:
    """1 for the first woman on the waiting list."""
    ahead = session.scalar(
        select(func.count(Enrollment.id)).where(
            Enrollment.session_id == enrollment.session_id,
            Enrollment.status == Enrollment.WAITLISTED,
            or_(
                Enrollment.queued_at < enrollment.queued_at,
                (Enrollment.queued_at == enrollment.queued_at) & (Enrollment.id < enrollment.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def locked_session(session: Session, training_id: int) -> TrainingSession | None:
    """The session's row, locked until commit (PostgreSQL; SQLite serialises writers)."""
    return session.scalar(
        select(TrainingSession)
        .where(TrainingSession.id == training_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def is_open(training: TrainingSession, now: datetime) -> bool:
    return training.canceled_at is None and training.starts_at > now


@dataclass
class EnrollResult:
    outcome: str
    enrollment: Enrollment | None = None
    position: int | None = None  # on the waiting list


def enroll(
    session: Session, training_id: int, beneficiary: Beneficiary, now: datetime
) -> EnrollResult:
    """A seat if one is free, else a place on the waiting list."""
    training = locked_session(session, training_id)
    if training is None or not is_open(training, now):
        return EnrollResult(CLOSED)
    enrollment = session.scalar(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.beneficiary_id == beneficiary.id
        )
    )
    if enrollment is not None and enrollment.is_active:
        position = (
            waiting_position(session, enrollment)
            if enrollment.status == Enrollment.WAITLISTED
            else None
        )
        return EnrollResult(ALREADY, enrollment, position)
    seat_free = seats_taken(session, training) < training.capacity
    if enrollment is None:
        enrollment = Enrollment(session_id=training.id, beneficiary_id=beneficiary.id)
        session.add(enrollment)
    # Coming back after cancelling: the end of the queue, a fresh confirmation.
    enrollment.queued_at = now
    enrollment.canceled_at = enrollment.canceled_by = enrollment.confirmed_at = None
    enrollment.promoted_at = None
    if seat_free:
        enrollment.status = Enrollment.ENROLLED
        enrollment.enrolled_at = now
        session.flush()
        return EnrollResult(ENROLLED, enrollment)
    enrollment.status = Enrollment.WAITLISTED
    enrollment.enrolled_at = None
    session.flush()
    return EnrollResult(WAITLISTED, enrollment, waiting_position(session, enrollment))


def my_enrollments(session: Session, beneficiary: Beneficiary, now: datetime) -> list[Enrollment]:
    """Her places (seats and waiting) in sessions that have not ended, soonest first."""
    return list(
        session.scalars(
            select(Enrollment)
            .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
            .where(
                Enrollment.beneficiary_id == beneficiary.id,
                Enrollment.status.in_(Enrollment.ACTIVE),
                TrainingSession.canceled_at.is_(None),
                TrainingSession.ends_at > now,
            )
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    )


def confirm(enrollment: Enrollment, now: datetime) -> None:
    """She answered a reminder: she will be there."""
    if enrollment.status == Enrollment.ENROLLED and enrollment.confirmed_at is None:
        enrollment.confirmed_at = now


def cancel(
    session: Session, enrollment: Enrollment, by: str, now: datetime, quiet: QuietHours
) -> list[Enrollment]:
    """Give up her place; a freed seat goes to the next women waiting. Returns them."""
    training = locked_session(session, enrollment.session_id)
    if not enrollment.is_active or training is None:
        return []
    enrollment.status = Enrollment.CANCELED
    enrollment.canceled_at = now
    enrollment.canceled_by = by
    session.flush()
    return fill_seats(session, training, now, quiet)


def fill_seats(
    session: Session, training: TrainingSession, now: datetime, quiet: QuietHours
) -> list[Enrollment]:
    """Promote women from the waiting list while seats are free, and tell each of them.
    Call with the session's row locked (cancel() and the console's edit do)."""
    if not is_open(training, now):
        return []
    free = training.capacity - seats_taken(session, training)
    if free <= 0:
        return []
    promoted = list(
        session.scalars(
            select(Enrollment)
            .where(
                Enrollment.session_id == training.id,
                Enrollment.status == Enrollment.WAITLISTED,
            )
            .order_by(Enrollment.queued_at, Enrollment.id)
            .limit(free)
        )
    )
    for enrollment in promoted:
        enrollment.status = Enrollment.ENROLLED
        enrollment.enrolled_at = enrollment.promoted_at = now
        ask_attendance(session, enrollment, "utter_training_seat_freed", now, quiet)
    session.flush()
    return promoted


def cancel_session(
    session: Session, training: TrainingSession, now: datetime, quiet: QuietHours
) -> list[Enrollment]:
    """Staff cancel a session: every woman holding a place (or waiting) is told. Returns
    the enrollments whose woman has a message to send."""
    if training.canceled_at is not None:
        return []
    training.canceled_at = now
    told: list[Enrollment] = []
    places = session.scalars(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.status.in_(Enrollment.ACTIVE)
        )
    ).all()
    for enrollment in places:
        enrollment.status = Enrollment.CANCELED
        enrollment.canceled_at = now
        enrollment.canceled_by = Enrollment.SESSION_CANCELED
        if training.starts_at > now and notify(
            session,
            enrollment.beneficiary,
            "utter_training_session_canceled",
            kind=Message.TRAINING_NOTICE,
            now=now,
            quiet=quiet,
            values=session_values(training, enrollment.beneficiary.reply_language),
            screen={"menu": "main"},
            expires_at=training.starts_at,
        ):
            told.append(enrollment)
    session.flush()
    return told


def tell_of_change(
    session: Session,
    training: TrainingSession,
    now: datetime,
    quiet: QuietHours,
    offsets: tuple[timedelta, ...],
) -> list[Enrollment]:
    """Staff changed a session's time or place: each woman holding a seat is told the
    new one, asked again whether she will come. A reminder already due at the new time
    would only repeat it: it is written as skipped. Returns the enrollments whose woman
    has a message to send. Flushes."""
    if training.canceled_at is not None or training.starts_at <= now:
        return []
    seats = session.scalars(
        select(Enrollment).where(
            Enrollment.session_id == training.id, Enrollment.status == Enrollment.ENROLLED
        )
    ).all()
    due = sorted(minutes(o) for o in offsets if training.starts_at - o <= now)
    # Moved back to a time she was reminded of already: those rows stand.
    written = reminders_written(session, [e.id for e in seats])
    told: list[Enrollment] = []
    for enrollment in seats:
        if ask_attendance(session, enrollment, "utter_training_session_changed", now, quiet):
            told.append(enrollment)
        for offset in (o for o in due if (enrollment.id, o) not in written):
            session.add(
                Reminder(
                    enrollment_id=enrollment.id,
                    offset_minutes=offset,
                    session_starts_at=training.starts_at,
                    status=Reminder.SKIPPED,
                    reason=Reminder.TOLD_OF_CHANGE,
                )
            )
    session.flush()
    return told


def reminders_written(session: Session, enrollment_ids: list[int]) -> set[tuple[int, int]]:
    """(enrollment, offset in minutes) of the reminders written for her session's
    current start: a reminder of an earlier start does not count."""
    if not enrollment_ids:
        return set()
    rows = session.execute(
        select(Reminder.enrollment_id, Reminder.offset_minutes)
        .join(Enrollment, Reminder.enrollment_id == Enrollment.id)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(
            Reminder.enrollment_id.in_(enrollment_ids),
            Reminder.session_starts_at == TrainingSession.starts_at,
        )
    ).all()
    return {(row.enrollment_id, row.offset_minutes) for row in rows}


def release_places(
    session: Session, beneficiary: Beneficiary, now: datetime, quiet: QuietHours
) -> list[Enrollment]:
    """Her places in sessions still to come go to the women waiting (she asked for her data
    to be erased). Returns the women promoted."""
    promoted: list[Enrollment] = []
    for enrollment in my_enrollments(session, beneficiary, now):
        if enrollment.session.starts_at > now:
            promoted += cancel(session, enrollment, Enrollment.ERASED, now, quiet)
    return promoted


def mark_attendance(
    session: Session,
    enrollment: Enrollment,
    attended: bool,
    staff_id: int | None,
    now: datetime,
    quiet: QuietHours,
) -> Message | None:
    """Staff's mark after the session; a first "absent" sends her a kind follow-up once."""
    enrollment.attendance = Enrollment.ATTENDED if attended else Enrollment.ABSENT
    enrollment.attendance_marked_at = now
    enrollment.attendance_marked_by_id = staff_id
    if attended or enrollment.no_show_followed_up_at is not None:
        return None
    enrollment.no_show_followed_up_at = now
    training = enrollment.session
    return notify(
        session,
        enrollment.beneficiary,
        "utter_training_missed",
        kind=Message.TRAINING_NOTICE,
        now=now,
        quiet=quiet,
        values=session_values(training, enrollment.beneficiary.reply_language),
    )


# -- what her messages say about a session ----------------------------------------------

ATTENDANCE_MENU = "attendance"


def ask_attendance(
    session: Session,
    enrollment: Enrollment,
    response: str,
    now: datetime,
    quiet: QuietHours,
    kind: str = Message.TRAINING_NOTICE,
) -> Message | None:
    """A message about her session that ends with "1. I will be there / 2. I cannot
    come" (a seat, a new time, a reminder); it expires when the session begins. None when
    she cannot be written to (bot.messaging.outreach.notify)."""
    training = enrollment.session
    return notify(
        session,
        enrollment.beneficiary,
        response,
        kind=kind,
        now=now,
        quiet=quiet,
        values=session_values(training, enrollment.beneficiary.reply_language),
        screen=attendance_screen(enrollment),
        expires_at=training.starts_at,
    )


def attendance_screen(enrollment: Enrollment) -> dict[str, object]:
    """A message ending in "1. I will be there / 2. I cannot come" about this enrollment."""
    return {"menu": ATTENDANCE_MENU, "enrollment_id": enrollment.id}


def session_values(training: TrainingSession, language: str) -> dict[str, str]:
    """The values a session's sentences use, in her language; `when` is formatted by
    bot.i18n from the ISO time, in Morocco's time zone."""
    return {
        "title": training.title(language),
        "when": training.starts_at.isoformat(),
        "place": training.place or training.online_url or "",
    }


def get_enrollment(session: Session, enrollment_id: object) -> Enrollment | None:
    if not isinstance(enrollment_id, int | str) or not str(enrollment_id).isdigit():
        return None
    return session.get(Enrollment, int(enrollment_id))


# -- for staff: counts and the list of women of a session -------------------------------


def enrollment_counts(session: Session, training_ids: list[int]) -> dict[int, tuple[int, int]]:
    """training id -> (seats taken, women waiting), for the sessions listed."""
    counts: dict[int, tuple[int, int]] = dict.fromkeys(training_ids, (0, 0))
    if not training_ids:
        return counts
    rows = session.execute(
        select(Enrollment.session_id, Enrollment.status, func.count(Enrollment.id))
        .where(Enrollment.session_id.in_(training_ids), Enrollment.status.in_(Enrollment.ACTIVE))
        .group_by(Enrollment.session_id, Enrollment.status)
    )
    for training_id, status, count in rows:
        taken, waiting = counts[training_id]
        if status == Enrollment.ENROLLED:
            taken = int(count)
        else:
            waiting = int(count)
        counts[training_id] = (taken, waiting)
    return counts


def roster(
    session: Session, training: TrainingSession
) -> tuple[list[Enrollment], list[Enrollment]]:
    """(the women holding a seat, in the order they got it; the waiting list, in order:
    its first woman is position 1, as waiting_position counts)."""
    enrolled = session.scalars(
        select(Enrollment)
        .options(selectinload(Enrollment.beneficiary))
        .where(Enrollment.session_id == training.id, Enrollment.status == Enrollment.ENROLLED)
        .order_by(Enrollment.enrolled_at, Enrollment.id)
    )
    waiting = session.scalars(
        select(Enrollment)
        .options(selectinload(Enrollment.beneficiary))
        .where(Enrollment.session_id == training.id, Enrollment.status == Enrollment.WAITLISTED)
        .order_by(Enrollment.queued_at, Enrollment.id)
    )
    return list(enrolled), list(waiting)
