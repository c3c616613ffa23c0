"""What a staff member sees in the inbox: her partner's and provinces' handoffs."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from bot.handoffs.models import Handoff
from bot.messaging.models import Message
from bot.staff.models import StaffUser


def _scope(user: StaffUser) -> ColumnElement[bool]:
    """Admins and staff see every handoff; a counsellor her partner's, in her provinces."""
    if user.sees_every_province:
        return true()
    partner = or_(Handoff.partner.is_(None), Handoff.partner == user.partner)
    return partner & Handoff.province.in_(user.provinces or [])


def can_see(user: StaffUser, handoff: Handoff) -> bool:
    if user.sees_every_province:
        return True
    return handoff.partner in (None, user.partner) and user.sees_province(handoff.province)


def visible_handoffs(session: Session, user: StaffUser, limit: int = 200) -> list[Handoff]:
    """Open and claimed handoffs: priority first, then the longest waiting."""
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.status.in_(Handoff.ACTIVE), _scope(user))
            .order_by(Handoff.priority.desc(), Handoff.created_at.asc())
            .limit(limit)
        )
    )


def conversation_messages(
    session: Session, conversation_id: int, after_id: int = 0, limit: int = 500
) -> list[Message]:
    """Both directions, oldest first (the latest `limit`)."""
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.id > after_id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def active_handoff_for_view(session: Session, conversation_id: int) -> Handoff | None:
    """The latest handoff of a conversation (any status): whose media a counsellor may see."""
    return session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
