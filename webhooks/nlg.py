"""Rasa's NLG callback: every bot response is rendered here from the Babel catalogs."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, abort, jsonify, request

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, render
from bot.nlg_token import nlg_token
from webhooks.context import runtime

bp = Blueprint("nlg", __name__)
log = logging.getLogger(__name__)


def language_of(tracker: dict[str, Any], arguments: dict[str, Any]) -> str:
    """Her language: the worker puts it in each message's metadata; an action that has
    just changed it says so in the response's arguments."""
    latest = tracker.get("latest_message") or {}
    metadata = latest.get("metadata") or {}
    for candidate in (arguments.get("language"), metadata.get("language")):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


@bp.post("/nlg")
def generate():  # type: ignore[no-untyped-def]
    expected = nlg_token(runtime().settings)
    if not hmac.compare_digest(request.args.get("token", ""), expected):
        abort(403)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("response"), str):
        abort(400, "expected Rasa's NLG request")
    tracker = payload.get("tracker") if isinstance(payload.get("tracker"), dict) else {}
    arguments = payload.get("arguments") if isinstance(payload.get("arguments"), dict) else {}
    slots = {k: v for k, v in (tracker.get("slots") or {}).items() if v is not None}
    language = language_of(tracker, arguments)
    text = render(payload["response"], language, **{**slots, **arguments})
    if text is None:
        log.error("no text for response %r", payload["response"])
        text = render("utter_default", language) or ""
    return jsonify(text=text, buttons=[], image=None, elements=[], attachments=[], custom={})
