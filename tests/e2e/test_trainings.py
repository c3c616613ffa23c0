"""Trainings end to end, in the four varieties: she asks which trainings, enrolls with one
digit, sees her trainings, receives her reminders at the right times (time-travelled:
the reminders are written as of 48 h and 2 h before the session) and answers them.

Everything goes through the signed webhook, the worker, the trained Rasa model, the actions
server and the NLG endpoint; every message is checked word for word at Twilio's door
(Prism on Twilio's spec). Runs on PostgreSQL with Redis.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries.models import Beneficiary
from bot.celery_app import create_celery
from bot.db import utcnow
from bot.messaging.quiet_hours import QuietHours
from bot.settings import Settings
from bot.trainings import reminders
from bot.trainings.models import Enrollment
from bot.trainings.offsets import parse_offsets
from bot.trainings.services import session_values, upcoming_for
from bot.trainings.texts import enrollment_lines, training_lines
from tests.e2e.women import VARIETIES, Woman, texts
from tests.support.trainings import training

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]

# What she writes, in her words (not sentences of the training data).
ASK = {
    "fr": "quelles formations vous proposez en ce moment ?",
    "ar": "ما هي التكوينات المتوفرة حاليا؟",
    "ary": "شنو هوما التكوينات لي كاينين دابا؟",
    "ary_Latn": "chno homa les formations li kaynin daba?",
}
MINE = {
    "fr": "rappelez moi les formations où je suis inscrite svp",
    "ar": "ما هي الدورات التي أنا مسجلة فيها حاليا؟",
    "ary": "واش انا مسجلة ف شي تكوين دابا؟",
    "ary_Latn": "chno homa les formations li tsjlt fihom",
}
CANNOT_COME = {
    "fr": "désolée je pourrai pas venir à la formation",
    "ar": "آسفة لن أتمكن من الحضور",
    "ary": "سمحي ليا ما غانقدرش نجي",
    "ary_Latn": "sm7i liya ma n9derch nji l formation",
}


def registered(her: Woman, factory: sessionmaker[Session]) -> None:
    """She registered earlier (the registration itself has its own tests)."""
    v = her.variety
    now = utcnow()
    with factory() as session:
        session.add(
            Beneficiary(
                phone=her.phone,
                language=v.code,
                welcomed_at=now - timedelta(days=3),
                consent=Beneficiary.CONSENT_GIVEN,
                consent_at=now - timedelta(days=3),
                first_name=v.name,
                age=v.age_value,
                province=v.city_code,
                education_level="secondary",
                situation="business_idea",
                goal="start_business",
                registered_at=now - timedelta(days=3),
            )
        )
        session.commit()


def time_travel_reminders(
    her: Woman, factory: sessionmaker[Session], starts_at: datetime, before: timedelta
) -> None:
    """The beat's reminder run as of `before` the session, then the worker sends them."""
    with factory() as session:
        queued = reminders.queue_due(
            session, starts_at - before, parse_offsets("48h, 2h"), QuietHours.parse("off")
        )
    assert queued, "no reminder was due"
    celery = create_celery(Settings.from_env(her.stack.env))
    for beneficiary_id in queued:
        celery.send_task("messaging.process_beneficiary", args=[beneficiary_id])


@pytest.mark.parametrize("variety", list(VARIETIES))
def test_enroll_be_reminded_and_answer(
    woman: Woman,
    sessions: sessionmaker[Session],
    variety: str,
) -> None:
    v = woman.variety
    registered(woman, sessions)
    now = utcnow()
    with sessions() as session:
        near = training(session, now + timedelta(days=4), province=v.city_code, capacity=3)
        training(session, now + timedelta(days=6), province=None, capacity=3)  # online
        training(session, now + timedelta(days=2), province="oujda", capacity=3)  # elsewhere
        her = session.scalar(select(Beneficiary).where(Beneficiary.phone == woman.phone))
        assert her is not None
        # Her province's sessions and the online ones (other tests' too), soonest first;
        # never another province's.
        listed = upcoming_for(session, her, now)
        assert near in listed and all(t.province in (None, v.city_code) for t in listed)
        digit = str(listed.index(near) + 1)
        offered = training_lines(listed, v.code)
        near_values = session_values(near, v.code)
        starts_at = near.starts_at

    # Which trainings? A numbered list; one digit enrolls her.
    assert woman.say(ASK[v.code]) == texts(v.code, "utter_trainings_list", trainings=offered)
    assert woman.say(digit) == texts(v.code, "utter_training_enrolled", **near_values)
    with sessions() as session:
        enrollment = session.scalar(select(Enrollment).where(Enrollment.session_id == near.id))
        assert enrollment is not None and enrollment.status == Enrollment.ENROLLED
        mine = enrollment_lines(session, [enrollment], v.code)
    assert woman.say(MINE[v.code]) == texts(v.code, "utter_my_trainings", trainings=mine)

    # Two days before: the reminder, in her language; her "1" confirms.
    time_travel_reminders(woman, sessions, starts_at, timedelta(hours=48))
    assert woman.wait_for_unsolicited() == texts(v.code, "utter_training_reminder", **near_values)
    assert woman.say("1") == texts(v.code, "utter_attendance_confirmed")
    with sessions() as session:
        confirmed = session.get(Enrollment, enrollment.id)
        assert confirmed is not None and confirmed.confirmed_at is not None

    # Two hours before: the second reminder; she cannot come after all, in words.
    time_travel_reminders(woman, sessions, starts_at, timedelta(hours=2))
    assert woman.wait_for_unsolicited() == texts(v.code, "utter_training_reminder", **near_values)
    assert woman.say(CANNOT_COME[v.code]) == texts(v.code, "utter_training_canceled")
    with sessions() as session:
        cancelled = session.get(Enrollment, enrollment.id)
        assert cancelled is not None and cancelled.status == Enrollment.CANCELED
