"""Storing messages: inbound once per Twilio SID, replies, and delivery statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.beneficiaries.reachability import note_delivery
from bot.beneficiaries.services import create_by_phone
from bot.db import insert_unless_exists, utcnow
from bot.messaging.models import WHATSAPP, Conversation, Message
from bot.messaging.window import OUTSIDE_WINDOW_ERROR
from bot.phones import split_address

MAX_BODY = 4096  # Twilio caps bodies at 1,600 characters; anything longer is not Twilio's.


def clean_text(text: str, limit: int = MAX_BODY) -> str:
    """Drop NUL characters (PostgreSQL refuses them) and cap the length."""
    return text.replace("\x00", "")[:limit]


@dataclass(frozen=True)
class InboundMessage:
    """What the messaging webhook tells us, already parsed."""

    sid: str
    from_address: str
    to_address: str
    body: str = ""
    media: list[dict[str, Any]] = field(default_factory=list)
    profile_name: str | None = None
    latitude: float | None = None  # a shared WhatsApp location
    longitude: float | None = None


def find_sender(
    session: Session, phone: str, channel: str
) -> tuple[Beneficiary | None, Conversation | None]:
    """Her record and her conversation on `channel`, read together: one round trip."""
    row = session.execute(
        select(Beneficiary, Conversation)
        .outerjoin(
            Conversation,
            and_(Conversation.beneficiary_id == Beneficiary.id, Conversation.channel == channel),
        )
        .where(Beneficiary.phone == phone)
    ).one_or_none()
    return (None, None) if row is None else (row[0], row[1])


def create_conversation(session: Session, beneficiary: Beneficiary, channel: str) -> Conversation:
    """Open her conversation on `channel`, or take the one a concurrent webhook has just
    opened."""
    key = {"beneficiary_id": beneficiary.id, "channel": channel}
    created = insert_unless_exists(
        session, Conversation, key, [Conversation.beneficiary_id, Conversation.channel]
    )
    return created or session.scalars(select(Conversation).filter_by(**key)).one()


def store_inbound(session: Session, inbound: InboundMessage) -> tuple[Message, bool]:
    """Store an inbound message once; return (message, created). Commits when created.

    A known woman's message is three statements and one commit (round trips are what the
    webhook waits on under load): her record and conversation read together, the message
    inserted unless its SID is stored already, then her conversation's last_inbound_at.
    Her first message adds one INSERT for her record and one for her conversation.
    """
    channel, phone = split_address(inbound.from_address)
    beneficiary, conversation = find_sender(session, phone, channel)
    if conversation is None:  # her first message, or her first on this channel
        beneficiary = beneficiary or create_by_phone(session, phone)
        conversation = create_conversation(session, beneficiary, channel)
    message = insert_unless_stored(session, inbound, conversation)
    if message is None:  # Twilio retried, maybe while the first request was being stored
        # A retry changes nothing: undo what this call created (a SID seen before from
        # another number must not leave a record behind).
        session.rollback()
        stored = find_by_sid(session, inbound.sid)
        if stored is None:  # ON CONFLICT saw it: only a deletion since could hide it
            raise LookupError(f"message {inbound.sid} clashed with one no longer stored")
        return stored, False
    # Only once the message is known to be new: a retry changes neither.
    conversation.last_inbound_at = utcnow()
    her = conversation.beneficiary  # in the session already: no query
    if inbound.profile_name and her.consent != Beneficiary.CONSENT_REFUSED:
        her.profile_name = clean_text(inbound.profile_name, 120)
    session.commit()
    return message, True


def find_by_sid(session: Session, sid: str) -> Message | None:
    return session.scalar(select(Message).where(Message.twilio_sid == sid))


def insert_unless_stored(
    session: Session, inbound: InboundMessage, conversation: Conversation
) -> Message | None:
    """Insert her message and return it, or None when its SID is stored already (a
    retry, or a retry racing the first request)."""
    values = {
        "conversation_id": conversation.id,
        "beneficiary_id": conversation.beneficiary_id,
        "direction": Message.INBOUND,
        "channel": conversation.channel,
        "body": clean_text(inbound.body),
        "media": inbound.media,
        "latitude": inbound.latitude,
        "longitude": inbound.longitude,
        "twilio_sid": inbound.sid,
        "status": Message.RECEIVED,
    }
    return insert_unless_exists(session, Message, values, [Message.twilio_sid])


@dataclass
class StatusResult:
    known: bool
    resend_for: int | None = None  # a beneficiary whose message must go another way


def record_status(
    session: Session, sid: str, status: str, error_code: int | None, error_message: str | None
) -> StatusResult:
    """Apply a status callback. Commits.

    A WhatsApp message refused for being outside the 24-hour window (63016) is queued
    again once, to go as the approved template or by SMS: nothing is silently lost.
    """
    message = session.scalar(
        select(Message).where(Message.twilio_sid == sid).with_for_update()
    )  # locked: Twilio may send two callbacks for one message at once
    if message is None or message.direction != Message.OUTBOUND:
        return StatusResult(known=False)
    result = StatusResult(known=True)
    rank = Message.STATUS_RANK
    if rank.get(status, -1) >= rank.get(message.status, -1):
        if rank.get(status, -1) > rank.get(message.status, -1):
            # Counted once per message, however often Twilio repeats a status
            # ("undelivered" then "failed" rank the same: one failure).
            note_delivery(message.beneficiary, status, error_code)
        message.status = status
    if error_code == OUTSIDE_WINDOW_ERROR and resend_outside_window(session, message):
        result.resend_for = message.beneficiary_id
    if error_code is not None:
        message.error_code = error_code
        message.error_message = clean_text(error_message or "", 255) or None
    session.commit()
    return result


def resend_outside_window(session: Session, message: Message) -> bool:
    """Queue her refused WhatsApp message again, to go as a template or SMS (once)."""
    if message.channel != WHATSAPP or message.fallback_of_id is not None:
        return False
    already = session.scalar(select(Message.id).where(Message.fallback_of_id == message.id))
    if already is not None:
        return False
    session.add(
        Message(
            conversation_id=message.conversation_id,
            beneficiary_id=message.beneficiary_id,
            direction=Message.OUTBOUND,
            channel=message.channel,
            body=message.body,
            media=[],
            status=Message.PENDING,
            language=message.language,
            reply_to_id=message.reply_to_id,
            kind=message.kind,
            expires_at=message.expires_at,
            screen=message.screen,
            fallback_of_id=message.id,
        )
    )
    return True


def add_reply(session: Session, inbound: Message, body: str, media_url: str | None) -> Message:
    """Store one bot reply to `inbound`, waiting to be sent (caller commits)."""
    reply = Message(
        conversation_id=inbound.conversation_id,
        beneficiary_id=inbound.beneficiary_id,
        direction=Message.OUTBOUND,
        channel=inbound.channel,
        body=clean_text(body),
        media=[{"url": media_url}] if media_url else [],
        status=Message.PENDING,
        language=inbound.language,
        reply_to_id=inbound.id,
    )
    session.add(reply)
    return reply


def next_pending_inbound(session: Session, beneficiary_id: int) -> Message | None:
    return session.scalars(
        select(Message)
        .where(
            Message.beneficiary_id == beneficiary_id,
            Message.direction == Message.INBOUND,
            Message.status == Message.RECEIVED,
        )
        .order_by(Message.id)
        .limit(1)
    ).first()


@dataclass
class OpenMessages:
    """Her messages the worker still has to deal with, each list oldest first."""

    inbound: list[Message]  # received, waiting for the bot
    pending: list[Message]  # replies and the like waiting to be sent
    submitting: list[Message]  # a worker was calling Twilio with them (see recovery)


def open_messages(session: Session, beneficiary_id: int) -> OpenMessages:
    """What `next_pending_inbound`, `pending_outbound` and the recovery's look-up would
    find, in one query (the index on beneficiary, direction, status, id serves it)."""
    found = OpenMessages([], [], [])
    rows = session.scalars(
        select(Message)
        .where(
            Message.beneficiary_id == beneficiary_id,
            or_(
                and_(Message.direction == Message.INBOUND, Message.status == Message.RECEIVED),
                and_(
                    Message.direction == Message.OUTBOUND,
                    Message.status.in_((Message.PENDING, Message.SUBMITTING)),
                ),
            ),
        )
        .order_by(Message.id)
        # Sorted by the statuses read now, not by what an older copy in the session says.
        .execution_options(populate_existing=True)
    )
    for message in rows:
        if message.direction == Message.INBOUND:
            found.inbound.append(message)
        elif message.status == Message.PENDING:
            found.pending.append(message)
        else:
            found.submitting.append(message)
    return found


def pending_outbound(session: Session, beneficiary_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(
                Message.beneficiary_id == beneficiary_id,
                Message.direction == Message.OUTBOUND,
                Message.status == Message.PENDING,
            )
            .order_by(Message.id)
        )
    )


def recent_messages(
    session: Session, phone: str, after_id: int = 0, limit: int = 100
) -> list[Message]:
    """Both directions for one number, oldest first (the simulator's view)."""
    return list(
        session.scalars(
            select(Message)
            .join(Beneficiary, Message.beneficiary_id == Beneficiary.id)
            .where(Beneficiary.phone == phone, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit)
        )
    )


def latest_conversation(session: Session, beneficiary_id: int) -> Conversation | None:
    """The channel she last wrote on."""
    return session.scalar(
        select(Conversation)
        .where(Conversation.beneficiary_id == beneficiary_id)
        .order_by(Conversation.last_inbound_at.desc().nulls_last(), Conversation.id.desc())
        .limit(1)
    )


def screen_before(session: Session, inbound: Message) -> dict[str, Any] | None:
    """What a digit answers when the worker's own message (a reminder, a notice) is the
    last one she received before `inbound`; None when the bot's last reply is."""
    # Only its screen is needed, not the whole message.
    screen = session.scalar(
        select(Message.screen)
        .where(
            Message.beneficiary_id == inbound.beneficiary_id,
            Message.direction == Message.OUTBOUND,
            Message.id < inbound.id,
            Message.status != "canceled",
            Message.status != Message.PENDING,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return screen if isinstance(screen, dict) else None
