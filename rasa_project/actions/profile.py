"""'My information': what the programme keeps about her, and a way to change it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.registration import services
from rasa_project.actions.context import her_record
from rasa_project.actions.menus import MAIN, PROFILE


class ActionShowProfile(Action):
    def name(self) -> str:
        return "action_show_profile"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with her_record(tracker) as (_, beneficiary):
            if beneficiary is None or not beneficiary.has_consented:
                dispatcher.utter_message(response="utter_no_profile")
                return [SlotSet("menu", MAIN)]
            answers = services.answers(beneficiary)
            registered = beneficiary.is_registered
        if registered:
            dispatcher.utter_message(response="utter_profile", **answers)
            return [SlotSet("menu", PROFILE)]
        dispatcher.utter_message(response="utter_profile_incomplete", **answers)
        return [SlotSet("menu", MAIN)]  # 1 in the main menu resumes registration
