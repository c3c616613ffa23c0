"""A new conversation session that goes on with whatever she was doing.

A session ends after a day of silence (domain/core.yml `session_config`), so Rasa loads
and replays only the latest session's events, not everything she ever said. Rasa's own
`action_session_start` carries the slots over but not an active form: she would answer
the registration question she was asked and the form would no longer be listening. This
one mirrors Rasa 3.6's (`rasa/core/actions/action.py`, ActionSessionStart: SessionStarted,
the old session's slots, action_listen) and restores the active form as well.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    """SessionStarted, her slots, the form she was in, then wait for her message."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # SessionStarted resets Rasa's tracker (slots, active loop): what she had comes
        # after it. tracker.slots holds the old session's values, and the
        # session_started_metadata slot Rasa has just set from her message, as Rasa's
        # default carries it too.
        events: list[EventType] = [SessionStarted()]
        if carries_slots_over(domain):
            events += [
                SlotSet(key, value) for key, value in tracker.slots.items() if value is not None
            ]
            # The form she was in goes on: her next message answers its requested_slot.
            if tracker.active_loop_name:
                events.append(ActiveLoop(tracker.active_loop_name))
        events.append(ActionExecuted("action_listen"))
        return events


def carries_slots_over(domain: dict[str, Any]) -> bool:
    """The domain's carry_over_slots_to_new_session (Rasa's default: yes)."""
    config = domain.get("session_config") or {}
    return bool(config.get("carry_over_slots_to_new_session", True))
