"""Liveness (/healthz: the process answers, its database too) and readiness (/readyz:
the database, the broker and Rasa all answer, so a message sent now is handled)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from bot.readiness import check
from webhooks.context import db, runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db().execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    readiness = check(runtime())
    status = "ok" if readiness.ready else "not ready"
    return jsonify(status=status, **readiness.checks), 200 if readiness.ready else 503
