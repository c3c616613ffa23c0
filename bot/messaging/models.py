"""Conversations and the messages in them, both directions, SMS and WhatsApp."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import models as _broadcasts  # noqa: F401 (the table broadcast_id names)
from bot.db import Base, utcnow

SMS = "sms"
WHATSAPP = "whatsapp"
CHANNELS = (SMS, WHATSAPP)
STATUS_LENGTH = 32


class Conversation(Base):
    """Her thread with the programme on one channel."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("beneficiary_id", "channel"),)

    STATUS_BOT = "bot"  # the bot answers
    STATUS_HELD = "held"  # a counsellor holds it; the bot stays silent

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=STATUS_BOT)
    # Opens WhatsApp's 24-hour free-text window.
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    beneficiary: Mapped[Beneficiary] = relationship()


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_pending_inbound", "beneficiary_id", "direction", "status", "id"),
        # One message per woman per broadcast: her place in it, whatever crashes.
        UniqueConstraint("broadcast_id", "beneficiary_id", name="uq_messages_broadcast_recipient"),
        Index("ix_messages_broadcast_status", "broadcast_id", "status", "id"),
    )

    INBOUND = "in"
    OUTBOUND = "out"

    # Kinds of outbound message
    REPLY = "reply"  # the bot answering her
    AGENT = "agent"  # a counsellor writing to her
    NOTICE = "notice"  # the bot telling her where her conversation stands (handoff)
    HOLDING = "holding"  # "we will answer soon": the bot is down and she has waited
    ANNOUNCEMENT = "announcement"  # programme news she did not ask for
    REMINDER = "reminder"  # a training is coming
    TRAINING_NOTICE = "training_notice"  # a seat freed for her, a session she missed
    BROADCAST = "broadcast"  # staff's announcement to a segment (bot.broadcasts)
    UNSOLICITED_KINDS = frozenset({ANNOUNCEMENT, REMINDER, TRAINING_NOTICE, BROADCAST})

    # Inbound statuses
    RECEIVED = "received"  # stored by the webhook, waiting for the worker
    HANDLED = "handled"  # the worker gave it to the bot and stored the replies
    # Outbound statuses (the last ones are Twilio's own words)
    WAITING = "waiting"  # a broadcast's message waiting for its turn (the sending rate)
    PENDING = "pending"  # stored, waiting to be sent
    SUBMITTING = "submitting"  # a worker is calling Twilio right now
    OUTBOX = "outbox"  # no Twilio account: kept for the simulator, never sent
    QUEUED = "queued"
    ACCEPTED = "accepted"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    TWILIO_STATUSES = (
        "accepted", "scheduled", "queued", "sending", "sent", "delivered", "read",
        "receiving", "received", "undelivered", "failed", "canceled", "partially_delivered",
    )  # fmt: skip
    # Status callbacks may arrive out of order: a status never moves back down this list.
    STATUS_RANK: dict[str, int] = {  # noqa: RUF012 (read-only table)
        WAITING: 0, PENDING: 0, SUBMITTING: 1, ACCEPTED: 2, "scheduled": 2, QUEUED: 3, "sending": 4,
        SENT: 5, FAILED: 6, UNDELIVERED: 6, "canceled": 6, "partially_delivered": 6,
        DELIVERED: 7, READ: 8,
    }  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    # [{"url": ..., "content_type": ...}] as Twilio gives them (MediaUrlN, MediaContentTypeN).
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Inbound only: a location she shared on WhatsApp (Twilio's Latitude and Longitude).
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Twilio's statuses go up to "partially_delivered"; leave room for new ones.
    status: Mapped[str] = mapped_column(String(STATUS_LENGTH))
    error_code: Mapped[int | None]
    error_message: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(16))
    # Outbound only: the inbound message it answers and the Rasa response it renders.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    # Outbound only: why it was sent. Unsolicited kinds stop when she opts out.
    kind: Mapped[str] = mapped_column(String(16), default="reply", server_default="reply")
    attempts: Mapped[int] = mapped_column(default=0)
    # Outbound only: not sent before (quiet hours), nor after (a reminder once it is late).
    not_before: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # Outbound only: what a digit answers while this message is the last on her screen,
    # e.g. {"menu": "attendance", "enrollment_id": 7} (sent by the worker, not by Rasa).
    screen: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Outbound only: the WhatsApp message this one re-sends as a template or SMS, after
    # WhatsApp refused it (63016, outside the 24-hour window). Unique: one re-send each.
    fallback_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), unique=True
    )
    # Outbound only: the broadcast it belongs to, and its WhatsApp template when it has one
    # (Content API SID and variables); a fallback re-send keeps neither (see fallback_of_id).
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    content_sid: Mapped[str | None] = mapped_column(String(34))
    content_variables: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()
