"""WhatsApp's 24-hour window: which way a message goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.messaging import window

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TEMPLATES = {"fr": "HX" + "f" * 32, "ary_Latn": "HX" + "a" * 32}


def test_sms_and_recent_whatsapp_go_as_free_text() -> None:
    assert window.route("sms", None, NOW, "fr", TEMPLATES, True).kind == window.FREE_TEXT
    recent = NOW - timedelta(hours=23)
    assert window.route("whatsapp", recent, NOW, "fr", TEMPLATES, True).kind == window.FREE_TEXT


def test_outside_the_window_her_languages_template_is_used() -> None:
    old = NOW - timedelta(hours=25)
    chosen = window.route("whatsapp", old, NOW, "ary_Latn", TEMPLATES, True)
    assert chosen == window.Route(window.TEMPLATE, TEMPLATES["ary_Latn"])
    # No template in her language: the French one rather than a refused message.
    assert window.route("whatsapp", old, NOW, "ar", TEMPLATES, True).content_sid == TEMPLATES["fr"]


def test_without_any_template_it_falls_back_to_sms() -> None:
    old = NOW - timedelta(days=3)
    assert window.route("whatsapp", old, NOW, "fr", {}, True).kind == window.SMS_FALLBACK
    # No SMS number either: free text, and Twilio's 63016 is recorded on the message.
    assert window.route("whatsapp", old, NOW, "fr", {}, False).kind == window.FREE_TEXT


def test_templates_setting_is_read_and_checked() -> None:
    assert window.parse_templates(" fr=HX1 , ary=HX2 ") == {"fr": "HX1", "ary": "HX2"}
    assert window.parse_templates("") == {}
    with pytest.raises(window.TemplatesError):
        window.parse_templates("fr=MG123")
