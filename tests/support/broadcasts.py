"""Broadcasts for tests: a staff author, a draft, and ticks run until it is all out."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlalchemy.orm import Session

from bot.broadcasts import audience, services
from bot.broadcasts.dispatch import tick
from bot.broadcasts.models import Broadcast
from bot.messaging.quiet_hours import QuietHours
from bot.staff.models import STAFF, StaffUser

_numbers = count(1)
NEVER_QUIET = QuietHours.parse("off")
TEXTS = {
    "fr": "Nouvelle formation à Fès samedi. Écrivez « formations » pour vous inscrire.",
    "ar": "تكوين جديد في فاس يوم السبت. اكتبي «تكوينات» للتسجيل.",
    "ary": "كاين تكوين جديد ف فاس نهار السبت. كتبي «تكوينات» باش تسجلي.",
    "ary_Latn": "Kayn takwin jdid f Fes nhar sebt. Ktbi « formations » bach tsajli.",
}


def staff_member(session: Session, name: str = "Salma") -> StaffUser:
    number = next(_numbers)
    user = StaffUser(
        email=f"staff{number}@minajliki.ma",
        name=f"{name} {number}",
        password_hash="x",
        role=STAFF,
        phone="+212600000099",
    )
    session.add(user)
    session.commit()
    return user


def broadcast(
    session: Session,
    author: StaffUser,
    now: datetime,
    segment: audience.Segment | None = None,
    texts: dict[str, str] | None = None,
    **draft: object,
) -> Broadcast:
    """A broadcast approved and sending (no approval required)."""
    made = services.save(
        session,
        services.Draft(
            name="Formation Fès",
            texts=TEXTS if texts is None else texts,
            segment=segment or audience.Segment(),
            **draft,  # type: ignore[arg-type]
        ),
        author,
    )
    session.flush()
    services.submit(session, made, author, now, approval=False)
    session.commit()
    return made


def tick_until_quiet(
    session: Session, now: datetime, rate: float = 1000, quiet: QuietHours = NEVER_QUIET
) -> list[int]:
    """Ticks until nothing more is written or released; every woman handed to workers."""
    handed: list[int] = []
    for _ in range(100):
        result = tick(session, now, quiet, rate)
        handed += result.to_send
        if not result.to_send and not result.written:
            break
    return handed
