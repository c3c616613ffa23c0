"""Handling one beneficiary's queued messages: the bot's turn, then her replies go out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import language
from bot.db import utcnow
from bot.messaging import leases
from bot.messaging.models import STATUS_LENGTH, Conversation, Message
from bot.messaging.rasa_text import text_for_rasa
from bot.messaging.senders import Sender, TransientSendError
from bot.messaging.services import add_reply, next_pending_inbound, pending_outbound
from bot.phones import mask
from bot.rasa_client import RasaClient

log = logging.getLogger(__name__)


@dataclass
class DrainResult:
    busy: bool = False  # another worker holds her lease
    handled: int = 0
    sent: int = 0
    send_retry: bool = False  # Twilio failed on its side; some replies wait


def handle_inbound(session: Session, message: Message, rasa: RasaClient) -> list[Message]:
    """Give one inbound message to the bot and store its replies. Commits."""
    beneficiary = message.beneficiary
    detected = language.detect(message.body, default=beneficiary.reply_language)
    beneficiary.detected_language = detected
    message.language = beneficiary.language or detected
    replies: list[Message] = []
    if message.conversation.status == Conversation.STATUS_BOT:
        metadata = {"language": message.language, "channel": message.channel}
        for reply in rasa.send(beneficiary.public_id, text_for_rasa(message), metadata):
            replies.append(add_reply(session, message, reply.text, reply.image))
    message.status = Message.HANDLED
    session.commit()
    return replies


def send_pending(session: Session, beneficiary_id: int, sender: Sender) -> tuple[int, bool]:
    """Send her waiting replies in order; return (sent, must_retry). Commits each."""
    sent = 0
    for message in pending_outbound(session, beneficiary_id):
        message.status = Message.SUBMITTING
        message.attempts += 1
        session.commit()
        try:
            result = sender.send(message, message.beneficiary.phone)
        except TransientSendError as exc:
            log.warning("send to %s delayed: %s", mask(message.beneficiary.phone), exc)
            message.status = Message.PENDING
            session.commit()
            return sent, True
        message.status = result.status[:STATUS_LENGTH]
        message.twilio_sid = result.sid
        message.error_code = result.error_code
        message.error_message = result.error_message
        message.sent_at = utcnow()
        session.commit()
        sent += 1
    return sent, False


def drain(session: Session, beneficiary_id: int, rasa: RasaClient, sender: Sender) -> DrainResult:
    """Handle all her queued messages in arrival order under her lease.

    Raises RasaUnavailable with the message still queued, so nothing is lost.
    """
    token = leases.acquire(session, beneficiary_id)
    if token is None:
        return DrainResult(busy=True)
    result = DrainResult()
    try:
        # Replies left by an earlier Twilio outage go first, to keep the order.
        result.sent, result.send_retry = send_pending(session, beneficiary_id, sender)
        while not result.send_retry:
            message = next_pending_inbound(session, beneficiary_id)
            if message is None:
                break
            handle_inbound(session, message, rasa)
            result.handled += 1
            sent, result.send_retry = send_pending(session, beneficiary_id, sender)
            result.sent += sent
            leases.renew(session, beneficiary_id, token)
    finally:
        session.rollback()
        leases.release(session, beneficiary_id, token)
    return result
