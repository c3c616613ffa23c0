"""Her right to erasure (Law 09-08): her profile and history go, anonymous counts stay.

She asks, confirms, and gets a confirmation; the worker then erases once that confirmation
has left (it needs her number), in one database transaction, and deletes her Rasa tracker.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary, new_public_id
from bot.db import utcnow
from bot.messaging.models import Message
from bot.messaging.quiet_hours import QuietHours
from bot.rasa_tracker import TrackerStore


def request_erasure(session: Session, beneficiary: Beneficiary) -> None:
    """She confirmed: from now on nothing unsolicited reaches her. Commits."""
    if beneficiary.erasure_requested_at is None:
        beneficiary.erasure_requested_at = utcnow()
    session.commit()


def is_due(beneficiary: Beneficiary) -> bool:
    return beneficiary.erasure_requested_at is not None and beneficiary.erased_at is None


def blank_messages(session: Session, beneficiary_id: int, only_done: bool = False) -> None:
    """Keep each message as a count (direction, channel, language, status), not its content.

    `only_done` spares what is still in flight: her messages not yet handled and replies
    not yet sent (a refusal forgets the past, not the message she just sent).
    """
    query = update(Message).where(Message.beneficiary_id == beneficiary_id)
    if only_done:
        handled_inbound = (Message.direction == Message.INBOUND) & (
            Message.status != Message.RECEIVED
        )
        sent_outbound = (Message.direction == Message.OUTBOUND) & Message.status.not_in(
            (Message.PENDING, Message.SUBMITTING)
        )
        query = query.where(handled_inbound | sent_outbound)
    session.execute(query.values(body="", media=[], twilio_sid=None, error_message=None))


def erase(
    session: Session,
    beneficiary: Beneficiary,
    tracker: TrackerStore | None,
    quiet: QuietHours | None = None,
) -> list[int]:
    """Erase her personal data. Commits. Safe to run again if interrupted.

    Her places in trainings to come are freed; returns the women moved up from a waiting
    list, who have a message to be sent."""
    from bot.orientation.services import close_referrals
    from bot.trainings.services import release_places

    old_public_id = beneficiary.public_id
    if tracker is not None:
        tracker.forget(old_public_id)  # first: if it fails, nothing is marked done
    promoted = release_places(session, beneficiary, utcnow(), quiet or QuietHours.parse(None))
    close_referrals(session, beneficiary.id, utcnow())
    beneficiary.first_name = None
    beneficiary.age = None
    beneficiary.profile_name = None
    # Kept for anonymous statistics: province, age band, education, situation, goal,
    # language, dates. Everything that names or reaches her goes.
    beneficiary.phone = f"erased-{uuid.uuid4().hex[:24]}"
    beneficiary.public_id = new_public_id()
    beneficiary.consent_version = None
    beneficiary.erased_at = utcnow()
    blank_messages(session, beneficiary.id)
    forget_notes(session, beneficiary.id)
    session.commit()
    return [enrollment.beneficiary_id for enrollment in promoted]


def forget_notes(session: Session, beneficiary_id: int) -> None:
    """Counsellors' notes about her may name her: they go; the handoffs stay as counts."""
    from bot.handoffs.models import Handoff, HandoffNote

    handoff_ids = select(Handoff.id).where(Handoff.beneficiary_id == beneficiary_id)
    session.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(handoff_ids)))
