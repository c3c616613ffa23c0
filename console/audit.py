"""The audit log, for admins: newest first, a page at a time."""

from __future__ import annotations

from flask import render_template, request

from bot.staff.audit import audit_page
from bot.staff.models import ADMIN
from console.auth import roles_required
from console.blueprint import bp
from webhooks.context import db

PER_PAGE = 50


@bp.get("/audit")
@roles_required(ADMIN)
def audit_log() -> str:
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    entries, has_older = audit_page(db(), number, PER_PAGE)
    return render_template(
        "console/audit.html", entries=entries, page=number, has_older=has_older, active="audit"
    )
