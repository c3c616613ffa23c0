"""The impact study's dataset: one row per woman registered in the period, under a
pseudonym, with no name, no phone number, no exact age and no message text.

The pseudonym is a keyed hash (HMAC-SHA256) of her database id: stable from one export
to the next for one key (so the study can follow her), meaningless without the key, and
never her database id or the public id Rasa knows her by. The key is
`MINAJLIKI_PSEUDONYM_KEY`, by default derived from SECRET_KEY: set it explicitly so the
pseudonyms survive a change of SECRET_KEY.

Every count is computed by the database, per woman, in one query; rows are streamed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from bot import gazetteer
from bot.beneficiaries.models import Beneficiary
from bot.directory.models import ANAPEC, RESOFEM
from bot.handoffs.models import Handoff
from bot.messaging.models import SMS, WHATSAPP, Conversation, Message
from bot.orientation.models import Referral
from bot.reports.dimensions import age_band_of, track_of, women_in
from bot.reports.filters import Scope
from bot.reports.periods import local_date
from bot.reports.sql import without_jit
from bot.settings import Settings
from bot.trainings.models import Enrollment

PSEUDONYM_LENGTH = 24  # hex characters: 96 bits, no collision among millions of women
BATCH = 2000

COLUMNS = (
    "pseudonym", "registered_on", "province", "region", "age_band", "education_level",
    "situation", "goal", "track", "language", "channel", "opted_out", "erased",
    "referral_anapec", "referral_resofem", "enrollments", "confirmed", "attended", "absent",
    "handoffs", "messages_in", "messages_out",
)  # fmt: skip

# A referral's furthest step, as a number the database can take the largest of.
_STEPS = {status: n for n, status in enumerate(Referral.STATUSES, start=1)}


def pseudonym_key(settings: Settings) -> bytes:
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode()
    secret = settings.secret_key.encode()
    return hmac.new(secret, b"impact-study-pseudonyms", hashlib.sha256).digest()


def pseudonym(key: bytes, beneficiary_id: int) -> str:
    digest = hmac.new(key, f"beneficiary:{beneficiary_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_LENGTH]


def _step(partner: str) -> ColumnElement[int]:
    step = case(*((Referral.status == s, n) for s, n in _STEPS.items()), else_=0)
    return func.max(case((func.upper(Referral.partner) == partner, step), else_=0))


def _per_woman(scope: Scope) -> Any:
    registered = select(Beneficiary.id).where(
        Beneficiary.registered_at >= scope.period.start,
        Beneficiary.registered_at < scope.period.end,
        *women_in(scope),
    )
    yes = 1
    referrals = (
        select(Referral.beneficiary_id.label("id"), _step(ANAPEC).label("anapec"),
               _step(RESOFEM).label("resofem"))
        .where(Referral.beneficiary_id.in_(registered)).group_by(Referral.beneficiary_id)
    ).subquery()  # fmt: skip
    enrollments = (
        select(
            Enrollment.beneficiary_id.label("id"),
            func.count().label("enrollments"),
            func.sum(case((Enrollment.confirmed_at.is_not(None), yes), else_=0)).label("confirmed"),
            func.sum(case((Enrollment.attendance == Enrollment.ATTENDED, yes), else_=0)).label(
                "attended"
            ),
            func.sum(case((Enrollment.attendance == Enrollment.ABSENT, yes), else_=0)).label(
                "absent"
            ),
        )
        .where(Enrollment.beneficiary_id.in_(registered))
        .group_by(Enrollment.beneficiary_id)
    ).subquery()
    handoffs = (
        select(Handoff.beneficiary_id.label("id"), func.count().label("handoffs"))
        .where(Handoff.beneficiary_id.in_(registered))
        .group_by(Handoff.beneficiary_id)
    ).subquery()
    messages = (
        select(
            Message.beneficiary_id.label("id"),
            func.sum(case((Message.direction == Message.INBOUND, yes), else_=0)).label("inbound"),
            func.sum(case((Message.direction == Message.OUTBOUND, yes), else_=0)).label("outbound"),
        )
        .where(Message.beneficiary_id.in_(registered), Message.status != "canceled")
        .group_by(Message.beneficiary_id)
    ).subquery()
    channels = (
        select(
            Conversation.beneficiary_id.label("id"),
            func.max(case((Conversation.channel == WHATSAPP, yes), else_=0)).label("whatsapp"),
            func.max(case((Conversation.channel == SMS, yes), else_=0)).label("sms"),
        )
        .where(Conversation.beneficiary_id.in_(registered))
        .group_by(Conversation.beneficiary_id)
    ).subquery()
    return (
        select(
            Beneficiary.id, Beneficiary.registered_at, Beneficiary.province, age_band_of(),
            Beneficiary.education_level, Beneficiary.situation, Beneficiary.goal, track_of(),
            Beneficiary.language, channels.c.whatsapp, channels.c.sms, Beneficiary.opted_out_at,
            Beneficiary.erased_at, referrals.c.anapec, referrals.c.resofem,
            enrollments.c.enrollments, enrollments.c.confirmed, enrollments.c.attended,
            enrollments.c.absent, handoffs.c.handoffs, messages.c.inbound, messages.c.outbound,
        )
        .outerjoin(referrals, referrals.c.id == Beneficiary.id)
        .outerjoin(enrollments, enrollments.c.id == Beneficiary.id)
        .outerjoin(handoffs, handoffs.c.id == Beneficiary.id)
        .outerjoin(messages, messages.c.id == Beneficiary.id)
        .outerjoin(channels, channels.c.id == Beneficiary.id)
        .where(Beneficiary.id.in_(registered))
        .order_by(Beneficiary.registered_at, Beneficiary.id)
    )  # fmt: skip


def _channel(whatsapp: int | None, sms: int | None) -> str:
    if whatsapp and sms:
        return "both"
    return WHATSAPP if whatsapp else SMS if sms else ""


def _region(province: str | None) -> str:
    found = gazetteer.get(province) if province else None
    return found.region if found is not None else ""


def dataset(session: Session, scope: Scope, key: bytes) -> Iterator[tuple[object, ...]]:
    """The rows, in COLUMNS' order, registration order first; codes, not French words."""
    without_jit(session)
    steps = {n: status for status, n in _STEPS.items()}
    query = _per_woman(scope).execution_options(yield_per=BATCH)
    for row in session.execute(query):
        (id_, registered_at, province, band, education, situation, goal, track, language,
         whatsapp, sms, opted_out_at, erased_at, anapec, resofem, enrollments, confirmed,
         attended, absent, handoffs, inbound, outbound) = row  # fmt: skip
        yield (
            pseudonym(key, id_), local_date(registered_at).isoformat(), province or "",
            _region(province), band, education or "", situation or "", goal or "", track,
            language or "", _channel(whatsapp, sms), opted_out_at is not None,
            erased_at is not None, steps.get(anapec or 0, ""), steps.get(resofem or 0, ""),
            int(enrollments or 0), int(confirmed or 0), int(attended or 0), int(absent or 0),
            int(handoffs or 0), int(inbound or 0), int(outbound or 0),
        )  # fmt: skip
