"""The consent text she agrees to, by version (the text itself is in locales/)."""

from __future__ import annotations

# Bump when the consent text in bot/responses.py changes: the version she agreed to is kept.
CONSENT_VERSION = "2026-11-v1"
