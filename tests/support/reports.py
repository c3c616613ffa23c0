"""A small programme whose every figure is known: women, referrals, trainings, handoffs,
messages and a broadcast, placed around the edges of the period and of Morocco's change
of time after Ramadan 2026 (UTC+0 until 22 March 02:00 UTC, then UTC+1).

The period is 16-29 March 2026 (Morocco's days): from 16 March 00:00 UTC (UTC+0 then) to
29 March 23:00 UTC (UTC+1 by then). Expected figures are in tests/integration/test_reports.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts.models import Broadcast
from bot.handoffs.models import Handoff
from bot.messaging.models import SMS, WHATSAPP, Conversation, Message
from bot.orientation.models import Referral
from bot.reports.periods import Period
from bot.trainings.models import Enrollment, Reminder, TrainingSession

PERIOD = Period(date(2026, 3, 16), date(2026, 3, 29))
SECRET_WORDS = "Salam ana Fatima Bennani, 0612345678"  # in every message body
_numbers = count(1)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Programme:
    women: dict[str, Beneficiary] = field(default_factory=dict)
    conversations: dict[tuple[str, str], Conversation] = field(default_factory=dict)


def _woman(session: Session, programme: Programme, name: str, **values: object) -> None:
    values.setdefault("phone", f"+2126{next(_numbers):08d}")
    values.setdefault("language", "fr")
    woman = Beneficiary(first_name=f"Fatima{name}", consent=Beneficiary.CONSENT_GIVEN, **values)
    session.add(woman)
    session.flush()
    programme.women[name] = woman


def _conversation(
    session: Session, programme: Programme, name: str, channel: str = WHATSAPP
) -> Conversation:
    key = (name, channel)
    if key not in programme.conversations:
        woman = programme.women[name]
        conversation = Conversation(beneficiary_id=woman.id, channel=channel)
        session.add(conversation)
        session.flush()
        programme.conversations[key] = conversation
    return programme.conversations[key]


def _message(
    session: Session,
    programme: Programme,
    name: str,
    direction: str,
    created_at: datetime,
    *,
    channel: str = WHATSAPP,
    status: str | None = None,
    language: str | None = "fr",
    **values: object,
) -> Message:
    woman = programme.women[name]
    message = Message(
        conversation_id=_conversation(session, programme, name, channel).id,
        beneficiary_id=woman.id,
        direction=direction,
        channel=channel,
        body=SECRET_WORDS,
        status=status or (Message.HANDLED if direction == Message.INBOUND else Message.SENT),
        language=language,
        created_at=created_at,
        **values,
    )
    session.add(message)
    session.flush()
    return message


def build(session: Session) -> Programme:
    """The data set; expected figures are spelled out in the tests."""
    p = Programme()
    # Women. Registered in the period: W1, W2, W3, W4, W5, W9 (erased since).
    _woman(session, p, "W1", province="fes", age=22, education_level="secondary",
           situation="job_seeker", goal="find_job", created_at=at(17),
           registered_at=at(18), language="ary_Latn")  # fmt: skip
    # 23:30 UTC on 20 March is still 20 March in Morocco (UTC+0 during Ramadan).
    _woman(session, p, "W2", province="fes", age=30, age_band="25-34",
           education_level="university", situation="business_idea", goal="start_business",
           created_at=at(20), registered_at=at(20, 23, 30))  # fmt: skip
    # 23:30 UTC on 25 March is 26 March, 00:30 in Morocco (UTC+1 again).
    _woman(session, p, "W3", province="rabat", age=40, age_band="35-44",
           education_level="primary", situation="runs_business", goal="grow_business",
           created_at=at(21), registered_at=at(25, 23, 30))  # fmt: skip
    _woman(session, p, "W4", province="rabat", situation="other", goal="training",
           created_at=at(22, 9), registered_at=at(22, 12))  # fmt: skip
    # Her goal points nowhere: her situation gives her track (job).
    _woman(session, p, "W5", province="casablanca", age=50, age_band="45-54",
           education_level="vocational", situation="job_seeker", goal="advice",
           created_at=at(28), registered_at=at(29, 22, 30), opted_out_at=at(27))  # fmt: skip
    # Outside the period: the evening before it began, the night after it ended.
    _woman(session, p, "W6", province="fes", created_at=at(10), registered_at=at(15, 23, 30),
           opted_out_at=at(5))  # fmt: skip
    _woman(session, p, "W7", province="fes", created_at=at(29, 23, 10),
           registered_at=at(29, 23, 30))  # fmt: skip
    _woman(session, p, "W8", province="fes", created_at=at(24))  # wrote, never registered
    _woman(session, p, "W9", province="marrakech", age_band="25-34",
           education_level="baccalaureate", situation="job_seeker", goal="find_job",
           created_at=at(23, 8), registered_at=at(23), erased_at=at(27),
           phone="erased-0123456789abcdef01234567")  # fmt: skip
    p.women["W9"].first_name = None

    # Referrals (R5 made before the period; R6's partner written in lower case).
    w = p.women
    for name, partner, status, province, made in (
        ("W1", "ANAPEC", Referral.ACCEPTED, "fes", at(18, 11)),
        ("W2", "RESOFEM", Referral.PROPOSED, "fes", at(21)),
        ("W3", "RESOFEM", Referral.CONTACTED, "rabat", at(26)),
        ("W5", "ANAPEC", Referral.CLOSED, "casablanca", at(29, 22, 40)),
        ("W4", "ANAPEC", Referral.PROPOSED, "rabat", at(10)),
        ("W9", "anapec", Referral.CONTACTED, "marrakech", at(23, 9)),
    ):
        session.add(Referral(beneficiary_id=w[name].id, partner=partner, status=status,
                             province=province, created_at=made))  # fmt: skip

    # Training sessions: two in the period (one online), one after it.
    def training(partner: str, starts: datetime, province: str | None) -> TrainingSession:
        item = TrainingSession(
            code=f"R-{next(_numbers)}", partner=partner, topic="cv", province=province,
            titles={"fr": "Atelier"}, starts_at=starts, ends_at=starts + timedelta(hours=2),
            capacity=10,
        )  # fmt: skip
        session.add(item)
        session.flush()
        return item

    s1 = training("ANAPEC", at(24, 9), "fes")
    s2 = training("resofem", at(25, 9), None)
    s3 = training("ANAPEC", at(10, 9, month=4), "fes")

    def enroll(
        name: str, where: TrainingSession, status: str, reminders: tuple[str, ...] = (),
        confirmed: bool = False, attendance: str | None = None,
    ) -> None:  # fmt: skip
        enrollment = Enrollment(
            session_id=where.id, beneficiary_id=w[name].id, status=status,
            confirmed_at=at(20) if confirmed else None, attendance=attendance,
        )  # fmt: skip
        session.add(enrollment)
        session.flush()
        for offset, reminder_status in zip((2880, 120), reminders, strict=False):
            session.add(Reminder(enrollment_id=enrollment.id, offset_minutes=offset,
                                 session_starts_at=where.starts_at,
                                 status=reminder_status))  # fmt: skip

    queued, skipped = Reminder.QUEUED, Reminder.SKIPPED
    enroll("W1", s1, Enrollment.ENROLLED, (queued, queued), True, Enrollment.ATTENDED)
    enroll("W5", s1, Enrollment.ENROLLED, (queued,), False, Enrollment.ABSENT)
    enroll("W9", s1, Enrollment.CANCELED)
    enroll("W2", s2, Enrollment.ENROLLED, (queued,), True, Enrollment.ATTENDED)
    enroll("W3", s2, Enrollment.WAITLISTED)
    # Confirmed in words before any reminder went: not "confirmed after a reminder".
    enroll("W4", s2, Enrollment.ENROLLED, (skipped,), True, Enrollment.ABSENT)
    enroll("W1", s3, Enrollment.ENROLLED)

    # Handoffs: minutes to the first answer, hours to resolution.
    for name, reason, partner, province, opened, answer, resolve, priority in (
        ("W1", Handoff.REQUESTED, "ANAPEC", "fes", at(24, 10), 10, 2, False),
        ("W2", Handoff.REQUESTED, "RESOFEM", "fes", at(24, 11), 30, None, False),
        ("W3", Handoff.DISTRESS, "RESOFEM", "rabat", at(25, 10), 5, 1, True),
        ("W4", Handoff.MEDIA, None, "rabat", at(25, 12), None, None, False),
        ("W5", Handoff.REQUESTED, "ANAPEC", "casablanca", at(26, 10), 60, 4, False),
        ("W1", Handoff.REQUESTED, "ANAPEC", "fes", at(12, 10), 1, 1, False),  # before
    ):
        status = Handoff.RESOLVED if resolve else Handoff.CLAIMED if answer else Handoff.OPEN
        session.add(Handoff(
            beneficiary_id=w[name].id, conversation_id=_conversation(session, p, name).id,
            reason=reason, priority=priority, partner=partner, province=province,
            status=status, created_at=opened,
            first_response_at=opened + timedelta(minutes=answer) if answer else None,
            resolved_at=opened + timedelta(hours=resolve) if resolve else None,
        ))  # fmt: skip

    # Messages of conversations (the cancelled one and the one before the period don't count).
    inbound, outbound = Message.INBOUND, Message.OUTBOUND
    for _ in range(3):
        _message(session, p, "W1", inbound, at(24, 9), language="ary_Latn")
    _message(session, p, "W1", outbound, at(24, 9, 1), language="ary_Latn")
    _message(session, p, "W1", outbound, at(24, 9, 2), language="ary_Latn",
             status=Message.DELIVERED)  # fmt: skip
    _message(session, p, "W1", outbound, at(24, 9, 3), language="ary_Latn", status="canceled")
    _message(session, p, "W1", inbound, at(10), language="ary_Latn")
    _message(session, p, "W3", inbound, at(25), channel=SMS)
    _message(session, p, "W3", outbound, at(25, 10, 1), channel=SMS, status=Message.DELIVERED)
    _message(session, p, "W8", inbound, at(24), language=None)

    # A broadcast in the period; one before it; a draft never sent.
    fair = Broadcast(name="Salon de l'emploi", status=Broadcast.DONE, started_at=at(24, 8))
    old = Broadcast(name="Ancienne annonce", status=Broadcast.DONE, started_at=at(1))
    draft = Broadcast(name="Brouillon", status=Broadcast.DRAFT)
    session.add_all([fair, old, draft])
    session.flush()
    kind = {"kind": Message.BROADCAST}
    for name, status in (("W1", Message.READ), ("W2", Message.DELIVERED),
                         ("W5", "canceled"), ("W9", Message.SENT)):  # fmt: skip
        _message(session, p, name, outbound, at(24, 8), status=status, broadcast_id=fair.id,
                 **kind)  # fmt: skip
    _message(session, p, "W3", outbound, at(24, 8), channel=SMS, status=Message.FAILED,
             broadcast_id=fair.id, **kind)  # fmt: skip
    # WhatsApp refused hers (63016, outside 24 hours): the SMS re-send was delivered.
    refused = _message(session, p, "W4", outbound, at(24, 8), status=Message.FAILED,
                       error_code=63016, broadcast_id=fair.id, **kind)  # fmt: skip
    _message(session, p, "W4", outbound, at(24, 8, 5), channel=SMS, status=Message.DELIVERED,
             fallback_of_id=refused.id, **kind)  # fmt: skip
    _message(session, p, "W1", outbound, at(1), status=Message.DELIVERED, broadcast_id=old.id,
             **kind)  # fmt: skip
    session.commit()
    return p
