"""Orienting her: the referrals an orientation makes, her answer, their status.

Functions take `now` and leave the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.directory.models import ServicePoint
from bot.directory.services import nearest_for_province
from bot.orientation.advice import Advice
from bot.orientation.models import Referral


class StatusError(ValueError):
    """A referral cannot move to that status from where it is."""


def propose(
    session: Session,
    beneficiary: Beneficiary,
    answers: Mapping[str, str],
    advice: Advice,
    now: datetime,
) -> list[Referral]:
    """One referral per partner advised, with her nearest service point. An open referral
    to the same partner is brought up to date rather than repeated."""
    referrals = []
    for partner in advice.partners:
        points = nearest_for_province(session, partner, beneficiary.province, limit=1)
        referral = open_referral(session, beneficiary.id, partner)
        if referral is None:
            referral = Referral(beneficiary_id=beneficiary.id, partner=partner, status="proposed")
            session.add(referral)
        referral.reason = dict(answers)
        referral.province = beneficiary.province
        referral.service_point_id = points[0].id if points else None
        referral.updated_at = now
        referrals.append(referral)
    session.flush()
    return referrals


def open_referral(session: Session, beneficiary_id: int, partner: str) -> Referral | None:
    return session.scalar(
        select(Referral)
        .where(
            Referral.beneficiary_id == beneficiary_id,
            Referral.partner == partner,
            Referral.status != Referral.CLOSED,
        )
        .order_by(Referral.id.desc())
        .limit(1)
    )


def her_referrals(session: Session, beneficiary_id: int) -> list[Referral]:
    """Her latest referral to each partner, ANAPEC first."""
    latest: dict[str, Referral] = {}
    for referral in session.scalars(
        select(Referral)
        .where(Referral.beneficiary_id == beneficiary_id)
        .order_by(Referral.id.desc())
    ):
        latest.setdefault(referral.partner, referral)
    return [latest[partner] for partner in sorted(latest)]


def set_status(
    referral: Referral,
    status: str,
    now: datetime,
    staff_id: int | None = None,
    reason: str | None = None,
) -> None:
    """Move a referral on: proposed → accepted → contacted → closed (closed from any)."""
    if status not in Referral.NEXT.get(referral.status, ()):
        raise StatusError(f"a {referral.status} referral cannot become {status}")
    referral.status = status
    referral.updated_by_id = staff_id
    if status == Referral.ACCEPTED:
        referral.accepted_at = now
    elif status == Referral.CONTACTED:
        referral.contacted_at = now
    elif status == Referral.CLOSED:
        referral.closed_at = now
        referral.closed_reason = reason


def accept(referrals: list[Referral], now: datetime) -> None:
    """She asked to be contacted."""
    for referral in referrals:
        if referral.status == Referral.PROPOSED:
            set_status(referral, Referral.ACCEPTED, now)


def point_of(session: Session, referral: Referral) -> ServicePoint | None:
    if referral.service_point_id is None:
        return None
    return session.get(ServicePoint, referral.service_point_id)


def close_referrals(session: Session, beneficiary_id: int, now: datetime) -> None:
    """She had her data erased: partners no longer have anyone to call."""
    for referral in session.scalars(
        select(Referral).where(
            Referral.beneficiary_id == beneficiary_id, Referral.status != Referral.CLOSED
        )
    ):
        set_status(referral, Referral.CLOSED, now, reason="erasure")
