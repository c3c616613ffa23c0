"""Trainings with an injected clock, on SQLite and PostgreSQL: what fits her, enrolling,
the waiting list and promotion, reminders at each offset, quiet hours, her answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.beneficiaries import reachability
from bot.db import utcnow
from bot.messaging.models import Message
from bot.messaging.processing import send_pending
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.services import screen_before
from bot.trainings import reminders, services
from bot.trainings.models import BUSINESS, JOB, Enrollment, Reminder
from bot.trainings.offsets import parse_offsets
from tests.support.fakes import FakeSender
from tests.support.trainings import registered_woman, training

# Tuesday 1 December 2026, 10:00 UTC = 11:00 in Casablanca (UTC+1 outside Ramadan).
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
QUIET = QuietHours.parse("21:00-08:00")
NEVER_QUIET = QuietHours.parse("off")
OFFSETS = parse_offsets("48h, 2h")


def messages(session: Session, kind: str) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.kind == kind).order_by(Message.id)))


# -- what she is offered -------------------------------------------------------------------


def test_she_is_offered_upcoming_sessions_of_her_province_and_track(session: Session) -> None:
    her = registered_woman(session, NOW, province="fes", goal="start_business")
    soon = training(session, NOW + timedelta(days=2), track=BUSINESS)
    online = training(session, NOW + timedelta(days=3), province=None)
    training(session, NOW + timedelta(days=1), province="rabat")  # elsewhere
    training(session, NOW + timedelta(days=1), track=JOB)  # another track
    training(session, NOW - timedelta(hours=1))  # already begun
    cancelled = training(session, NOW + timedelta(days=1))
    cancelled.canceled_at = NOW
    session.commit()

    assert services.upcoming_for(session, her, NOW) == [soon, online]

    services.enroll(session, soon.id, her, NOW)
    session.commit()
    assert services.upcoming_for(session, her, NOW) == [online]  # hers is left out


def test_with_no_clear_track_every_track_fits(session: Session) -> None:
    her = registered_woman(session, NOW, goal="advice")
    her.situation = "other"
    session.commit()
    job = training(session, NOW + timedelta(days=1), track=JOB)
    business = training(session, NOW + timedelta(days=2), track=BUSINESS)
    assert services.upcoming_for(session, her, NOW) == [job, business]


# -- seats, waiting list, promotion ----------------------------------------------------------


def test_a_full_session_puts_her_on_the_waiting_list_and_a_freed_seat_promotes_the_next(
    session: Session,
) -> None:
    first, second, third = (registered_woman(session, NOW) for _ in range(3))
    course = training(session, NOW + timedelta(days=5), capacity=1)

    assert services.enroll(session, course.id, first, NOW).outcome == services.ENROLLED
    waiting = services.enroll(session, course.id, second, NOW + timedelta(minutes=1))
    last = services.enroll(session, course.id, third, NOW + timedelta(minutes=2))
    session.commit()
    assert (waiting.outcome, waiting.position) == (services.WAITLISTED, 1)
    assert (last.outcome, last.position) == (services.WAITLISTED, 2)
    again = services.enroll(session, course.id, second, NOW + timedelta(minutes=3))
    assert (again.outcome, again.position) == (services.ALREADY, 1)

    seat = services.enroll(session, course.id, first, NOW).enrollment
    assert seat is not None
    promoted = services.cancel(session, seat, Enrollment.BY_HER, NOW + timedelta(hours=1), QUIET)
    session.commit()

    assert [e.beneficiary_id for e in promoted] == [second.id]
    assert promoted[0].status == Enrollment.ENROLLED
    assert promoted[0].promoted_at == NOW + timedelta(hours=1)
    assert services.waiting_position(session, last.enrollment) == 1  # type: ignore[arg-type]
    assert services.seats_taken(session, course) == 1
    [notice] = messages(session, Message.TRAINING_NOTICE)
    assert notice.beneficiary_id == second.id
    assert "Bonne nouvelle" in notice.body and course.title("fr") in notice.body
    assert notice.screen == {"menu": "attendance", "enrollment_id": promoted[0].id}
    assert notice.expires_at == course.starts_at


def test_coming_back_after_cancelling_goes_to_the_end_of_the_queue(session: Session) -> None:
    women = [registered_woman(session, NOW) for _ in range(3)]
    course = training(session, NOW + timedelta(days=5), capacity=1)
    for minute, woman in enumerate(women):
        services.enroll(session, course.id, woman, NOW + timedelta(minutes=minute))
    session.commit()
    waiting = session.scalar(select(Enrollment).where(Enrollment.beneficiary_id == women[1].id))
    assert waiting is not None
    services.cancel(session, waiting, Enrollment.BY_HER, NOW + timedelta(minutes=5), QUIET)
    result = services.enroll(session, course.id, women[1], NOW + timedelta(minutes=6))
    session.commit()
    assert (result.outcome, result.position) == (services.WAITLISTED, 2)


def test_a_promotion_at_night_is_told_after_quiet_hours(session: Session) -> None:
    first, second = registered_woman(session, NOW), registered_woman(session, NOW)
    course = training(session, NOW + timedelta(days=5), capacity=1)
    seat = services.enroll(session, course.id, first, NOW).enrollment
    services.enroll(session, course.id, second, NOW)
    session.commit()
    night = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 00:30 in Casablanca
    assert seat is not None
    services.cancel(session, seat, Enrollment.BY_HER, night, QUIET)
    session.commit()
    [notice] = messages(session, Message.TRAINING_NOTICE)
    assert notice.not_before == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 08:00 local

    sender = FakeSender()
    send_pending(session, second.id, sender, now=night + timedelta(hours=1))
    assert sender.sent == []  # still quiet
    send_pending(session, second.id, sender, now=notice.not_before)
    assert [body for _, body in sender.sent] == [notice.body]


def test_a_closed_session_takes_no_one(session: Session) -> None:
    her = registered_woman(session, NOW)
    course = training(session, NOW - timedelta(minutes=1))
    assert services.enroll(session, course.id, her, NOW).outcome == services.CLOSED


# -- reminders -------------------------------------------------------------------------------


def enrolled(session: Session, starts_at: datetime, enrolled_at: datetime, **woman: object):  # type: ignore[no-untyped-def]
    her = registered_woman(session, enrolled_at, **woman)  # type: ignore[arg-type]
    course = training(session, starts_at)
    result = services.enroll(session, course.id, her, enrolled_at)
    session.commit()
    return her, course, result.enrollment


def test_one_reminder_at_each_offset_and_never_twice(session: Session) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # 10:00 in Casablanca
    her, course, enrollment = enrolled(session, start, start - timedelta(days=5))

    assert reminders.queue_due(session, start - timedelta(hours=49), OFFSETS, QUIET) == []
    assert reminders.queue_due(session, start - timedelta(hours=48), OFFSETS, QUIET) == [her.id]
    assert reminders.queue_due(session, start - timedelta(hours=47), OFFSETS, QUIET) == []
    assert reminders.queue_due(session, start - timedelta(hours=2), OFFSETS, QUIET) == [her.id]
    assert reminders.queue_due(session, start - timedelta(minutes=30), OFFSETS, QUIET) == []

    sent = messages(session, Message.REMINDER)
    assert len(sent) == 2
    assert all("Rappel" in m.body and course.title("fr") in m.body for m in sent)
    assert "10:00" in sent[0].body  # Morocco's time, not UTC
    assert all(m.screen == {"menu": "attendance", "enrollment_id": enrollment.id} for m in sent)
    rows = session.scalars(select(Reminder).order_by(Reminder.offset_minutes)).all()
    assert [(r.offset_minutes, r.status) for r in rows] == [(120, "queued"), (2880, "queued")]


def test_a_session_moved_after_its_reminder_is_reminded_again_before_its_new_time(
    session: Session,
) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Casablanca
    her, course, _ = enrolled(session, start, start - timedelta(days=5))
    assert reminders.queue_due(session, start - timedelta(hours=48), OFFSETS, QUIET) == [her.id]

    moved = start + timedelta(days=1, hours=4)  # Friday 14:00 in Casablanca
    course.starts_at = moved
    session.commit()
    assert reminders.queue_due(session, start - timedelta(hours=47), OFFSETS, QUIET) == []
    assert reminders.queue_due(session, moved - timedelta(hours=48), OFFSETS, QUIET) == [her.id]
    assert reminders.queue_due(session, moved - timedelta(hours=47), OFFSETS, QUIET) == []
    assert reminders.queue_due(session, moved - timedelta(hours=2), OFFSETS, QUIET) == [her.id]

    sent = messages(session, Message.REMINDER)
    assert len(sent) == 3
    assert "10:00" in sent[0].body
    assert all("14:00" in m.body for m in sent[1:])  # what she is told now is the new time
    rows = session.scalars(select(Reminder).order_by(Reminder.id)).all()
    assert [(r.offset_minutes, r.session_starts_at) for r in rows] == [
        (2880, start), (2880, moved), (120, moved),
    ]  # fmt: skip


def test_a_reminder_due_in_quiet_hours_waits_for_the_morning(session: Session) -> None:
    # 08:30 in Casablanca: the 2-hour reminder falls at 06:30, inside quiet hours.
    start = datetime(2026, 12, 10, 7, 30, tzinfo=UTC)
    her, _, _ = enrolled(session, start, start - timedelta(days=5))
    reminders.queue_due(session, start - timedelta(hours=48), OFFSETS, QUIET)
    assert len(messages(session, Message.REMINDER)) == 1

    at_0630 = start - timedelta(hours=2)
    assert reminders.queue_due(session, at_0630, OFFSETS, QUIET) == []
    assert reminders.queue_due(session, at_0630 + timedelta(minutes=89), OFFSETS, QUIET) == []
    at_0800 = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert reminders.queue_due(session, at_0800, OFFSETS, QUIET) == [her.id]
    assert len(messages(session, Message.REMINDER)) == 2


def test_quiet_hours_follow_moroccos_clock_through_ramadan() -> None:
    # 20:30 UTC is 21:30 in Casablanca in December (quiet) but 20:30 during Ramadan
    # 2027, when Morocco goes back to UTC+0 (not quiet yet).
    assert QUIET.contains(datetime(2026, 12, 1, 20, 30, tzinfo=UTC))
    assert not QUIET.contains(datetime(2027, 2, 20, 20, 30, tzinfo=UTC))


def test_after_an_outage_only_the_nearest_reminder_goes(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    her, _, _ = enrolled(session, start, start - timedelta(days=5))
    assert reminders.queue_due(session, start - timedelta(hours=1), OFFSETS, QUIET) == [her.id]
    assert len(messages(session, Message.REMINDER)) == 1
    rows = {r.offset_minutes: (r.status, r.reason) for r in session.scalars(select(Reminder))}
    assert rows == {120: ("queued", None), 2880: ("skipped", Reminder.SUPERSEDED)}


def test_a_reminder_whose_time_came_before_she_enrolled_is_skipped(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    her, _, _ = enrolled(session, start, start - timedelta(hours=10))
    assert reminders.queue_due(session, start - timedelta(hours=7), OFFSETS, QUIET) == []
    assert reminders.queue_due(session, start - timedelta(hours=2), OFFSETS, QUIET) == [her.id]
    rows = {r.offset_minutes: (r.status, r.reason) for r in session.scalars(select(Reminder))}
    assert rows == {2880: ("skipped", Reminder.ENROLLED_LATE), 120: ("queued", None)}


def test_no_reminder_for_a_woman_who_opted_out(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    her, _, _ = enrolled(session, start, start - timedelta(days=5))
    reachability.opt_out(session, her, source="keyword")
    session.commit()
    assert reminders.queue_due(session, start - timedelta(hours=48), OFFSETS, QUIET) == []
    assert messages(session, Message.REMINDER) == []
    [row] = session.scalars(select(Reminder)).all()
    assert (row.status, row.reason) == ("skipped", Reminder.OPTED_OUT)


def test_no_reminder_for_a_cancelled_place_or_session(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    _, _, enrollment = enrolled(session, start, start - timedelta(days=5))
    services.cancel(session, enrollment, Enrollment.BY_HER, start - timedelta(days=3), QUIET)
    _, other, _ = enrolled(session, start, start - timedelta(days=5))
    other.canceled_at = start - timedelta(days=3)
    session.commit()
    assert reminders.queue_due(session, start - timedelta(hours=2), OFFSETS, NEVER_QUIET) == []


def test_a_late_reminder_is_not_sent_once_the_session_has_begun(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    her, _, _ = enrolled(session, start, start - timedelta(days=5))
    reminders.queue_due(session, start - timedelta(hours=2), OFFSETS, QUIET)
    sender = FakeSender()
    send_pending(session, her.id, sender, now=start + timedelta(minutes=1))  # Twilio was down
    assert sender.sent == []
    [reminder] = messages(session, Message.REMINDER)
    assert reminder.status == "canceled"


# -- her answer ------------------------------------------------------------------------------


def test_the_reminder_on_her_screen_is_what_a_digit_answers(session: Session) -> None:
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    her, _, enrollment = enrolled(session, start, start - timedelta(days=5))
    reminders.queue_due(session, start - timedelta(hours=2), OFFSETS, QUIET)
    send_pending(session, her.id, FakeSender(), now=start - timedelta(hours=2))
    [reminder] = messages(session, Message.REMINDER)
    answer = Message(
        conversation_id=reminder.conversation_id,
        beneficiary_id=her.id,
        direction=Message.INBOUND,
        channel=reminder.channel,
        body="1",
        status=Message.RECEIVED,
    )
    session.add(answer)
    session.commit()
    assert screen_before(session, answer) == {"menu": "attendance", "enrollment_id": enrollment.id}

    reply = Message(
        conversation_id=reminder.conversation_id,
        beneficiary_id=her.id,
        direction=Message.OUTBOUND,
        channel=reminder.channel,
        body="Merci !",
        status=Message.SENT,
        reply_to_id=answer.id,
    )
    later = Message(
        conversation_id=reminder.conversation_id,
        beneficiary_id=her.id,
        direction=Message.INBOUND,
        channel=reminder.channel,
        body="2",
        status=Message.RECEIVED,
    )
    session.add_all([reply, later])
    session.commit()
    assert screen_before(session, later) is None  # the bot's reply is on her screen now


def test_confirming_and_staff_marking_attendance(session: Session) -> None:
    start = NOW - timedelta(hours=3)
    her = registered_woman(session, NOW)
    course = training(session, NOW + timedelta(days=1))
    enrollment = services.enroll(session, course.id, her, NOW).enrollment
    assert enrollment is not None
    services.confirm(enrollment, NOW + timedelta(hours=1))
    assert enrollment.confirmed_at == NOW + timedelta(hours=1)
    course.starts_at = start
    session.commit()

    first = services.mark_attendance(session, enrollment, False, None, NOW, QUIET)
    again = services.mark_attendance(session, enrollment, False, None, NOW, QUIET)
    session.commit()
    assert first is not None and again is None  # one follow-up, however often it is marked
    assert enrollment.attendance == Enrollment.ABSENT
    assert course.title("fr") in first.body
    count = session.scalar(
        select(func.count(Message.id)).where(Message.kind == Message.TRAINING_NOTICE)
    )
    assert count == 1
    services.mark_attendance(session, enrollment, True, None, NOW, QUIET)
    assert enrollment.attendance == Enrollment.ATTENDED


def test_two_workers_writing_reminders_at_once_write_each_once(
    session: Session,
    engine,  # type: ignore[no-untyped-def]
) -> None:
    import threading

    from bot.db import make_session_factory

    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    women = [enrolled(session, start, start - timedelta(days=5))[0] for _ in range(20)]
    barrier = threading.Barrier(2)
    results: list[list[int]] = []

    def worker() -> None:
        own = make_session_factory(engine)()
        barrier.wait()
        results.append(reminders.queue_due(own, start - timedelta(hours=2), OFFSETS, QUIET))
        own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results[0] + results[1]) == sorted(w.id for w in women)
    session.expire_all()
    assert len(messages(session, Message.REMINDER)) == 20


def test_erasing_her_data_frees_her_seat_for_the_next_woman(session: Session) -> None:
    from bot.beneficiaries.erasure import erase

    her, other = registered_woman(session, NOW), registered_woman(session, NOW)
    course = training(session, utcnow() + timedelta(days=5), capacity=1)
    services.enroll(session, course.id, her, utcnow())
    services.enroll(session, course.id, other, utcnow())
    session.commit()

    assert erase(session, her, tracker=None, quiet=NEVER_QUIET) == [other.id]
    places = {
        e.beneficiary_id: (e.status, e.canceled_by) for e in session.scalars(select(Enrollment))
    }
    assert places == {
        her.id: (Enrollment.CANCELED, Enrollment.ERASED),
        other.id: (Enrollment.ENROLLED, None),
    }
