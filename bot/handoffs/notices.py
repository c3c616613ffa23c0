"""What she is told when a person takes over, by reason and by office hours."""

from __future__ import annotations

from datetime import datetime

from bot.handoffs.models import Handoff
from bot.handoffs.office_hours import OfficeHours


def opening_notice(reason: str, hours: OfficeHours, now: datetime) -> tuple[str, dict[str, str]]:
    """(response name, values) telling her a counsellor will answer, and when."""
    opening = hours.next_opening(now)
    if reason == Handoff.DISTRESS:
        return "utter_handoff_distress", {}
    if reason == Handoff.MEDIA:
        name = "utter_handoff_media" if opening is None else "utter_handoff_media_closed"
    else:
        name = "utter_handoff_open" if opening is None else "utter_handoff_closed"
    return name, ({"when": opening.isoformat()} if opening is not None else {})


RESOLVED_NOTICE = "utter_handoff_resolved"
IDLE_NOTICE = "utter_handoff_idle"
