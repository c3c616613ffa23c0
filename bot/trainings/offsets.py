"""When reminders go: MINAJLIKI_REMINDER_OFFSETS="48h, 2h" before each session.

Kept apart from the reminders themselves: settings validate it without importing models.
"""

from __future__ import annotations

import re
from datetime import timedelta

DEFAULT_OFFSETS = "48h, 2h"
_OFFSET = re.compile(r"^(\d+)\s*([dhm])$")
_UNIT_MINUTES = {"d": 24 * 60, "h": 60, "m": 1}


class OffsetsError(ValueError):
    """MINAJLIKI_REMINDER_OFFSETS cannot be read."""


def parse_offsets(raw: str | None) -> tuple[timedelta, ...]:
    """'48h, 2h' → (48 h, 2 h), farthest first. Units: d, h, m."""
    offsets: set[timedelta] = set()
    for item in (raw if raw is not None else DEFAULT_OFFSETS).split(","):
        item = item.strip().lower()
        if not item:
            continue
        match = _OFFSET.match(item)
        if not match or int(match.group(1)) == 0:
            raise OffsetsError(f"expected offsets like '48h, 2h, 30m', got {item!r}")
        offsets.add(timedelta(minutes=int(match.group(1)) * _UNIT_MINUTES[match.group(2)]))
    return tuple(sorted(offsets, reverse=True))


def minutes(offset: timedelta) -> int:
    return int(offset.total_seconds() // 60)
