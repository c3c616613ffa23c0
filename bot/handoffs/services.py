"""Opening, claiming, answering and resolving handoffs. Callers commit unless told."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.handoffs.models import Handoff, HandoffNote
from bot.messaging.models import Conversation, Message
from bot.messaging.services import clean_text

ANAPEC = "ANAPEC"
RESOFEM = "RESOFEM"
# Her answers that point to one partner's counsellors (None: any partner's).
_PARTNER_BY_SITUATION = {"job_seeker": ANAPEC, "business_idea": RESOFEM, "runs_business": RESOFEM}
_PARTNER_BY_GOAL = {"find_job": ANAPEC, "start_business": RESOFEM, "grow_business": RESOFEM}


def partner_for(beneficiary: Beneficiary) -> str | None:
    return _PARTNER_BY_SITUATION.get(beneficiary.situation or "") or _PARTNER_BY_GOAL.get(
        beneficiary.goal or ""
    )


def active_handoff(session: Session, conversation_id: int) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(Handoff.ACTIVE))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def open_handoff(
    session: Session, conversation: Conversation, reason: str, priority: bool = False
) -> tuple[Handoff, bool]:
    """Hold her conversation for a person; return (handoff, opened now). Idempotent."""
    existing = active_handoff(session, conversation.id)
    conversation.status = Conversation.STATUS_HELD
    if existing is not None:
        existing.priority = existing.priority or priority
        existing.last_activity_at = utcnow()
        return existing, False
    beneficiary = conversation.beneficiary
    handoff = Handoff(
        beneficiary_id=beneficiary.id,
        conversation_id=conversation.id,
        reason=reason,
        priority=priority,
        partner=partner_for(beneficiary),
        province=beneficiary.province,
    )
    session.add(handoff)
    session.flush()
    return handoff, True


def note_her_message(session: Session, conversation_id: int) -> Handoff | None:
    """She wrote while a person holds the conversation: it waits in the inbox."""
    handoff = active_handoff(session, conversation_id)
    if handoff is not None:
        handoff.last_activity_at = utcnow()
    return handoff


def claim(session: Session, handoff: Handoff, staff_id: int) -> None:
    """A counsellor takes it (or it is assigned or reassigned to her)."""
    handoff.assigned_to_id = staff_id
    handoff.status = Handoff.CLAIMED
    handoff.claimed_at = handoff.claimed_at or utcnow()


def take_over(session: Session, conversation: Conversation, staff_id: int) -> Handoff:
    """A counsellor takes a conversation the bot was having."""
    handoff, _ = open_handoff(session, conversation, Handoff.TAKEN_OVER)
    claim(session, handoff, staff_id)
    return handoff


def reply(session: Session, handoff: Handoff, staff_id: int, body: str) -> Message:
    """Queue a counsellor's message to her (sent by the worker, in order with the rest)."""
    text = clean_text(body)
    if not text.strip():
        raise ValueError("empty reply")
    if handoff.assigned_to_id is None:
        claim(session, handoff, staff_id)
    conversation = handoff.conversation
    message = Message(
        conversation_id=conversation.id,
        beneficiary_id=handoff.beneficiary_id,
        direction=Message.OUTBOUND,
        channel=conversation.channel,
        body=text,
        status=Message.PENDING,
        language=handoff.beneficiary.reply_language,
        kind=Message.AGENT,
    )
    session.add(message)
    now = utcnow()
    handoff.first_response_at = handoff.first_response_at or now
    handoff.last_activity_at = now
    return message


def add_note(session: Session, handoff: Handoff, staff_id: int | None, body: str) -> HandoffNote:
    text = clean_text(body, 4000)
    if not text.strip():
        raise ValueError("empty note")
    note = HandoffNote(handoff_id=handoff.id, author_id=staff_id, body=text)
    session.add(note)
    return note


def resolve(session: Session, handoff: Handoff, by: str, notice: str | None) -> Message | None:
    """Give her back to the bot, with a message saying so (`notice`, in her language)."""
    handoff.status = Handoff.RESOLVED
    handoff.resolved_at = utcnow()
    handoff.resolved_by = by
    handoff.conversation.status = Conversation.STATUS_BOT
    if not notice:
        return None
    message = Message(
        conversation_id=handoff.conversation_id,
        beneficiary_id=handoff.beneficiary_id,
        direction=Message.OUTBOUND,
        channel=handoff.conversation.channel,
        body=clean_text(notice),
        status=Message.PENDING,
        language=handoff.beneficiary.reply_language,
        kind=Message.NOTICE,
    )
    session.add(message)
    return message


def idle_handoffs(
    session: Session, idle_for: timedelta, now: datetime | None = None
) -> list[Handoff]:
    cutoff = (now or utcnow()) - idle_for
    return list(
        session.scalars(
            select(Handoff).where(
                Handoff.status.in_(Handoff.ACTIVE), Handoff.last_activity_at < cutoff
            )
        )
    )
