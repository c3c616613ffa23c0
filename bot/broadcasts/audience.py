"""Who a broadcast is for: a segment of women, turned into one SQL query.

Only women who can receive it are ever chosen: consent given, not opted out, sending not
paused (failing number), no erasure asked, and a conversation to send on (she wrote at
least once). Her channel is the one she last wrote on; her language is her chosen one,
else the one detected on her messages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, not_, select
from sqlalchemy.orm import aliased

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts.models import MISSING_SKIP
from bot.i18n import DEFAULT_LANGUAGE
from bot.messaging.models import CHANNELS, Conversation, Message
from bot.messaging.quiet_hours import MOROCCO
from bot.orientation.models import Referral
from bot.trainings.models import BUSINESS, JOB, Enrollment
from bot.trainings.services import TRACK_OF_GOAL, TRACK_OF_SITUATION

LANGUAGES = ("fr", "ar", "ary", "ary_Latn")
NO_TRACK = "none"  # her answers point to neither track
TRACKS = (JOB, BUSINESS, NO_TRACK)
# Her place in one training session.
TRAINING_STATUSES = ("enrolled", "waitlisted", "attended", "absent")
FAILED = ("failed", "undelivered")


@dataclass(frozen=True)
class Segment:
    """Empty lists mean "any". Stored on the broadcast as a dict (to_dict / from_dict)."""

    provinces: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    registered_only: bool = True  # women who finished registering (else anyone who wrote)
    registered_from: date | None = None  # Morocco dates, both included
    registered_to: date | None = None
    training_id: int | None = None
    training_status: str | None = None  # with training_id; None: any place in it
    referral_partner: str | None = None  # "ANAPEC" or "RESOFEM"
    referral_status: str | None = None
    failed_of: int | None = None  # women a broadcast failed for ("resend to the failed")
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        for key in ("registered_from", "registered_to"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        for key in ("provinces", "tracks", "languages", "channels"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Segment:
        data = dict(data or {})
        kwargs: dict[str, Any] = {}
        for key in ("provinces", "tracks", "languages", "channels"):
            kwargs[key] = tuple(str(v) for v in data.get(key) or ())
        kwargs["registered_only"] = bool(data.get("registered_only", True))
        for key in ("registered_from", "registered_to"):
            raw = data.get(key)
            kwargs[key] = date.fromisoformat(raw) if raw else None
        for key in ("training_id", "failed_of"):
            kwargs[key] = int(data[key]) if data.get(key) not in (None, "") else None
        for key in ("training_status", "referral_partner", "referral_status"):
            kwargs[key] = str(data[key]) if data.get(key) else None
        return cls(**kwargs)


def her_language() -> ColumnElement[str]:
    return func.coalesce(Beneficiary.language, Beneficiary.detected_language, DEFAULT_LANGUAGE)


def her_track() -> ColumnElement[str]:
    """bot.trainings.services.track_of in SQL: her goal first, else her situation."""
    whens = [(Beneficiary.goal == goal, literal(track)) for goal, track in TRACK_OF_GOAL.items()]
    whens += [
        (Beneficiary.situation == situation, literal(track))
        for situation, track in TRACK_OF_SITUATION.items()
    ]
    return case(*whens, else_=literal(NO_TRACK))


def sent_language(texts: dict[str, str]) -> ColumnElement[str]:
    """The language her message goes out in: hers when it has a text, else French."""
    written = [language for language in LANGUAGES if (texts.get(language) or "").strip()]
    if not written:
        return literal(DEFAULT_LANGUAGE)
    return case((her_language().in_(written), her_language()), else_=literal(DEFAULT_LANGUAGE))


def latest_conversation_id() -> Any:
    """Her conversation on the channel she last wrote on (as bot.messaging.services)."""
    return (
        select(Conversation.id)
        .where(Conversation.beneficiary_id == Beneficiary.id)
        .order_by(Conversation.last_inbound_at.desc().nulls_last(), Conversation.id.desc())
        .limit(1)
        .correlate(Beneficiary)
        .scalar_subquery()
    )


def reachable() -> ColumnElement[bool]:
    """Beneficiary.accepts_unsolicited and consent, in SQL."""
    return and_(
        Beneficiary.consent == Beneficiary.CONSENT_GIVEN,
        Beneficiary.opted_out_at.is_(None),
        Beneficiary.sending_paused_at.is_(None),
        Beneficiary.erased_at.is_(None),
        Beneficiary.erasure_requested_at.is_(None),
    )


def _morocco_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=MOROCCO)


def effective_status() -> tuple[Any, ColumnElement[str]]:
    """(fallback alias, status): a message WhatsApp refused and that went again by template
    or SMS counts with its re-send's status."""
    fallback = aliased(Message, name="fallback")
    return fallback, func.coalesce(fallback.status, Message.status)


def conditions(segment: Segment) -> list[ColumnElement[bool]]:
    """The segment's own filters, without reachability (preview counts those left out)."""
    where: list[ColumnElement[bool]] = []
    if segment.provinces:
        where.append(Beneficiary.province.in_(segment.provinces))
    if segment.tracks:
        where.append(her_track().in_(segment.tracks))
    if segment.languages:
        where.append(her_language().in_(segment.languages))
    if segment.channels:
        where.append(Conversation.channel.in_(segment.channels))
    if segment.registered_only or segment.registered_from or segment.registered_to:
        where.append(Beneficiary.registered_at.is_not(None))
    if segment.registered_from:
        where.append(Beneficiary.registered_at >= _morocco_midnight(segment.registered_from))
    if segment.registered_to:
        end = _morocco_midnight(segment.registered_to + timedelta(days=1))
        where.append(Beneficiary.registered_at < end)
    if segment.training_id is not None:
        where.append(exists(_enrollment(segment)))
    if segment.referral_partner or segment.referral_status:
        referral = select(Referral.id).where(Referral.beneficiary_id == Beneficiary.id)
        if segment.referral_partner:
            referral = referral.where(Referral.partner == segment.referral_partner)
        if segment.referral_status:
            referral = referral.where(Referral.status == segment.referral_status)
        where.append(exists(referral))
    if segment.failed_of is not None:
        fallback, status = effective_status()
        where.append(
            exists(
                select(Message.id)
                .outerjoin(fallback, fallback.fallback_of_id == Message.id)
                .where(
                    Message.broadcast_id == segment.failed_of,
                    Message.beneficiary_id == Beneficiary.id,
                    status.in_(FAILED),
                )
            )
        )
    return where


def _enrollment(segment: Segment) -> Select[Any]:
    query = select(Enrollment.id).where(
        Enrollment.beneficiary_id == Beneficiary.id, Enrollment.session_id == segment.training_id
    )
    match segment.training_status:
        case "enrolled":
            return query.where(Enrollment.status == Enrollment.ENROLLED)
        case "waitlisted":
            return query.where(Enrollment.status == Enrollment.WAITLISTED)
        case "attended":
            return query.where(Enrollment.attendance == Enrollment.ATTENDED)
        case "absent":
            return query.where(Enrollment.attendance == Enrollment.ABSENT)
    return query.where(
        (Enrollment.status.in_(Enrollment.ACTIVE)) | Enrollment.attendance.is_not(None)
    )


def recipients(
    segment: Segment, texts: dict[str, str], missing_language: str, *columns: Any
) -> Select[Any]:
    """The women it goes to, one row each: `columns` from Beneficiary and her Conversation.
    Women whose language has no text are left out when the rule says so."""
    query = (
        select(*columns)
        .select_from(Beneficiary)
        .join(Conversation, Conversation.id == latest_conversation_id())
        .where(reachable(), *conditions(segment))
    )
    if missing_language == MISSING_SKIP:
        written = [language for language in LANGUAGES if (texts.get(language) or "").strip()]
        query = query.where(her_language().in_(written))
    return query


def left_out(segment: Segment, *columns: Any) -> Select[Any]:
    """Women the segment names who must not get it (opted out, paused, erased, no consent)."""
    return (
        select(*columns)
        .select_from(Beneficiary)
        .join(Conversation, Conversation.id == latest_conversation_id())
        .where(not_(reachable()), *conditions(segment))
    )


def validate(segment: Segment) -> list[str]:
    """Problems with a segment, as codes (the console words them)."""
    problems = []
    if any(track not in TRACKS for track in segment.tracks):
        problems.append("track_invalid")
    if any(language not in LANGUAGES for language in segment.languages):
        problems.append("language_invalid")
    if any(channel not in CHANNELS for channel in segment.channels):
        problems.append("channel_invalid")
    if segment.training_status and segment.training_status not in TRAINING_STATUSES:
        problems.append("training_status_invalid")
    if segment.training_status and segment.training_id is None:
        problems.append("training_required")
    if segment.referral_status and segment.referral_status not in Referral.STATUSES:
        problems.append("referral_status_invalid")
    if (
        segment.registered_from
        and segment.registered_to
        and segment.registered_to < segment.registered_from
    ):
        problems.append("dates_reversed")
    return problems
