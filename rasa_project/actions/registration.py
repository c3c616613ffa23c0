"""The registration form: start or resume it, read each answer, confirm, finish.

Rasa asks the questions in order (domain/registration.yml) and fills the requested slot
with whatever she wrote; `validate_registration_form` then reads it with bot.registration
and stores each good answer at once (after her consent), so she can stop and resume days
later. Everything she may say instead of an answer is handled here too: a correction,
help, a greeting, a request that cannot wait (counsellor, erasure, language), or two
wrong answers in a row, which pause the form and offer a counsellor.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.beneficiaries.models import Beneficiary
from bot.registration import corrections, questions, services
from rasa_project.actions.context import her_record, her_text, latest_intent
from rasa_project.actions.menus import CONSENT, MAIN, REGISTRATION_STUCK

FORM = "registration_form"
CONFIRM = "reg_confirm"
FORM_SLOTS = (*questions.FIELDS, CONFIRM)
HELPER_SLOTS = ("reg_choices", "reg_choices_kind", "reg_fixing", "reg_misses", "reg_name_declined")
MISSES_BEFORE_OFFER = 2
# Said in the middle of the form, these cannot wait: the form pauses for them.
INTERRUPTIONS = {
    "request_human": "action_request_human",
    "delete_my_data": "action_ask_erasure",
    "change_language": "action_ask_language",
    "show_profile": "action_show_profile",
    "opt_out": "action_opt_out",
    "ask_program_info": "utter_program_info",
}
INTERRUPTION_CONFIDENCE = 0.85
# Rasa's form says these itself (utter_ask_<slot>); the others have ask actions below.
ASKED_BY_FORM = (
    "utter_ask_age",
    "utter_ask_education_level",
    "utter_ask_situation",
    "utter_ask_goal",
)
HELP_FOR = {
    "first_name": "utter_help_first_name",
    "age": "utter_help_age",
    "province": "utter_help_province",
}


def slots_from_profile(beneficiary: Beneficiary) -> list[EventType]:
    answers = services.answers(beneficiary)
    # reg_name_declined stays: once she has said her WhatsApp name is not hers, or
    # corrected her name, it is not offered again.
    return [SlotSet(name, answers[name]) for name in questions.FIELDS] + [
        SlotSet(CONFIRM, None),
        *(SlotSet(name, None) for name in HELPER_SLOTS if name != "reg_name_declined"),
    ]


class ActionStartRegistration(Action):
    """Register, or resume where she stopped: consent first, then the form."""

    def name(self) -> str:
        return "action_start_registration"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with her_record(tracker) as (_, beneficiary):
            if beneficiary is None:
                dispatcher.utter_message(response="utter_default")
                return [SlotSet("menu", MAIN)]
            if beneficiary.is_registered:
                return [FollowupAction("action_show_profile")]
            if not beneficiary.has_consented:
                dispatcher.utter_message(response="utter_consent")
                return [SlotSet("menu", CONSENT)]
            resuming = services.next_question(beneficiary) != questions.FIELDS[0]
            events = slots_from_profile(beneficiary)
        if resuming:
            dispatcher.utter_message(response="utter_welcome_back")
        return [*events, SlotSet("menu", None), FollowupAction(FORM)]


class ValidateRegistrationForm(Action):
    """Read her answer to the requested question (see the module's docstring)."""

    def name(self) -> str:
        return "validate_registration_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        fresh = tracker.slots_to_validate()
        if requested not in fresh or fresh[requested] != (tracker.latest_message or {}).get("text"):
            return []  # slots filled from her stored profile: read already
        text = her_text(tracker).strip()
        with her_record(tracker) as (session, beneficiary):
            if beneficiary is None or not beneficiary.has_consented:
                dispatcher.utter_message(response="utter_default")
                return stop_form(menu=MAIN)
            step = Step(dispatcher, tracker, session, beneficiary, requested, text)
            return step.run()


class Step:
    """One answer to one question."""

    def __init__(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        session: Any,
        beneficiary: Beneficiary,
        question: str,
        text: str,
    ) -> None:
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.session = session
        self.beneficiary = beneficiary
        self.question = question
        self.text = text

    def run(self) -> list[EventType]:
        digit = questions.single_digit(self.text) is not None
        intent, confidence = latest_intent(self.tracker)
        target = None if digit else corrections.correction_target(self.text)
        if target is not None and self.question != CONFIRM:
            return self.correct(target)
        if not digit and confidence >= INTERRUPTION_CONFIDENCE and intent in INTERRUPTIONS:
            return self.interrupt(INTERRUPTIONS[intent])
        if not digit and intent == "goodbye" and confidence >= INTERRUPTION_CONFIDENCE:
            self.dispatcher.utter_message(response="utter_registration_paused")
            return [SlotSet(self.question, self.current_value()), *stop_form(menu=MAIN)]
        if self.question == CONFIRM:
            return self.confirm(intent, target)
        if not digit and intent in ("greet", "help") and confidence >= INTERRUPTION_CONFIDENCE:
            if intent == "greet":
                self.dispatcher.utter_message(response="utter_welcome_back")
            return [SlotSet(self.question, None)]  # asked again, not counted as a miss
        return self.answer()

    def answer(self) -> list[EventType]:
        context: dict[str, object] = {
            "choices": self.tracker.get_slot("reg_choices") or (),
            "choices_kind": self.tracker.get_slot("reg_choices_kind"),
        }
        if self.question == "first_name" and not self.tracker.get_slot("reg_name_declined"):
            context["offered"] = self.beneficiary.profile_name
        answer = questions.read(self.question, self.text, **context)
        if answer.ok:
            services.save_answer(self.session, self.beneficiary, self.question, answer.value)
            return [
                SlotSet(self.question, answer.value),
                SlotSet("reg_misses", 0),
                SlotSet("reg_choices", None),
                SlotSet("reg_choices_kind", None),
            ]
        if answer.problem == questions.WRITE_NAME:
            return [SlotSet(self.question, None), SlotSet("reg_name_declined", True)]
        if answer.choices:
            # A short numbered list to choose from: not a wrong answer.
            if answer.problem == questions.UNKNOWN_PLACE:
                self.dispatcher.utter_message(response="utter_help_province")
            return [
                SlotSet(self.question, None),
                SlotSet("reg_choices", list(answer.choices)),
                SlotSet("reg_choices_kind", answer.choices_kind),
            ]
        return self.miss(answer.problem)

    def miss(self, problem: str | None) -> list[EventType]:
        misses = int(self.tracker.get_slot("reg_misses") or 0) + 1
        if misses >= MISSES_BEFORE_OFFER:
            self.dispatcher.utter_message(response="utter_registration_stuck")
            return [
                SlotSet(self.question, None),
                SlotSet("reg_misses", 0),
                *stop_form(menu=REGISTRATION_STUCK),
            ]
        if problem == questions.TOO_YOUNG:
            self.dispatcher.utter_message(response="utter_too_young")
        else:
            self.dispatcher.utter_message(response=HELP_FOR.get(self.question, "utter_help_choice"))
        return [SlotSet(self.question, None), SlotSet("reg_misses", misses)]

    def correct(self, target: str) -> list[EventType]:
        """'That is not right': ask that question again (the last one, if she did not say)."""
        if target == corrections.LAST:
            order = list(questions.FIELDS)
            index = order.index(self.question) if self.question in order else len(order)
            target = order[max(index - 1, 0)]
        services.clear_answer(self.session, self.beneficiary, target)
        self.dispatcher.utter_message(response="utter_fix_ok")
        events: list[EventType] = [SlotSet(target, None), SlotSet("reg_misses", 0)]
        if target == "first_name":
            events.append(SlotSet("reg_name_declined", True))
        if target != self.question:
            events.insert(0, SlotSet(self.question, self.current_value()))
        return events

    def current_value(self) -> object:
        """The stored answer of the requested question (the slot holds her text now)."""
        if self.question in questions.FIELDS:
            return getattr(self.beneficiary, self.question)
        return None

    def confirm(self, intent: str | None, target: str | None) -> list[EventType]:
        if self.tracker.get_slot("reg_fixing"):
            field = questions.pick(questions.FIELDS, self.text)
            if field is None:
                return self.miss(questions.NOT_UNDERSTOOD)
            services.clear_answer(self.session, self.beneficiary, field)
            self.dispatcher.utter_message(response="utter_fix_ok")
            events = [SlotSet(field, None), SlotSet(CONFIRM, None), SlotSet("reg_fixing", False)]
            if field == "first_name":
                events.append(SlotSet("reg_name_declined", True))
            return events
        number = questions.single_digit(self.text)
        if number == 1 or (number is None and intent == "affirm" and target is None):
            if services.confirm_registration(self.session, self.beneficiary):
                return [SlotSet(CONFIRM, True), SlotSet("reg_misses", 0)]
            return [SlotSet(CONFIRM, None)]
        if target not in (None, corrections.LAST):
            services.clear_answer(self.session, self.beneficiary, target)
            self.dispatcher.utter_message(response="utter_fix_ok")
            return [SlotSet(target, None), SlotSet(CONFIRM, None)]
        if number == 2 or intent == "deny" or target is not None:
            return [SlotSet(CONFIRM, None), SlotSet("reg_fixing", True), SlotSet("reg_misses", 0)]
        return self.miss(questions.NOT_UNDERSTOOD)

    def interrupt(self, action: str) -> list[EventType]:
        """Pause the form (her answers are kept) for what cannot wait."""
        events = [SlotSet(self.question, self.current_value()), *stop_form(menu=None)]
        if action.startswith("utter_"):
            self.dispatcher.utter_message(response=action)
            return [*events, SlotSet("menu", MAIN)]
        return [*events, FollowupAction(action)]


def stop_form(menu: str | None) -> list[EventType]:
    """End the form now; her stored answers stay, and the next start resumes from them."""
    return [SlotSet("requested_slot", None), ActiveLoop(None), SlotSet("menu", menu)]


class ActionAskFirstName(Action):
    """Offer her WhatsApp name for confirmation, unless she has declined it."""

    def name(self) -> str:
        return "action_ask_first_name"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        offered = None
        if not tracker.get_slot("reg_name_declined"):
            with her_record(tracker) as (_, beneficiary):
                offered = beneficiary.profile_name if beneficiary is not None else None
        if offered and questions.read_first_name(offered).ok:
            dispatcher.utter_message(response="utter_ask_first_name_offered", offered_name=offered)
        else:
            dispatcher.utter_message(response="utter_ask_first_name")
        return []


class ActionAskProvince(Action):
    """Her city, or the short numbered list she must choose from."""

    def name(self) -> str:
        return "action_ask_province"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        choices = tracker.get_slot("reg_choices")
        if not choices:
            dispatcher.utter_message(response="utter_ask_province")
        elif tracker.get_slot("reg_choices_kind") == "region":
            dispatcher.utter_message(response="utter_ask_region_choice", choices=choices)
        else:
            dispatcher.utter_message(response="utter_ask_province_choice", choices=choices)
        return []


class ActionAskRegConfirm(Action):
    """The summary to confirm, or which answer to change."""

    def name(self) -> str:
        return "action_ask_reg_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("reg_fixing"):
            dispatcher.utter_message(response="utter_ask_fix")
        else:
            dispatcher.utter_message(response="utter_ask_reg_confirm")
        return []


class ActionFinishRegistration(Action):
    """After the form: congratulate her if she confirmed (a pause needs no words)."""

    def name(self) -> str:
        return "action_finish_registration"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot(CONFIRM) is not True:
            return []
        with her_record(tracker) as (_, beneficiary):
            registered = beneficiary is not None and beneficiary.is_registered
            first_name = beneficiary.first_name if beneficiary is not None else None
        if registered:
            dispatcher.utter_message(response="utter_registered", first_name=first_name)
        return [SlotSet("menu", MAIN), *(SlotSet(name, None) for name in HELPER_SLOTS)]
