"""French words for the codes in the figures (the console and the exports are in French)."""

from __future__ import annotations

from bot import gazetteer
from bot.reports.dimensions import UNDECIDED, UNKNOWN

NOT_GIVEN = "non renseigné"

EDUCATION = {
    "none": "sans scolarité",
    "primary": "primaire",
    "secondary": "collège / lycée",
    "baccalaureate": "baccalauréat",
    "university": "université",
    "vocational": "formation professionnelle",
}
SITUATION = {
    "job_seeker": "cherche un emploi",
    "business_idea": "a une idée de projet",
    "runs_business": "a une activité",
    "other": "autre",
}
TRACK = {"job": "emploi (ANAPEC)", "business": "entrepreneuriat (RESOFEM)", UNDECIDED: "indécise"}
REFERRAL_STATUS = {
    "proposed": "proposées",
    "accepted": "acceptées (attendent un appel)",
    "contacted": "contactées",
    "closed": "closes",
}
HANDOFF_REASON = {
    "request_human": "a demandé une personne",
    "misunderstood": "le bot ne la comprend pas",
    "media": "vocal, photo ou document",
    "distress": "détresse",
    "taken_over": "reprise par une conseillère",
}
CHANNEL = {"whatsapp": "WhatsApp", "sms": "SMS"}
LANGUAGE = {
    "fr": "français",
    "ar": "arabe",
    "ary": "darija (lettres arabes)",
    "ary_Latn": "darija (lettres latines)",
}
BROADCAST_STATUS = {
    "draft": "brouillon",
    "awaiting_approval": "à approuver",
    "scheduled": "programmée",
    "sending": "en cours",
    "paused": "en pause",
    "done": "terminée",
    "canceled": "annulée",
}


def word(table: dict[str, str], code: str | None) -> str:
    if code is None or code == UNKNOWN:
        return NOT_GIVEN
    return table.get(code, code)


def province(code: str | None) -> str:
    if not code:
        return NOT_GIVEN
    found = gazetteer.get(code)
    return found.name_fr if found is not None else code
