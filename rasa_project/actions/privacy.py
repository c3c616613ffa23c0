"""Opt-out and opt-in in words, and the request to erase her data."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.beneficiaries import reachability
from rasa_project.actions.context import her_record
from rasa_project.actions.menus import ERASURE, MAIN


class ActionOptOut(Action):
    """'7bso lmessagat': the same as the STOP keyword."""

    def name(self) -> str:
        return "action_opt_out"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with her_record(tracker) as (session, beneficiary):
            if beneficiary is not None:
                reachability.opt_out(session, beneficiary, source="intent")
        dispatcher.utter_message(response="utter_opted_out")
        return [SlotSet("menu", MAIN)]


class ActionOptIn(Action):
    def name(self) -> str:
        return "action_opt_in"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with her_record(tracker) as (session, beneficiary):
            if beneficiary is not None:
                reachability.opt_in(session, beneficiary)
        dispatcher.utter_message(response="utter_opted_in")
        return [SlotSet("menu", MAIN)]


class ActionAskErasure(Action):
    """Erasure cannot be undone: she confirms with 1 first."""

    def name(self) -> str:
        return "action_ask_erasure"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_confirm_erasure")
        return [SlotSet("menu", ERASURE)]
