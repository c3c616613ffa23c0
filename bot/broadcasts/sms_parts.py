"""How many SMS segments a text costs: GSM-7 (160, then 153 a part) or UCS-2 (70, then 67).

One character outside GSM-7's alphabet (any Arabic letter, most emojis, "ç" is fine but
"ê" is not) switches the whole text to UCS-2. GSM-7's extension characters ({ } [ ] ~ \\ |
^ €) take two septets, and a multipart message never splits one across two parts; in
UCS-2 an emoji outside the BMP is two code units that stay together too.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "gsm7"
UCS2 = "ucs2"

# GSM 03.38 default alphabet and its extension table (each extension costs an escape too).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}  # the rest of each part carries the concatenation header


@dataclass(frozen=True)
class SmsCount:
    encoding: str
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def encoding_of(text: str) -> str:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def _unit_sizes(text: str, encoding: str) -> list[int]:
    """The size of each character, in the encoding's units; never split across parts."""
    if encoding == GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> SmsCount:
    """Segments Twilio bills for `text` sent as one SMS (0 for an empty text)."""
    encoding = encoding_of(text)
    sizes = _unit_sizes(text, encoding)
    units = sum(sizes)
    if units == 0:
        return SmsCount(encoding, 0, 0)
    if units <= SINGLE[encoding]:
        return SmsCount(encoding, units, 1)
    segments, room = 1, PART[encoding]
    for size in sizes:
        if size > room:  # this character starts the next part
            segments, room = segments + 1, PART[encoding]
        room -= size
    return SmsCount(encoding, units, segments)
