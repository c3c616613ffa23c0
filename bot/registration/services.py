"""Her language, consent and profile, stored through here (the Rasa actions call these)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.registration.consent import CONSENT_VERSION
from bot.registration.questions import FIELDS, age_band


class ConsentRequired(RuntimeError):
    """Nothing personal may be stored before she consents."""


def set_language(session: Session, beneficiary: Beneficiary, language: str) -> None:
    beneficiary.language = language
    session.commit()


def record_consent(session: Session, beneficiary: Beneficiary, given: bool) -> None:
    """Keep her answer, the time and the version of the text she read. Commits."""
    beneficiary.consent = Beneficiary.CONSENT_GIVEN if given else Beneficiary.CONSENT_REFUSED
    beneficiary.consent_at = utcnow()
    beneficiary.consent_version = CONSENT_VERSION
    if not given:
        # A refusal keeps her number and the refusal, nothing more.
        forget_profile(beneficiary)
    elif beneficiary.language is None:
        beneficiary.language = beneficiary.reply_language
    session.commit()


def forget_profile(beneficiary: Beneficiary) -> None:
    for name in FIELDS:
        setattr(beneficiary, name, None)
    beneficiary.profile_name = None
    beneficiary.age_band = None
    beneficiary.registered_at = None


def save_answer(session: Session, beneficiary: Beneficiary, field: str, value: object) -> None:
    """Store one answer; a changed answer means the profile must be confirmed again."""
    if field not in FIELDS:
        raise ValueError(f"not a registration field: {field}")
    if not beneficiary.has_consented:
        raise ConsentRequired(beneficiary.public_id)
    setattr(beneficiary, field, value)
    if field == "age":
        beneficiary.age_band = age_band(value if isinstance(value, int) else None)
    beneficiary.registered_at = None
    session.commit()


def clear_answer(session: Session, beneficiary: Beneficiary, field: str) -> None:
    save_answer(session, beneficiary, field, None)


def answers(beneficiary: Beneficiary) -> dict[str, object]:
    return {name: getattr(beneficiary, name) for name in FIELDS}


def next_question(beneficiary: Beneficiary) -> str | None:
    """The first unanswered question, or None when every answer is in."""
    return next((name for name in FIELDS if getattr(beneficiary, name) is None), None)


def confirm_registration(session: Session, beneficiary: Beneficiary) -> bool:
    """Registration is complete only when she confirms a full profile. Commits."""
    if not beneficiary.has_consented or next_question(beneficiary) is not None:
        return False
    if beneficiary.registered_at is None:
        beneficiary.registered_at = utcnow()
    session.commit()
    return True
