"""Checking and normalising what an account is made of (one place for the console and CLI).

Problems are codes, not sentences: the console shows them in French, the CLI in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot import gazetteer
from bot.phones import InvalidAddress, split_address
from bot.staff.models import COUNSELLOR, ROLES

PASSWORD_MIN_LENGTH = 10
# Argon2 hashes any length in the same time; this only bounds what a form may post.
PASSWORD_MAX_LENGTH = 512
# Deliberately loose: one @, no spaces, a dot in the domain. Nothing is mailed yet.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

MESSAGES = {
    "email_invalid": "not a valid email address",
    "email_taken": "another account already uses this email address",
    "name_required": "a name is required",
    "name_too_long": "the name is too long (120 characters at most)",
    "role_invalid": f"the role must be one of {', '.join(ROLES)}",
    "partner_required": "a counsellor needs a partner (e.g. ANAPEC, RESOFEM)",
    "partner_too_long": "the partner's name is too long (64 characters at most)",
    "province_unknown": "unknown province code (see bot/data/gazetteer.yml)",
    "phone_invalid": "the phone must be in E.164 form, e.g. +212612345678",
    "password_too_short": f"the password needs at least {PASSWORD_MIN_LENGTH} characters",
    "password_too_long": f"the password may have {PASSWORD_MAX_LENGTH} characters at most",
    "last_admin": "this would leave no active admin",
    "unknown_field": "this field cannot be changed",
}


class StaffError(ValueError):
    """An account cannot be created or changed as asked. `problems`: field -> code."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            "; ".join(f"{field}: {MESSAGES.get(code, code)}" for field, code in problems.items())
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str, problems: dict[str, str]) -> str:
    email = normalise_email(email)
    if len(email) > 254 or not _EMAIL.match(email):
        problems["email"] = "email_invalid"
    return email


def check_name(name: str, problems: dict[str, str]) -> str:
    name = " ".join(name.split())
    if not name:
        problems["name"] = "name_required"
    elif len(name) > 120:
        problems["name"] = "name_too_long"
    return name


def check_role(role: str, problems: dict[str, str]) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        problems["role"] = "role_invalid"
    return role


def check_partner(partner: str | None, role: str, problems: dict[str, str]) -> str | None:
    partner = " ".join((partner or "").split()) or None
    if partner is None and role == COUNSELLOR:
        problems["partner"] = "partner_required"
    elif partner is not None and len(partner) > 64:
        problems["partner"] = "partner_too_long"
    return partner


def check_provinces(codes: Iterable[str], problems: dict[str, str]) -> list[str]:
    """Known gazetteer codes, each once, in the order given."""
    cleaned = list(dict.fromkeys(code.strip().lower() for code in codes if code.strip()))
    if any(gazetteer.get(code) is None for code in cleaned):
        problems["provinces"] = "province_unknown"
    return cleaned


def check_phone(phone: str | None, problems: dict[str, str]) -> str | None:
    if not phone or not phone.strip():
        return None
    try:
        return split_address(phone)[1]
    except InvalidAddress:
        problems["phone"] = "phone_invalid"
        return phone.strip()


def check_password(password: str, problems: dict[str, str]) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        problems["password"] = "password_too_short"
    elif len(password) > PASSWORD_MAX_LENGTH:
        problems["password"] = "password_too_long"
    return password
