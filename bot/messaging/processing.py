"""Handling one beneficiary's queued messages: the bot's turn, then her replies go out."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot import language
from bot.beneficiaries import erasure, reachability
from bot.beneficiaries.models import Beneficiary
from bot.beneficiaries.reachability import resume_sending
from bot.db import utcnow
from bot.handoffs import services as handoffs
from bot.handoffs.distress import is_distress
from bot.handoffs.models import Handoff
from bot.handoffs.notices import opening_notice
from bot.handoffs.office_hours import OfficeHours
from bot.i18n import gettext, render
from bot.messaging import leases
from bot.messaging.models import STATUS_LENGTH, Conversation, Message
from bot.messaging.outreach import CANCELED, is_unsolicited
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.rasa_text import text_for_rasa
from bot.messaging.recovery import recover_submitting
from bot.messaging.senders import Sender, TransientSendError
from bot.messaging.services import (
    OpenMessages,
    add_reply,
    open_messages,
    screen_before,
)
from bot.phones import mask
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.rasa_tracker import TrackerStore
from bot.responses import ANSWER_SOON

log = logging.getLogger(__name__)


@dataclass
class DrainResult:
    busy: bool = False  # another worker holds her lease
    handled: int = 0
    sent: int = 0
    send_retry: bool = False  # Twilio failed on its side; some replies wait
    others: list[int] = field(default_factory=list)  # women with a message to send now


# How long her message waits on a bot that is down before she is told it is coming.
HOLD_AFTER = timedelta(seconds=10)

# Sent to Rasa instead of her first message: the welcome and the language choice.
FIRST_CONTACT = "/first_contact"
DARIJA = ("ary", "ary_Latn")


def reply_language(beneficiary: Beneficiary, detected: str) -> str:
    """Her chosen language; Darija in the script she writes this message in."""
    chosen = beneficiary.language
    if chosen in DARIJA and detected in DARIJA:
        return detected
    return chosen or detected


def handle_inbound(
    session: Session, message: Message, rasa: RasaClient, hours: OfficeHours | None = None
) -> list[Message]:
    """Give one inbound message to the bot (or to a person) and store replies. Commits."""
    beneficiary = message.beneficiary
    resume_sending(beneficiary)  # she wrote, so her phone works
    detected = language.detect(message.body, default=beneficiary.reply_language)
    beneficiary.detected_language = detected
    message.language = reply_language(beneficiary, detected)
    replies: list[Message] = []
    keyword = reachability.keyword(message.body)
    if keyword is not None:
        # Before the model and whoever holds the conversation: STOP must always work.
        replies.append(answer_keyword(session, message, keyword))
    elif message.conversation.status == Conversation.STATUS_HELD:
        # A counsellor holds the conversation: the bot stays silent, her inbox shows it.
        handoffs.note_her_message(session, message.conversation_id)
    elif (reason := person_needed_for(message)) is not None:
        replies.append(hand_over(session, message, reason, hours or OfficeHours.parse(None)))
    else:
        text = text_for_rasa(message)
        first_contact = beneficiary.welcomed_at is None and beneficiary.language is None
        if first_contact:
            text = FIRST_CONTACT
        metadata = {
            "language": message.language,
            "channel": message.channel,
            "text": message.body[:MAX_METADATA_TEXT],
        }
        if message.latitude is not None and message.longitude is not None:
            metadata["location"] = {"latitude": message.latitude, "longitude": message.longitude}
        screen = screen_before(session, message)
        if screen:
            # A reminder (not a bot reply) is the last thing on her screen: "1" answers it.
            metadata["screen"] = screen
        # Commit before the bot's turn: the actions server writes her record through its
        # own connection, and a write left open here would block it (SQLite locks the
        # file, PostgreSQL her row) until Rasa gave up. Her message stays "received".
        session.commit()
        answers = rasa.send(beneficiary.public_id, text, metadata)
        if first_contact:
            beneficiary.welcomed_at = utcnow()
        for reply in answers:
            replies.append(add_reply(session, message, reply.text, reply.image))
    message.status = Message.HANDLED
    session.commit()
    return replies


MAX_METADATA_TEXT = 1000


def person_needed_for(message: Message) -> str | None:
    """Why a counsellor, not the model, must answer: words of distress, or media alone."""
    if is_distress(message.body):
        return Handoff.DISTRESS
    if message.media and not message.body.strip():
        return Handoff.MEDIA
    return None


def hand_over(session: Session, message: Message, reason: str, hours: OfficeHours) -> Message:
    handoffs.open_handoff(
        session, message.conversation, reason, priority=reason == Handoff.DISTRESS
    )
    name, values = opening_notice(reason, hours, utcnow())
    text = render(name, message.language or "fr", **values) or ""
    return add_reply(session, message, text, None)


def answer_keyword(session: Session, message: Message, keyword: str) -> Message:
    beneficiary = message.beneficiary
    if keyword == reachability.OPT_OUT:
        reachability.opt_out(session, beneficiary, source="keyword")
        response = "utter_opted_out"
    else:
        reachability.opt_in(session, beneficiary)
        response = "utter_opted_in"
    return add_reply(session, message, render(response, message.language or "fr") or "", None)


def claim_for_sending(session: Session, message: Message) -> bool:
    """Pending → submitting, only if it is still pending: a cancel that came in since it
    was read wins. Commits."""
    claimed = session.execute(
        update(Message)
        .where(Message.id == message.id, Message.status == Message.PENDING)
        .values(status=Message.SUBMITTING, attempts=Message.attempts + 1, updated_at=utcnow())
        .returning(Message.attempts, Message.updated_at)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    session.commit()
    if claimed is None:
        session.refresh(message)  # see what won (cancelled, or sent by someone else)
        return False
    # What the UPDATE wrote, as read back by it: no second query for the row.
    set_committed_value(message, "status", Message.SUBMITTING)
    set_committed_value(message, "attempts", claimed.attempts)
    set_committed_value(message, "updated_at", claimed.updated_at)
    return True


def send_pending(
    session: Session,
    beneficiary_id: int,
    sender: Sender,
    now: datetime | None = None,
    found: OpenMessages | None = None,
) -> tuple[int, bool]:
    """Send her waiting replies in order; return (sent, must_retry). Commits each claim
    (before its call to Twilio) and, with it, the outcome of the send before.
    `found`: her open messages, just read by the caller (else they are read here)."""
    sent = 0
    now = now or utcnow()
    if found is None:
        found = open_messages(session, beneficiary_id)
    # Her waiting messages are read before anything she did not ask for goes: one may be STOP.
    hold_unsolicited = bool(found.inbound)
    unsolicited = next((m for m in found.pending if is_unsolicited(m)), None)
    if unsolicited is not None:
        # Whether she still accepts it is read now, not taken from her row as the session
        # had it before her turn: the actions server may have recorded an opt-out since.
        session.flush()
        session.refresh(unsolicited.beneficiary)
    for message in found.pending:
        if is_unsolicited(message) and (
            not message.beneficiary.accepts_unsolicited
            or (message.expires_at is not None and message.expires_at <= now)
        ):
            # She opted out (or asked for erasure) after it was queued, or it came too late
            # (a reminder for a session that has begun).
            message.status = CANCELED
            session.commit()
            continue
        if message.not_before is not None and message.not_before > now:
            continue  # quiet hours: the sweep queues her again once they end
        if is_unsolicited(message) and hold_unsolicited:
            continue  # sent after her messages are handled, if she still accepts it
        if not claim_for_sending(session, message):
            continue  # cancelled meanwhile (a broadcast stopped by staff)
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
        if result.error_code is not None:
            reachability.note_delivery(message.beneficiary, message.status, result.error_code)
        # Committed with the next message's claim, or below: one commit fewer per reply.
        # Lost in a crash before then, it is still "submitting", which recovery settles
        # from Twilio's log (the same as a crash during the call).
        sent += 1
    if sent:
        session.commit()
    return sent, False


def after_sending(
    session: Session,
    beneficiary_id: int,
    tracker: TrackerStore | None,
    quiet: QuietHours | None = None,
) -> list[int]:
    """Privacy duties once her replies are out: erasure, and forgetting after a refusal.
    Returns other women with a message to send (moved up to the seat she freed)."""
    # Read again, not taken from the session: the actions server may have changed her
    # row during the turn (she asked for erasure, or refused consent).
    beneficiary = session.get(Beneficiary, beneficiary_id, populate_existing=True)
    if beneficiary is None:
        return []
    if erasure.is_due(beneficiary):
        return erasure.erase(session, beneficiary, tracker, quiet)
    if beneficiary.consent == Beneficiary.CONSENT_REFUSED:
        # No consent: her number and the refusal are all that is kept.
        erasure.blank_messages(session, beneficiary.id, only_done=True)
        session.commit()
        if tracker is not None:
            tracker.forget(beneficiary.public_id)
    return []


def tell_her_to_wait(
    session: Session, message: Message, sender: Sender, now: datetime | None = None
) -> bool:
    """The bot is down and her message has waited HOLD_AFTER: tell her, in her language,
    that the answer is coming — once per outage (not again before her next answer).
    The message itself stays queued. Returns whether the notice was queued. Commits."""
    session.rollback()  # the failed turn left nothing to keep
    now = now or utcnow()
    if message.created_at > now - HOLD_AFTER:
        return False
    told = session.scalar(
        select(Message.id).where(
            Message.beneficiary_id == message.beneficiary_id,
            Message.kind == Message.HOLDING,
            Message.created_at >= message.created_at,
        )
    )
    if told is not None:
        return False
    language = message.language or message.beneficiary.reply_language
    notice = add_reply(session, message, gettext(ANSWER_SOON, language), None)
    notice.kind = Message.HOLDING
    session.commit()
    try:
        send_pending(session, message.beneficiary_id, sender)
    except Exception:  # the notice is a courtesy: its send failing must not hide the outage
        log.exception("could not send the holding notice to %s", mask(message.beneficiary.phone))
        session.rollback()
    return True


def drain(
    session: Session,
    beneficiary_id: int,
    rasa: RasaClient,
    sender: Sender,
    tracker: TrackerStore | None = None,
    hours: OfficeHours | None = None,
    quiet: QuietHours | None = None,
) -> DrainResult:
    """Handle all her queued messages in arrival order under her lease.

    Raises RasaUnavailable with the message still queued, so nothing is lost.
    """
    taken = leases.take(session, beneficiary_id)
    if taken is None:
        return DrainResult(busy=True)
    # Her row as the lease read it; held here so her messages find it in the session
    # (message.beneficiary) instead of loading it again.
    token, _beneficiary = taken
    renewed = time.monotonic()
    result = DrainResult()
    try:
        # One query tells what is waiting: a send a dead worker left unanswered, replies,
        # her messages. It is asked again after each turn (new replies, new messages).
        found = open_messages(session, beneficiary_id)
        if found.submitting:
            # A send a dead worker left unanswered is settled before anything else goes.
            if not recover_submitting(session, beneficiary_id, sender):
                result.send_retry = True
                return result
            found = open_messages(session, beneficiary_id)
        # Replies left by an earlier Twilio outage go first, to keep the order.
        result.sent, result.send_retry = send_pending(session, beneficiary_id, sender, found=found)
        while not result.send_retry and found.inbound:
            message = found.inbound[0]
            try:
                handle_inbound(session, message, rasa, hours)
            except RasaUnavailable:
                tell_her_to_wait(session, message, sender)
                raise
            result.handled += 1
            found = open_messages(session, beneficiary_id)
            sent, result.send_retry = send_pending(session, beneficiary_id, sender, found=found)
            result.sent += sent
            if time.monotonic() - renewed >= RENEW_AFTER_SECONDS:
                leases.renew(session, beneficiary_id, token)
                renewed = time.monotonic()
        if not result.send_retry:
            result.others = after_sending(session, beneficiary_id, tracker, quiet)
    finally:
        session.rollback()
        leases.release(session, beneficiary_id, token)
    return result


# Her lease is renewed between turns once this much of it has gone (not after every
# turn: a commit saved per message). A turn then still starts with at least
# LEASE_SECONDS - RENEW_AFTER_SECONDS of it left, as it did with the renewal each time.
RENEW_AFTER_SECONDS = 10.0
