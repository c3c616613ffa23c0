"""Messages she did not ask for (announcements now; reminders and broadcasts build on it).

They are outbound messages of an unsolicited kind. Opt-out, paused sending and erasure stop
them twice: they are not queued, and a queued one is cancelled at send time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.i18n import DEFAULT_LANGUAGE, render
from bot.messaging.models import Message
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.services import clean_text, latest_conversation

CANCELED = "canceled"  # Twilio's own word, so status counts stay in one vocabulary


@dataclass
class AnnounceResult:
    queued: list[int]  # beneficiary ids
    skipped: list[int]


def announce(
    session: Session, texts: Mapping[str, str], beneficiaries: Iterable[Beneficiary]
) -> AnnounceResult:
    """Queue one announcement per woman, in her language (French when hers is missing).

    Commits. The caller enqueues `messaging.process_beneficiary` for each queued id.
    """
    result = AnnounceResult(queued=[], skipped=[])
    for beneficiary in beneficiaries:
        conversation = latest_conversation(session, beneficiary.id)
        if conversation is None or not beneficiary.accepts_unsolicited:
            result.skipped.append(beneficiary.id)
            continue
        language = beneficiary.reply_language
        text = texts.get(language) or texts.get(DEFAULT_LANGUAGE) or ""
        session.add(
            Message(
                conversation_id=conversation.id,
                beneficiary_id=beneficiary.id,
                direction=Message.OUTBOUND,
                channel=conversation.channel,
                body=clean_text(text),
                status=Message.PENDING,
                language=language if language in texts else DEFAULT_LANGUAGE,
                kind=Message.ANNOUNCEMENT,
            )
        )
        result.queued.append(beneficiary.id)
    session.commit()
    return result


def is_unsolicited(message: Message) -> bool:
    return message.direction == Message.OUTBOUND and message.kind in Message.UNSOLICITED_KINDS


def notify(
    session: Session,
    beneficiary: Beneficiary,
    response: str,
    *,
    kind: str,
    now: datetime,
    quiet: QuietHours,
    values: Mapping[str, Any] | None = None,
    screen: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> Message | None:
    """Queue one unsolicited message rendered in her language, after quiet hours.

    None when she cannot receive it (opted out, paused, erased, never wrote). The caller
    commits and enqueues `messaging.process_beneficiary`.
    """
    conversation = latest_conversation(session, beneficiary.id)
    if conversation is None or not beneficiary.accepts_unsolicited:
        return None
    language = beneficiary.reply_language
    message = Message(
        conversation_id=conversation.id,
        beneficiary_id=beneficiary.id,
        direction=Message.OUTBOUND,
        channel=conversation.channel,
        body=clean_text(render(response, language, **dict(values or {})) or ""),
        status=Message.PENDING,
        language=language,
        kind=kind,
        not_before=quiet.next_allowed(now) if quiet.contains(now) else None,
        expires_at=expires_at,
        screen=screen,
    )
    session.add(message)
    return message
