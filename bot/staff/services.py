"""Staff accounts: create, sign in, change, deactivate. Every change is audited and committed
in one transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.staff import validation as v
from bot.staff.audit import audit
from bot.staff.models import ADMIN, StaffUser
from bot.staff.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from bot.staff.validation import StaffError

__all__ = [
    "EDITABLE_FIELDS",
    "StaffError",
    "audit",
    "authenticate",
    "create_user",
    "deactivate",
    "get_by_email",
    "list_users",
    "set_password",
    "update_user",
]

TARGET = "staff_user"
EDITABLE_FIELDS = ("name", "role", "partner", "provinces", "phone", "active")


def get_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == v.normalise_email(email)))


def list_users(session: Session) -> list[StaffUser]:
    return list(
        session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name))
    )


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    partner: str | None = None,
    provinces: Iterable[str] = (),
    phone: str | None = None,
    actor: StaffUser | None = None,
    ip: str | None = None,
) -> StaffUser:
    """Create an account (every problem is reported at once, as StaffError). Commits."""
    problems: dict[str, str] = {}
    email = v.check_email(email, problems)
    name = v.check_name(name, problems)
    role = v.check_role(role, problems)
    partner = v.check_partner(partner, role, problems)
    codes = v.check_provinces(provinces, problems)
    phone = v.check_phone(phone, problems)
    v.check_password(password, problems)
    if "email" not in problems and get_by_email(session, email) is not None:
        problems["email"] = "email_taken"
    if problems:
        raise StaffError(problems)
    user = StaffUser(
        email=email,
        name=name,
        role=role,
        partner=partner,
        provinces=codes,
        phone=phone,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # the same address created at the same moment
        session.rollback()
        raise StaffError({"email": "email_taken"}) from exc
    details = {"email": email, "role": role, "partner": partner, "provinces": codes}
    audit(session, actor, "user.create", TARGET, user.id, details, ip)
    session.commit()
    return user


def authenticate(
    session: Session, email: str, password: str, *, ip: str | None = None
) -> StaffUser | None:
    """The active account with this email and password, or None. Audited and committed.

    Every outcome costs one Argon2 verification, so timing does not tell which addresses
    have accounts; the reason for a refusal is kept in the audit log only.
    """
    user = get_by_email(session, email)
    if user is None:
        burn_verification_time(password)
        reason = "unknown_email"
    elif not verify_password(user.password_hash, password):
        reason = "wrong_password"
    elif not user.active:
        reason = "inactive"
    else:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        audit(session, user, "login.success", TARGET, user.id, ip=ip)
        session.commit()
        return user
    # No actor: whoever typed the password is not known to be her. What was typed as the
    # address is kept only if it looks like one (not a password typed in the wrong box).
    typed: dict[str, str] = {}
    address = v.check_email(email, typed)
    details = {"email": "(invalid)" if typed else address, "reason": reason}
    audit(session, None, "login.failure", TARGET, user.id if user else None, details, ip)
    session.commit()
    return None


def set_password(
    session: Session,
    user: StaffUser,
    password: str,
    *,
    actor: StaffUser | None = None,
    ip: str | None = None,
) -> None:
    """Replace her password (at least 10 characters). Commits.

    The console signs out every session of hers once the hash changes.
    """
    problems: dict[str, str] = {}
    v.check_password(password, problems)
    if problems:
        raise StaffError(problems)
    user.password_hash = hash_password(password)
    action = (
        "user.password_change"
        if actor is not None and actor.id == user.id
        else ("user.password_reset")
    )
    audit(session, actor, action, TARGET, user.id, ip=ip)
    session.commit()


def update_user(
    session: Session,
    user: StaffUser,
    *,
    actor: StaffUser | None = None,
    ip: str | None = None,
    action: str = "user.update",
    **changes: Any,
) -> dict[str, list[Any]]:
    """Change some of EDITABLE_FIELDS; returns {field: [old, new]} of what changed. Commits.

    Refused (StaffError) when the result would be invalid, e.g. a counsellor without a
    partner, or no active admin left.
    """
    problems: dict[str, str] = {}
    for field in changes:
        if field not in EDITABLE_FIELDS:
            problems[field] = "unknown_field"
    values: dict[str, Any] = {
        "name": user.name,
        "role": user.role,
        "partner": user.partner,
        "provinces": list(user.provinces or []),
        "phone": user.phone,
        "active": user.active,
        **{k: val for k, val in changes.items() if k in EDITABLE_FIELDS},
    }
    values["name"] = v.check_name(str(values["name"] or ""), problems)
    values["role"] = v.check_role(str(values["role"] or ""), problems)
    values["partner"] = v.check_partner(values["partner"], values["role"], problems)
    values["provinces"] = v.check_provinces(values["provinces"] or [], problems)
    values["phone"] = v.check_phone(values["phone"], problems)
    values["active"] = bool(values["active"])
    stays_admin = values["role"] == ADMIN and values["active"]
    if user.is_admin and user.active and not stays_admin and _active_admins(session) <= 1:
        problems["active" if not values["active"] else "role"] = "last_admin"
    if problems:
        raise StaffError(problems)

    changed: dict[str, list[Any]] = {}
    for field in EDITABLE_FIELDS:
        old, new = getattr(user, field), values[field]
        if field == "provinces":
            old = list(old or [])
        if old != new:
            # Her phone number is personal: the log says that it changed, not to what.
            changed[field] = ["…", "…"] if field == "phone" else [old, new]
            setattr(user, field, new)
    if changed:
        audit(session, actor, action, TARGET, user.id, {"changes": changed}, ip)
        session.commit()
    return changed


def deactivate(
    session: Session, user: StaffUser, *, actor: StaffUser | None = None, ip: str | None = None
) -> None:
    """She can no longer sign in, and her open sessions end; her history stays. Commits."""
    if user.active:
        update_user(session, user, actor=actor, ip=ip, action="user.deactivate", active=False)


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(StaffUser.role == ADMIN, StaffUser.active.is_(True))
    return session.scalar(query) or 0
