"""Women and training sessions for tests, written straight to the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import WHATSAPP, Conversation
from bot.trainings.models import ALL, TrainingSession

_numbers = count(1)


def registered_woman(
    session: Session,
    now: datetime,
    *,
    province: str = "fes",
    goal: str = "start_business",
    language: str = "fr",
    channel: str = WHATSAPP,
) -> Beneficiary:
    """A registered woman who wrote on `channel` an hour before `now`."""
    number = next(_numbers)
    woman = Beneficiary(
        phone=f"+2126{number:08d}",
        language=language,
        first_name=f"Amina{number}",
        age=30,
        province=province,
        education_level="secondary",
        situation="job_seeker",
        goal=goal,
        consent=Beneficiary.CONSENT_GIVEN,
        consent_at=now - timedelta(days=10),
        registered_at=now - timedelta(days=10),
        welcomed_at=now - timedelta(days=10),
    )
    session.add(woman)
    session.flush()
    session.add(
        Conversation(
            beneficiary_id=woman.id, channel=channel, last_inbound_at=now - timedelta(hours=1)
        )
    )
    session.commit()
    return woman


def training(
    session: Session,
    starts_at: datetime,
    *,
    capacity: int = 10,
    province: str | None = "fes",
    track: str = ALL,
    code: str | None = None,
) -> TrainingSession:
    number = next(_numbers)
    session_ = TrainingSession(
        code=code or f"T-{number}",
        partner="resofem",
        topic="business plan",
        track=track,
        province=province,
        titles={
            "fr": f"Monter son projet {number}",
            "ar": f"إنشاء مشروعك {number}",
            "ary": f"دير المشروع ديالك {number}",
            "ary_Latn": f"Dir lprojet dyalk {number}",
        },
        descriptions={"fr": "Deux heures pour construire votre plan."},
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Maison des jeunes, Fès",
        capacity=capacity,
    )
    session.add(session_)
    session.commit()
    return session_
