"""Custom actions served by the rasa_sdk action server (app env, imports `bot`)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.actions.menus import MAIN, resolve
from rasa_project.actions.misunderstanding import OFFER_COUNSELLOR_AFTER, consecutive_misses


class ActionShowMenu(Action):
    """Remember that the main menu is on her screen, so a digit answers it."""

    def name(self) -> str:
        return "action_show_menu"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("menu", MAIN)]


class ActionChooseOption(Action):
    """Answer a bare number with what it means in the last menu."""

    def name(self) -> str:
        return "action_choose_option"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        digit = next(tracker.get_latest_entity_values("choice"), None)
        choice = resolve(tracker.get_slot("menu"), digit)
        if choice is None:
            dispatcher.utter_message(response="utter_invalid_choice")
        else:
            dispatcher.utter_message(response=choice.response)
        return [SlotSet("menu", MAIN)]


class ActionNotUnderstood(Action):
    """Say so with the menu; after two misses in a row, offer a counsellor."""

    def name(self) -> str:
        return "action_not_understood"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if consecutive_misses(tracker.events) >= OFFER_COUNSELLOR_AFTER:
            dispatcher.utter_message(response="utter_offer_counsellor")
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("menu", MAIN)]
