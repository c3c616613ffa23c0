"""First contact and her language choice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.actions.menus import LANGUAGE


class ActionWelcome(Action):
    """Her very first message: a short welcome and the numbered language choice."""

    def name(self) -> str:
        return "action_welcome"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_welcome")
        return [SlotSet("menu", LANGUAGE)]


class ActionAskLanguage(Action):
    def name(self) -> str:
        return "action_ask_language"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_language")
        return [SlotSet("menu", LANGUAGE)]
