"""Trainings in the conversation: the list, enrolling, her trainings, cancelling, and her
answers to reminders. The rules (seats, waiting list, promotion) live in bot.trainings."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.db import utcnow
from bot.runtime import get_runtime
from bot.trainings import services
from bot.trainings.models import Enrollment
from bot.trainings.services import session_values
from bot.trainings.texts import enrollment_lines, training_lines
from rasa_project.actions.context import her_record, message_language, metadata
from rasa_project.actions.menus import ATTENDANCE, CANCEL_TRAINING, MAIN, MY_TRAININGS, TRAININGS


def _back_to_menu() -> list[EventType]:
    return [
        SlotSet("menu", MAIN),
        SlotSet("training_choices", None),
        SlotSet("training_pick", None),
    ]


def _tell_promoted(promoted: list[Enrollment]) -> None:
    """Women moved up from the waiting list have a notice queued: send it now."""
    for enrollment in promoted:
        get_runtime().enqueue(enrollment.beneficiary_id)


class ActionListTrainings(Action):
    def name(self) -> str:
        return "action_list_trainings"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = message_language(tracker)
        with her_record(tracker) as (session, beneficiary):
            if beneficiary is None or not beneficiary.is_registered:
                dispatcher.utter_message(response="utter_trainings_need_registration")
                return _back_to_menu()
            trainings = services.upcoming_for(session, beneficiary, utcnow())
            lines = training_lines(trainings, language)
            ids = [training.id for training in trainings]
        if not ids:
            dispatcher.utter_message(response="utter_no_trainings")
            return _back_to_menu()
        dispatcher.utter_message(response="utter_trainings_list", trainings=lines)
        return [SlotSet("menu", TRAININGS), SlotSet("training_choices", ids)]


class ActionMyTrainings(Action):
    def name(self) -> str:
        return "action_my_trainings"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return show_my_trainings(dispatcher, tracker)


def show_my_trainings(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    language = message_language(tracker)
    with her_record(tracker) as (session, beneficiary):
        enrollments = services.my_enrollments(session, beneficiary, utcnow()) if beneficiary else []
        lines = enrollment_lines(session, enrollments, language)
        ids = [enrollment.id for enrollment in enrollments]
    if not ids:
        dispatcher.utter_message(response="utter_no_my_trainings")
        return _back_to_menu()
    dispatcher.utter_message(response="utter_my_trainings", trainings=lines)
    return [SlotSet("menu", MY_TRAININGS), SlotSet("training_choices", ids)]


def _listed(tracker: Tracker, number: str) -> int | None:
    """The id behind the number she chose in the last list, if it was listed."""
    choices = tracker.get_slot("training_choices") or []
    index = int(number) - 1 if number.isdigit() else -1
    if 0 <= index < len(choices):
        return int(choices[index])
    return None


def enroll(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> list[EventType]:
    training_id = _listed(tracker, number)
    if training_id is None:
        dispatcher.utter_message(response="utter_help_choice")
        return []  # the list is still on her screen
    language = message_language(tracker)
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is None or not beneficiary.is_registered:
            dispatcher.utter_message(response="utter_trainings_need_registration")
            return _back_to_menu()
        result = services.enroll(session, training_id, beneficiary, utcnow())
        session.commit()
        values: dict[str, Any] = {}
        if result.enrollment is not None:
            values = session_values(result.enrollment.session, language)
    tell_enrollment(dispatcher, result, values)
    return _back_to_menu()


def tell_enrollment(
    dispatcher: CollectingDispatcher, result: services.EnrollResult, values: dict[str, Any]
) -> None:
    """Enrolled, on the waiting list (and where), already in, or closed."""
    response = {
        services.ENROLLED: "utter_training_enrolled",
        services.WAITLISTED: "utter_training_waitlisted",
        services.ALREADY: "utter_training_already",
        services.CLOSED: "utter_training_closed",
    }[result.outcome]
    if result.outcome == services.ALREADY and result.position is not None:
        response = "utter_training_waitlisted"  # already waiting: her place in the queue
    dispatcher.utter_message(response=response, position=result.position, **values)


def pick_enrollment(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: str
) -> list[EventType]:
    enrollment_id = _listed(tracker, number)
    if enrollment_id is None:
        dispatcher.utter_message(response="utter_help_choice")
        return []
    language = message_language(tracker)
    with her_record(tracker) as (session, beneficiary):
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None or beneficiary is None or enrollment.beneficiary_id != beneficiary.id:
            dispatcher.utter_message(response="utter_invalid_choice")
            return _back_to_menu()
        values = session_values(enrollment.session, language)
    dispatcher.utter_message(response="utter_ask_cancel_training", **values)
    return [SlotSet("menu", CANCEL_TRAINING), SlotSet("training_pick", enrollment_id)]


def cancel_training(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer: str
) -> list[EventType]:
    if answer != "yes":
        dispatcher.utter_message(response="utter_training_kept")
        return _back_to_menu()
    return _cancel(dispatcher, tracker, tracker.get_slot("training_pick"))


def _cancel(
    dispatcher: CollectingDispatcher, tracker: Tracker, enrollment_id: object
) -> list[EventType]:
    runtime = get_runtime()
    with her_record(tracker) as (session, beneficiary):
        enrollment = services.get_enrollment(session, enrollment_id)
        if enrollment is None or beneficiary is None or enrollment.beneficiary_id != beneficiary.id:
            dispatcher.utter_message(response="utter_no_training_to_answer")
            return _back_to_menu()
        promoted = services.cancel(
            session, enrollment, Enrollment.BY_HER, utcnow(), runtime.quiet_hours
        )
        session.commit()
    _tell_promoted(promoted)
    dispatcher.utter_message(response="utter_training_canceled")
    return _back_to_menu()


def _confirm(
    dispatcher: CollectingDispatcher, tracker: Tracker, enrollment_id: object
) -> list[EventType]:
    with her_record(tracker) as (session, beneficiary):
        enrollment = services.get_enrollment(session, enrollment_id)
        if enrollment is None or beneficiary is None or enrollment.beneficiary_id != beneficiary.id:
            dispatcher.utter_message(response="utter_no_training_to_answer")
            return _back_to_menu()
        if not enrollment.is_active:
            # She had cancelled: coming after all means enrolling again.
            result = services.enroll(session, enrollment.session_id, beneficiary, utcnow())
            session.commit()
            values = session_values(enrollment.session, message_language(tracker))
            tell_enrollment(dispatcher, result, values)
            return _back_to_menu()
        services.confirm(enrollment, utcnow())
        session.commit()
    dispatcher.utter_message(response="utter_attendance_confirmed")
    return _back_to_menu()


def answer_attendance(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer: str
) -> list[EventType]:
    """Her "1"/"2" to the reminder (or seat notice) on her screen."""
    enrollment_id = screen(tracker).get("enrollment_id")
    if answer == "confirm":
        return _confirm(dispatcher, tracker, enrollment_id)
    return _cancel(dispatcher, tracker, enrollment_id)


def screen(tracker: Tracker) -> dict[str, Any]:
    value = metadata(tracker).get("screen")
    return value if isinstance(value, dict) else {}


def _enrollment_meant(tracker: Tracker) -> tuple[int | None, int]:
    """The enrollment her words are about: the reminder on her screen, else her next
    seat. Also how many upcoming seats she holds."""
    if screen(tracker).get("menu") == ATTENDANCE:
        enrollment_id = screen(tracker).get("enrollment_id")
        if isinstance(enrollment_id, int):
            return enrollment_id, 1
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is None:
            return None, 0
        seats = [
            enrollment.id
            for enrollment in services.my_enrollments(session, beneficiary, utcnow())
            if enrollment.status == Enrollment.ENROLLED and enrollment.session.starts_at > utcnow()
        ]
    return (seats[0] if seats else None), len(seats)


class ActionConfirmAttendance(Action):
    def name(self) -> str:
        return "action_confirm_attendance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        enrollment_id, _ = _enrollment_meant(tracker)
        if enrollment_id is None:
            dispatcher.utter_message(response="utter_no_training_to_answer")
            return _back_to_menu()
        return _confirm(dispatcher, tracker, enrollment_id)


class ActionCancelAttendance(Action):
    def name(self) -> str:
        return "action_cancel_attendance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        enrollment_id, seats = _enrollment_meant(tracker)
        if enrollment_id is None:
            dispatcher.utter_message(response="utter_no_training_to_answer")
            return _back_to_menu()
        if seats > 1:
            return show_my_trainings(dispatcher, tracker)  # she picks which one
        return _cancel(dispatcher, tracker, enrollment_id)
