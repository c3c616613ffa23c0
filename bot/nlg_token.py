"""The token Rasa sends to the NLG endpoint, derived from SECRET_KEY."""

from __future__ import annotations

import hashlib
import hmac

from bot.settings import Settings


def nlg_token(settings: Settings) -> str:
    if settings.nlg_token:
        return settings.nlg_token
    return hmac.new(settings.secret_key.encode(), b"rasa-nlg", hashlib.sha256).hexdigest()[:32]
