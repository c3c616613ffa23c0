"""Whether messages she did not ask for may reach her: opt-out, opt-in, failing deliveries.

The exact keywords are handled by the worker before the model (a STOP must always work);
the `opt_out` / `opt_in` intents reach the same services through the Rasa actions.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow

OPT_OUT = "opt_out"
OPT_IN = "opt_in"

# Whole-message keywords, compared without case, accents or punctuation. Twilio's own
# SMS keywords are in, so what Twilio blocks and what we record agree.
_KEYWORDS: dict[str, str] = {
    **dict.fromkeys(
        ("stop", "stopall", "arret", "arrete", "arreter", "unsubscribe", "cancel", "end",
         "quit", "desabonner", "desinscrire", "وقف", "توقف", "قف", "ستوب", "الغاء",
         "إلغاء"), OPT_OUT),
    **dict.fromkeys(("start", "unstop", "yes start", "demarrer", "reprendre", "ابدأ", "ابدا",
                     "ستارت"), OPT_IN),
}  # fmt: skip

_ACCENTS = str.maketrans("éèêëàâîïôûùç", "eeeeaaiiouuc")
_NOISE = re.compile(r"[^\w\s]", re.UNICODE)

# Twilio error: the recipient replied STOP to Twilio itself.
UNSUBSCRIBED_ERROR = 21610
# Failed deliveries in a row before unsolicited sending pauses.
PAUSE_AFTER_FAILURES = 3
FAILED_STATUSES = frozenset({"failed", "undelivered"})
DELIVERED_STATUSES = frozenset({"delivered", "read"})


def keyword(text: str) -> str | None:
    """OPT_OUT or OPT_IN when the whole message is one of the keywords, else None."""
    cleaned = " ".join(_NOISE.sub(" ", text.casefold().translate(_ACCENTS)).split())
    return _KEYWORDS.get(cleaned)


def opt_out(session: Session, beneficiary: Beneficiary, source: str) -> None:
    if beneficiary.opted_out_at is None:
        beneficiary.opted_out_at = utcnow()
        beneficiary.opt_out_source = source[:32]
    session.commit()


def opt_in(session: Session, beneficiary: Beneficiary) -> None:
    beneficiary.opted_out_at = None
    beneficiary.opt_out_source = None
    resume_sending(beneficiary)
    session.commit()


def resume_sending(beneficiary: Beneficiary) -> None:
    """She wrote to us, so her phone works: deliveries may start again."""
    beneficiary.sending_paused_at = None
    beneficiary.consecutive_failures = 0


def note_delivery(beneficiary: Beneficiary, status: str, error_code: int | None) -> None:
    """Learn from a status callback (the caller commits)."""
    if error_code == UNSUBSCRIBED_ERROR and beneficiary.opted_out_at is None:
        beneficiary.opted_out_at = utcnow()
        beneficiary.opt_out_source = f"twilio_{UNSUBSCRIBED_ERROR}"
    if status in DELIVERED_STATUSES:
        beneficiary.consecutive_failures = 0
    elif status in FAILED_STATUSES:
        beneficiary.consecutive_failures += 1
        if (
            beneficiary.consecutive_failures >= PAUSE_AFTER_FAILURES
            and beneficiary.sending_paused_at is None
        ):
            beneficiary.sending_paused_at = utcnow()
