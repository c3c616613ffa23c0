"""Custom actions served by the rasa_sdk action server (app env, imports `bot`)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.beneficiaries.erasure import request_erasure
from bot.handoffs.models import Handoff
from bot.registration import services
from rasa_project.actions.context import her_record, latest_intent, menu_on_screen, message_language
from rasa_project.actions.handoff import hand_over
from rasa_project.actions.menus import (
    FIX,
    MAIN,
    YES_NO_MENUS,
    resolve,
)
from rasa_project.actions.misunderstanding import (
    HAND_OVER_AFTER,
    OFFER_COUNSELLOR_AFTER,
    consecutive_misses,
)
from rasa_project.actions.orientation import answer, answer_contact
from rasa_project.actions.trainings import (
    answer_attendance,
    cancel_training,
    enroll,
    pick_enrollment,
)

DARIJA = ("ary", "ary_Latn")


class ActionShowMenu(Action):
    """Remember that the main menu is on her screen, so a digit answers it."""

    def name(self) -> str:
        return "action_show_menu"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("menu", MAIN)]


def digit_of(tracker: Tracker) -> str | None:
    """The number she answered; a yes or a no count as 1 and 2 where the menu asks so."""
    intent, _ = latest_intent(tracker)
    if intent == "affirm" and menu_on_screen(tracker) in YES_NO_MENUS:
        return "1"
    if intent == "deny" and menu_on_screen(tracker) in YES_NO_MENUS:
        return "2"
    return next(tracker.get_latest_entity_values("choice"), None)


class ActionChooseOption(Action):
    """Answer a bare number (or a yes/no) with what it means in the last menu."""

    def name(self) -> str:
        return "action_choose_option"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        choice = resolve(menu_on_screen(tracker), digit_of(tracker))
        if choice is None:
            if intent in ("affirm", "deny"):  # a yes or no with no question asked
                dispatcher.utter_message(response="utter_help")
            else:
                dispatcher.utter_message(response="utter_invalid_choice")
            return [SlotSet("menu", MAIN)]
        if choice.startswith("utter_"):
            dispatcher.utter_message(response=choice)
            return [SlotSet("menu", MAIN)]
        if choice.startswith("action_"):
            return [SlotSet("menu", None), FollowupAction(choice)]
        handler, _, argument = choice.partition(":")
        return HANDLERS[handler](dispatcher, tracker, argument)


def choose_language(
    dispatcher: CollectingDispatcher, tracker: Tracker, language: str
) -> list[EventType]:
    if language == "ary":
        # Darija in the script she writes: Arabic script if she writes Arabic.
        written = message_language(tracker)
        language = written if written in DARIJA else "ary" if written == "ar" else "ary_Latn"
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is not None:
            services.set_language(session, beneficiary, language)
    dispatcher.utter_message(response="utter_language_set", language=language)
    return [SlotSet("menu", MAIN)]


def answer_consent(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer: str
) -> list[EventType]:
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is not None:
            services.record_consent(session, beneficiary, given=answer == "yes")
    if answer == "yes":
        dispatcher.utter_message(response="utter_consent_given")
        return [SlotSet("menu", None), FollowupAction("action_start_registration")]
    dispatcher.utter_message(response="utter_consent_refused")
    return [SlotSet("menu", MAIN), *clear_form_slots()]


def answer_erasure(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer: str
) -> list[EventType]:
    if answer != "yes":
        dispatcher.utter_message(response="utter_erasure_cancelled")
        return [SlotSet("menu", MAIN)]
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is not None:
            request_erasure(session, beneficiary)
    dispatcher.utter_message(response="utter_erasure_done")
    return [SlotSet("menu", MAIN), *clear_form_slots()]


def fix_answer(dispatcher: CollectingDispatcher, tracker: Tracker, field: str) -> list[EventType]:
    if field == "ask":
        dispatcher.utter_message(response="utter_ask_fix")
        return [SlotSet("menu", FIX)]
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is not None and beneficiary.has_consented:
            services.clear_answer(session, beneficiary, field)
    dispatcher.utter_message(response="utter_fix_ok")
    declined = [SlotSet("reg_name_declined", True)] if field == "first_name" else []
    return [*declined, SlotSet("menu", None), FollowupAction("action_start_registration")]


def clear_form_slots() -> list[EventType]:
    from rasa_project.actions.registration import FORM_SLOTS, HELPER_SLOTS

    return [SlotSet(name, None) for name in (*FORM_SLOTS, *HELPER_SLOTS)]


HANDLERS = {
    "language": choose_language,
    "consent": answer_consent,
    "erase": answer_erasure,
    "fix": fix_answer,
    "enroll": enroll,
    "pick_enrollment": pick_enrollment,
    "cancel_training": cancel_training,
    "attendance": answer_attendance,
    "orient": answer,
    "orient_contact": answer_contact,
}


class ActionNotUnderstood(Action):
    """Say so with the menu; after two misses in a row, offer a counsellor."""

    def name(self) -> str:
        return "action_not_understood"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        misses = consecutive_misses(tracker.events)
        if misses >= HAND_OVER_AFTER:
            return hand_over(dispatcher, tracker, Handoff.MISUNDERSTOOD)
        if misses >= OFFER_COUNSELLOR_AFTER:
            dispatcher.utter_message(response="utter_offer_counsellor")
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("menu", MAIN)]
