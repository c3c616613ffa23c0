"""What the bot is given for one inbound message."""

from __future__ import annotations

import json
import re

from bot.messaging.models import Message

# ASCII, Arabic-Indic and Eastern Arabic-Indic (Persian) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def menu_choice(text: str) -> int | None:
    """A bare number answers the last numbered menu: "2", "٢", " 3. "."""
    match = _BARE_NUMBER.match(text.translate(_DIGITS))
    return int(match.group(1)) if match else None


SHARE_LOCATION = "/share_location"


def text_for_rasa(message: Message) -> str:
    """The text or, for a bare number, the `choose_option` intent with its choice; a shared
    location is the `share_location` intent (its coordinates go in the metadata)."""
    if message.latitude is not None and message.longitude is not None:
        return SHARE_LOCATION
    choice = menu_choice(message.body)
    if choice is not None:
        return "/choose_option" + json.dumps({"choice": str(choice)})
    # A leading "/" would let her trigger intents by name.
    text = message.body.lstrip("/")
    if not text.strip():
        # Media alone (a photo, a voice note) or only slashes: show her what the bot can do.
        return "/help"
    return text
