"""A broadcast's life: written, approved (by a second person when required), scheduled or
sent now, paused, resumed, cancelled, repeated for the women it failed for.

Every function changes rows and leaves the commit to the caller (the console audits in
the same transaction). Problems are raised as BroadcastError with a code the console words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.broadcasts import audience
from bot.broadcasts.models import MISSING_IN_FRENCH, MISSING_RULES, Broadcast
from bot.i18n import DEFAULT_LANGUAGE
from bot.messaging.models import Message
from bot.messaging.services import clean_text
from bot.staff.models import StaffUser

MAX_TEXT = 1600  # Twilio's limit for one message body
CANCELED = "canceled"  # Twilio's word, as bot.messaging.outreach.CANCELED
# A Content API SID: "HX" then 32 hexadecimal digits.
CONTENT_SID_LENGTH = 34


class BroadcastError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Draft:
    """What staff wrote: the form and the tests build one."""

    name: str
    texts: Mapping[str, str]
    segment: audience.Segment
    missing_language: str = MISSING_IN_FRENCH
    content_sid: str | None = None
    content_variables: Mapping[str, str] | None = None
    send_at: datetime | None = None


def problems(draft: Draft) -> list[str]:
    """Everything wrong with a draft, as codes."""
    found: list[str] = []
    texts = {lang: (draft.texts.get(lang) or "").strip() for lang in audience.LANGUAGES}
    if not draft.name.strip():
        found.append("name_required")
    if not any(texts.values()):
        found.append("text_required")
    elif draft.missing_language == MISSING_IN_FRENCH and not texts[DEFAULT_LANGUAGE]:
        found.append("french_required")
    if any(len(text) > MAX_TEXT for text in texts.values()):
        found.append("text_too_long")
    if draft.missing_language not in MISSING_RULES:
        found.append("missing_rule_invalid")
    sid = (draft.content_sid or "").strip()
    if sid and not (
        sid.startswith("HX")
        and len(sid) == CONTENT_SID_LENGTH
        and all(c in "0123456789abcdefABCDEF" for c in sid[2:])
    ):
        found.append("content_sid_invalid")
    variables = draft.content_variables or {}
    if variables and not sid:
        found.append("content_sid_required")
    if any(not str(key).isdigit() for key in variables):
        found.append("variables_invalid")
    found += audience.validate(draft.segment)
    return found


def save(
    session: Session, draft: Draft, staff: StaffUser | None, broadcast: Broadcast | None = None
) -> Broadcast:
    """Create a broadcast or change one still being written."""
    found = problems(draft)
    if found:
        raise BroadcastError(found[0])
    if broadcast is None:
        broadcast = Broadcast(created_by_id=staff.id if staff else None)
        session.add(broadcast)
    elif broadcast.status not in Broadcast.EDITABLE:
        raise BroadcastError("not_editable")
    else:
        broadcast.status = Broadcast.DRAFT  # a changed text needs approving again
        broadcast.approved_by_id = None
    broadcast.name = clean_text(draft.name.strip(), 120)
    broadcast.texts = {
        lang: clean_text(text.strip(), MAX_TEXT)
        for lang, text in draft.texts.items()
        if lang in audience.LANGUAGES and text and text.strip()
    }
    broadcast.missing_language = draft.missing_language
    broadcast.content_sid = (draft.content_sid or "").strip() or None
    broadcast.content_variables = {
        str(k): clean_text(str(v), MAX_TEXT) for k, v in (draft.content_variables or {}).items()
    }
    broadcast.segment = draft.segment.to_dict()
    broadcast.send_at = draft.send_at
    return broadcast


def submit(
    session: Session, broadcast: Broadcast, staff: StaffUser, now: datetime, approval: bool
) -> Broadcast:
    """Ask for it to go: straight away, or to a second person when approval is required."""
    if broadcast.status != Broadcast.DRAFT:
        raise BroadcastError("not_draft")
    if approval:
        broadcast.status = Broadcast.AWAITING_APPROVAL
        return broadcast
    return _approve(broadcast, staff, now)


def approve(
    session: Session, broadcast: Broadcast, staff: StaffUser, now: datetime, approval: bool
) -> Broadcast:
    if broadcast.status != Broadcast.AWAITING_APPROVAL:
        raise BroadcastError("not_awaiting_approval")
    if approval and broadcast.created_by_id == staff.id:
        raise BroadcastError("second_person_required")
    return _approve(broadcast, staff, now)


def reject(session: Session, broadcast: Broadcast) -> Broadcast:
    """Back to its author, to change."""
    if broadcast.status != Broadcast.AWAITING_APPROVAL:
        raise BroadcastError("not_awaiting_approval")
    broadcast.status = Broadcast.DRAFT
    return broadcast


def _approve(broadcast: Broadcast, staff: StaffUser, now: datetime) -> Broadcast:
    broadcast.approved_by_id = staff.id
    broadcast.approved_at = now
    if broadcast.send_at is not None and broadcast.send_at > now:
        broadcast.status = Broadcast.SCHEDULED
    else:
        start(broadcast, now)
    return broadcast


def start(broadcast: Broadcast, now: datetime) -> None:
    broadcast.status = Broadcast.SENDING
    broadcast.started_at = broadcast.started_at or now


def _locked(session: Session, broadcast: Broadcast) -> None:
    """Read its status again under the row lock the tick takes, so staff's pause, resume
    or cancel never overwrites a status the tick has just written (done)."""
    if broadcast.id is not None:
        session.refresh(broadcast, with_for_update=True)


def pause(session: Session, broadcast: Broadcast) -> Broadcast:
    """Stop releasing messages; those already handed to a worker still go."""
    _locked(session, broadcast)
    if broadcast.status not in (Broadcast.SENDING, Broadcast.SCHEDULED):
        raise BroadcastError("not_running")
    broadcast.status = Broadcast.PAUSED
    return broadcast


def resume(session: Session, broadcast: Broadcast, now: datetime) -> Broadcast:
    """Carry on from where it stopped: recipients already written keep their place."""
    _locked(session, broadcast)
    if broadcast.status != Broadcast.PAUSED:
        raise BroadcastError("not_paused")
    if broadcast.started_at is None and broadcast.send_at is not None and broadcast.send_at > now:
        broadcast.status = Broadcast.SCHEDULED
    else:
        start(broadcast, now)
    return broadcast


def cancel(session: Session, broadcast: Broadcast, now: datetime) -> int:
    """Stop for good; returns how many unsent messages were cancelled."""
    _locked(session, broadcast)
    if broadcast.status in (Broadcast.DONE, Broadcast.CANCELED):
        raise BroadcastError("finished")
    broadcast.status = Broadcast.CANCELED
    broadcast.canceled_at = now
    result = session.execute(
        update(Message)
        .where(
            Message.broadcast_id == broadcast.id,
            Message.status.in_((Message.WAITING, Message.PENDING)),
        )
        .values(status=CANCELED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def resend_failed(session: Session, broadcast: Broadcast, staff: StaffUser | None) -> Broadcast:
    """A new draft with the same words, for the women it failed for (still reachable)."""
    if broadcast.status not in (Broadcast.DONE, Broadcast.CANCELED, Broadcast.SENDING):
        raise BroadcastError("not_sent")
    copy = Broadcast(
        name=clean_text(f"{broadcast.name} (renvoi)", 120),
        texts=dict(broadcast.texts or {}),
        missing_language=broadcast.missing_language,
        content_sid=broadcast.content_sid,
        content_variables=dict(broadcast.content_variables or {}),
        segment=audience.Segment(registered_only=False, failed_of=broadcast.id).to_dict(),
        resend_of_id=broadcast.id,
        created_by_id=staff.id if staff else None,
    )
    session.add(copy)
    return copy


def draft_of(broadcast: Broadcast) -> Draft:
    """The broadcast as the form shows it again."""
    data: dict[str, Any] = broadcast.content_variables or {}
    return Draft(
        name=broadcast.name,
        texts=dict(broadcast.texts or {}),
        segment=audience.Segment.from_dict(broadcast.segment),
        missing_language=broadcast.missing_language,
        content_sid=broadcast.content_sid,
        content_variables=dict(data),
        send_at=broadcast.send_at,
    )
