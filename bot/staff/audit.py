"""The audit log: who did what, to which record, from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.staff.models import AuditLog, StaffUser


def audit(
    session: Session,
    actor: StaffUser | None,
    action: str,
    target_type: str,
    target_id: object = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Add an entry to the session; it is written with the caller's commit (same transaction
    as the change it records)."""
    entry = AuditLog(
        staff_user_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details or {},
        ip=(ip or None) and ip[:45],
    )
    session.add(entry)
    return entry


def audit_page(session: Session, page: int, per_page: int = 50) -> tuple[list[AuditLog], bool]:
    """Entries of page `page` (from 1), newest first, and whether older ones follow."""
    page = max(page, 1)
    rows = session.scalars(
        select(AuditLog)
        .options(selectinload(AuditLog.staff_user))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return list(rows[:per_page]), len(rows) > per_page
