"""A worker killed while calling Twilio leaves its message "submitting": did it leave?

Only Twilio knows. Under her lease (so no live worker is on her messages), the message
is looked up in Twilio's log of messages to her: found, it is adopted with its SID;
not found, it goes back to "pending" and is sent again. This is what keeps a reminder
from being sent twice, or never, across a crash.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messaging.models import STATUS_LENGTH, Message
from bot.messaging.senders import Sender, TransientSendError
from bot.phones import mask

log = logging.getLogger(__name__)

# How far before its last update Twilio's log is searched (clocks differ a little).
CLOCK_SLACK = timedelta(minutes=2)


def recover_submitting(session: Session, beneficiary_id: int, sender: Sender) -> bool:
    """Settle her messages a dead worker left "submitting". False when Twilio could not
    be asked (they stay as they are, to be settled later). Commits."""
    stuck = session.scalars(
        select(Message)
        .where(
            Message.beneficiary_id == beneficiary_id,
            Message.direction == Message.OUTBOUND,
            Message.status == Message.SUBMITTING,
        )
        .order_by(Message.id)
    ).all()
    for message in stuck:
        since = message.updated_at - CLOCK_SLACK
        # Her messages Twilio already took: one with the same words sent just before (a
        # resend) must not be taken for this one.
        known = frozenset(
            session.scalars(
                select(Message.twilio_sid).where(
                    Message.beneficiary_id == beneficiary_id,
                    Message.twilio_sid.is_not(None),
                    Message.created_at >= since - timedelta(days=1),
                )
            )
        )
        try:
            found = sender.find_sent(message, message.beneficiary.phone, since, known)
        except TransientSendError as exc:
            log.warning("cannot ask Twilio about %s: %s", mask(message.beneficiary.phone), exc)
            return False
        if found is None:
            message.status = Message.PENDING  # it never reached Twilio: send it again
        else:
            message.status = found.status[:STATUS_LENGTH]
            message.twilio_sid = found.sid
            message.sent_at = message.sent_at or message.updated_at
        log.info("message %s recovered as %s", message.id, message.status)
        session.commit()
    return True
