"""Rasa's callback NLG, asking the endpoint with her tracker's state but not its events.

Rasa 3.6 sends every response request with the whole tracker (`EventVerbosity.ALL`: every
event of the session, serialised, and once more for a debug line that is built even when
it is not logged). The project's endpoint (`webhooks/nlg.py`) reads only the slots and the
latest message's metadata, which the state without events still has; so each reply costs
Rasa and the web a payload that no longer grows with the conversation.

Rasa loads it from `endpoints.yml`:

    nlg:
      type: minajliki_core.nlg.StateOnlyCallbackNLG
      url: …
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.callback import CallbackNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig


class StateOnlyCallbackNLG(CallbackNaturalLanguageGenerator):
    """The callback NLG; the tracker goes as its state without events."""

    def __init__(self, endpoint_config: EndpointConfig, domain: Domain | None = None) -> None:
        # Rasa's loader passes the domain too; the callback generator does not need it.
        super().__init__(endpoint_config)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        return await super().generate(utter_action, _StateOnly(tracker), output_channel, **kwargs)


class _StateOnly:
    """Her tracker, whose `current_state` leaves the events out whatever it is asked."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Any:
        return self._tracker.current_state(EventVerbosity.NONE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)
