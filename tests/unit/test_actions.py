"""Custom actions on tracker fixtures, with rasa_sdk's CollectingDispatcher."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_project.actions.actions import ActionChooseOption, ActionNotUnderstood, ActionShowMenu
from rasa_project.actions.context import menu_on_screen
from rasa_project.actions.menus import resolve
from rasa_project.actions.misunderstanding import consecutive_misses
from rasa_project.actions.session import ActionSessionStart


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


def start_session(
    slots: dict,  # type: ignore[type-arg]
    active_loop: dict | None = None,  # type: ignore[type-arg]
    domain: dict | None = None,  # type: ignore[type-arg]
) -> tuple[list, list]:  # type: ignore[type-arg]
    """action_session_start on the old session's tracker (Rasa sends every slot)."""
    old = Tracker(
        sender_id="abc",
        slots=slots,
        latest_message={},
        events=[user("greet"), bot()],
        paused=False,
        followup_action=None,
        active_loop=active_loop or {},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = ActionSessionStart().run(dispatcher, old, domain or {})
    return dispatcher.messages, events


def test_a_new_session_goes_on_with_the_registration_form_and_her_answers() -> None:
    metadata = {"language": "fr", "text": "Fès"}
    slots = {
        "menu": None,
        "first_name": "Amina",
        "age": 27,
        "province": None,
        "requested_slot": "province",
        "reg_misses": 1,
        "session_started_metadata": metadata,
    }
    loop = {"name": "registration_form", "validate": True, "rejected": False}
    messages, events = start_session(slots, loop)
    assert messages == []
    assert events == [
        SessionStarted(),
        SlotSet("first_name", "Amina"),
        SlotSet("age", 27),
        SlotSet("requested_slot", "province"),
        SlotSet("reg_misses", 1),
        SlotSet("session_started_metadata", metadata),
        ActiveLoop("registration_form"),
        ActionExecuted("action_listen"),
    ]


def test_a_new_session_without_a_form_activates_none() -> None:
    _, events = start_session({"menu": "trainings", "requested_slot": None})
    assert events == [
        SessionStarted(),
        SlotSet("menu", "trainings"),
        ActionExecuted("action_listen"),
    ]
    assert not any(e["event"] == "active_loop" for e in events)


def test_a_new_session_with_no_slots_only_starts_and_listens() -> None:
    assert start_session({})[1] == [SessionStarted(), ActionExecuted("action_listen")]
    assert start_session({"menu": None, "age": None})[1] == [
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def test_a_new_session_carries_nothing_when_the_domain_says_so() -> None:
    domain = {"session_config": {"carry_over_slots_to_new_session": False}}
    loop = {"name": "registration_form"}
    _, events = start_session({"menu": "main", "requested_slot": "age"}, loop, domain)
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
