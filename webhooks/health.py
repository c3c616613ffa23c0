"""Liveness: the process answers and its database is reachable."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from webhooks.context import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db().execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok")
