"""Custom actions on tracker fixtures, with rasa_sdk's CollectingDispatcher."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.actions.actions import ActionChooseOption, ActionNotUnderstood, ActionShowMenu
from rasa_project.actions.context import menu_on_screen
from rasa_project.actions.menus import resolve
from rasa_project.actions.misunderstanding import consecutive_misses


def user(intent: str, text: str = "x", entities: list[dict[str, Any]] | None = None) -> dict:  # type: ignore[type-arg]
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": entities or []},
    }


def bot(text: str = "y") -> dict:  # type: ignore[type-arg]
    return {"event": "bot", "text": text}


def tracker(events: list[dict], slots: dict | None = None) -> Tracker:  # type: ignore[type-arg]
    latest = next((e for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender_id="abc",
        slots=slots or {},
        latest_message=latest.get("parse_data", {}),
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def run(action: Any, events: list[dict], slots: dict | None = None):  # type: ignore[type-arg,no-untyped-def]
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker(events, slots), {})
    return [m["response"] for m in dispatcher.messages], result


def test_consecutive_misses_count_back_to_the_last_understood_message() -> None:
    assert consecutive_misses([]) == 0
    assert consecutive_misses([user("greet"), bot(), user("nlu_fallback")]) == 1
    events = [user("nlu_fallback"), bot(), user("out_of_scope"), bot(), user("nlu_fallback")]
    assert consecutive_misses(events) == 3
    assert consecutive_misses([user("nlu_fallback"), user("help"), user("nlu_fallback")]) == 1


def test_first_miss_says_not_understood_with_the_menu() -> None:
    responses, events = run(ActionNotUnderstood(), [user("greet"), bot(), user("nlu_fallback")])
    assert responses == ["utter_default"]
    assert events == [SlotSet("menu", "main")]


def test_second_miss_in_a_row_offers_a_counsellor() -> None:
    history = [user("nlu_fallback"), bot(), user("out_of_scope")]
    responses, _ = run(ActionNotUnderstood(), history)
    assert responses == ["utter_offer_counsellor"]


def test_a_digit_answers_the_main_menu() -> None:
    choice = [{"entity": "choice", "value": "3"}]
    responses, events = run(
        ActionChooseOption(), [user("choose_option", "3", choice)], {"menu": "main"}
    )
    assert responses == ["utter_program_info"]
    assert events == [SlotSet("menu", "main")]


def test_a_digit_outside_the_menu_says_so() -> None:
    choice = [{"entity": "choice", "value": "8"}]
    responses, _ = run(ActionChooseOption(), [user("choose_option", "8", choice)], {"menu": "main"})
    assert responses == ["utter_invalid_choice"]


def test_show_menu_remembers_the_menu() -> None:
    assert run(ActionShowMenu(), [user("greet")])[1] == [SlotSet("menu", "main")]


def test_main_menu_2_lists_the_trainings() -> None:
    choice = [{"entity": "choice", "value": "2"}]
    _, events = run(ActionChooseOption(), [user("choose_option", "2", choice)], {"menu": "main"})
    assert events == [SlotSet("menu", None), FollowupAction("action_list_trainings")]


def test_a_digit_in_a_list_of_trainings_is_passed_on_whatever_its_length() -> None:
    assert resolve("trainings", "7") == "enroll:7"
    assert resolve("my_trainings", "2") == "pick_enrollment:2"
    assert resolve("attendance", "1") == "attendance:confirm"
    assert resolve("attendance", "3") is None


def test_a_number_not_in_the_list_asks_again_and_keeps_the_list() -> None:
    choice = [{"entity": "choice", "value": "4"}]
    responses, events = run(
        ActionChooseOption(),
        [user("choose_option", "4", choice)],
        {"menu": "trainings", "training_choices": [11, 12]},
    )
    assert responses == ["utter_help_choice"] and events == []


def test_a_reminder_on_her_screen_wins_over_the_last_menu() -> None:
    message = user("choose_option", "1", [{"entity": "choice", "value": "1"}])
    message["parse_data"]["metadata"] = {"screen": {"menu": "attendance", "enrollment_id": 5}}
    assert menu_on_screen(tracker([message], {"menu": "main"})) == "attendance"
    assert menu_on_screen(tracker([user("greet")], {"menu": "fix"})) == "fix"
