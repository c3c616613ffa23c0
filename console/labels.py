"""The console's French words for codes: roles, validation problems, audit actions, dates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal

from bot import gazetteer
from bot.staff.models import ADMIN, COUNSELLOR, STAFF
from bot.staff.validation import PASSWORD_MIN_LENGTH

ROLE_LABELS = {
    COUNSELLOR: "Conseillère / conseiller",
    STAFF: "Équipe du programme",
    ADMIN: "Administration",
}

PROBLEMS = {
    "email_invalid": "Adresse e-mail invalide.",
    "email_taken": "Un autre compte utilise déjà cette adresse.",
    "name_required": "Le nom est obligatoire.",
    "name_too_long": "Le nom est trop long (120 caractères au plus).",
    "role_invalid": "Rôle inconnu.",
    "partner_required": "Un·e conseiller·ère doit avoir un partenaire (ANAPEC, RESOFEM…).",
    "partner_too_long": "Nom de partenaire trop long (64 caractères au plus).",
    "province_unknown": "Province inconnue.",
    "phone_invalid": "Numéro au format international, par exemple +212612345678.",
    "password_too_short": f"Au moins {PASSWORD_MIN_LENGTH} caractères.",
    "password_too_long": "Mot de passe trop long.",
    "last_admin": "Impossible : il ne resterait aucun compte administrateur actif.",
    "unknown_field": "Ce champ ne peut pas être modifié.",
}

ACTIONS = {
    "login.success": "Connexion",
    "login.failure": "Échec de connexion",
    "login.throttled": "Connexion bloquée (trop de tentatives)",
    "logout": "Déconnexion",
    "user.create": "Compte créé",
    "user.update": "Compte modifié",
    "user.deactivate": "Compte désactivé",
    "user.password_reset": "Mot de passe réinitialisé",
    "user.password_change": "Mot de passe changé",
    "handoff.claim": "Conversation prise en charge",
    "handoff.assign": "Conversation confiée",
    "handoff.reply": "Réponse envoyée",
    "handoff.note": "Note ajoutée",
    "handoff.resolve": "Conversation rendue à l'assistante",
    "conversation.take_over": "Conversation reprise",
    "training.create": "Session de formation créée",
    "training.update": "Session de formation modifiée",
    "training.cancel": "Session de formation annulée",
    "training.import": "Sessions de formation importées (CSV)",
    "training.attendance": "Présence notée",
}

# Words in audit entries' details (field names, refusal reasons, roles).
DETAIL_WORDS = {
    "email": "e-mail",
    "name": "nom",
    "role": "rôle",
    "partner": "partenaire",
    "provinces": "provinces",
    "phone": "téléphone",
    "active": "actif",
    "changes": "changements",
    "staff_user": "compte",
    "reason": "raison",
    "unknown_email": "adresse inconnue",
    "wrong_password": "mot de passe incorrect",
    "inactive": "compte désactivé",
    "training_session": "session de formation",
    "enrollment": "inscription",
    "attendance": "présence",
    "attended": "présente",
    "absent": "absente",
    **ROLE_LABELS,
}

try:
    MOROCCO = ZoneInfo("Africa/Casablanca")
except ZoneInfoNotFoundError:  # no tz database on this machine: show UTC, and say so
    MOROCCO = None


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def province_name(code: str) -> str:
    province = gazetteer.get(code)
    return province.name_fr if province is not None else code


def local_time(value: datetime | None) -> str:
    """Morocco's time, as the programme's staff read it: 29/11/2026 14:05."""
    if value is None:
        return "—"
    if MOROCCO is None:
        return value.strftime("%d/%m/%Y %H:%M UTC")
    return value.astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")


def detail_word(word: str) -> str:
    return DETAIL_WORDS.get(word, word)


def detail_text(value: object) -> str:
    """An audit detail in words: lists joined, changes as "old → new", yes/no."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(detail_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_word(key)} : {_change(item)}" for key, item in value.items())
    return detail_word(str(value))


def _change(value: object) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{detail_text(value[0])} → {detail_text(value[1])}"
    return detail_text(value)


LANGUAGE_LABELS = {
    "fr": "français",
    "ar": "arabe",
    "ary": "darija (lettres arabes)",
    "ary_Latn": "darija (lettres latines)",
}


def language_label(code: str | None) -> str:
    return LANGUAGE_LABELS.get(code or "", code or "")


# -- the service directory (console/directory.py) ---------------------------------------

ACTIONS.update(
    {
        "directory.create": "Point de l'annuaire ajouté",
        "directory.update": "Point de l'annuaire modifié",
        "directory.import": "Annuaire importé (CSV)",
    }
)
DETAIL_WORDS.update(
    {
        "service_point": "point de l'annuaire",
        "city": "ville",
        "address": "adresse",
        "opening_hours": "horaires",
        "verified": "vérifié",
    }
)

# -- referrals (console/referrals.py) ----------------------------------------------------

ACTIONS.update({"referral.status": "Orientation mise à jour"})
DETAIL_WORDS.update({"referral": "orientation", "from": "de", "to": "à"})

# -- broadcasts (console/broadcasts.py) --------------------------------------------------

ACTIONS.update(
    {
        "broadcast.create": "Diffusion créée",
        "broadcast.update": "Diffusion modifiée",
        "broadcast.submit": "Diffusion lancée ou soumise",
        "broadcast.approve": "Diffusion approuvée",
        "broadcast.reject": "Diffusion renvoyée à son autrice",
        "broadcast.pause": "Diffusion mise en pause",
        "broadcast.resume": "Diffusion reprise",
        "broadcast.cancel": "Diffusion annulée",
        "broadcast.resend": "Renvoi aux échecs préparé",
        "broadcast.trial": "Diffusion : test envoyé à soi-même",
    }
)
BROADCAST_STATUS_LABELS = {
    "draft": "brouillon",
    "awaiting_approval": "à approuver",
    "scheduled": "programmée",
    "sending": "en cours d'envoi",
    "paused": "en pause",
    "done": "terminée",
    "canceled": "annulée",
}
# tracking.BUCKETS in words, for the counts and the bar's legend.
BUCKET_LABELS = {
    "waiting": "en attente de leur tour",
    "queued": "confiés à Twilio",
    "sent": "envoyés",
    "delivered": "remis",
    "read": "lus",
    "failed": "échoués",
    "undelivered": "non remis",
    "canceled": "annulés",
}
# The Twilio error codes a broadcast meets most, in words (others show their code only).
TWILIO_ERRORS = {
    21211: "numéro invalide",
    21610: "elle a répondu STOP à ce numéro",
    30003: "téléphone injoignable (éteint, hors réseau)",
    30004: "message bloqué",
    30005: "numéro inconnu ou inactif",
    30006: "ligne fixe ou opérateur injoignable",
    30007: "filtré par l'opérateur",
    30008: "erreur inconnue de l'opérateur",
    63016: "hors de la fenêtre de 24 h de WhatsApp",
    63024: "destinataire WhatsApp invalide",
}
DETAIL_WORDS.update(
    {
        "broadcast": "diffusion",
        "of": "renvoi de",
        "languages": "langues",
        "changed": "modifié",
        "texts": "textes",
        "segment": "public",
        "send_at": "heure d'envoi",
        "content_sid": "modèle WhatsApp",
        "content_variables": "variables du modèle",
        "missing_language": "langue manquante",
        "status": "statut",
        "unsent": "messages non partis annulés",
        "channel": "canal",
        "language": "langue",
        **BROADCAST_STATUS_LABELS,
    }
)


def broadcast_status(status: str) -> str:
    return BROADCAST_STATUS_LABELS.get(status, status)


def twilio_error(code: int) -> str:
    return TWILIO_ERRORS.get(code, "")


def percent(share: float) -> str:
    """0.873 → "87 %" (French puts a narrow space before the sign)."""
    return f"{share * 100:.0f}\u202f%"


def money(value: Decimal, currency: str) -> str:
    """Decimal("1234.5") → "1 234,50 MAD"; up to four decimals (a WhatsApp session message
    costs less than a cent)."""
    return f"{format_decimal(value, format='#,##0.00##', locale='fr_MA')}\u00a0{currency}"
