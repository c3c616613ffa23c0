"""Numbered menus: what each digit means in the menu she was last shown."""

from __future__ import annotations

from dataclasses import dataclass

MAIN = "main"


@dataclass(frozen=True)
class Choice:
    intent: str  # the intent the digit stands for
    response: str  # what the bot answers for now


MENUS: dict[str, dict[int, Choice]] = {
    MAIN: {
        1: Choice("register", "utter_coming_soon"),
        2: Choice("ask_trainings", "utter_coming_soon"),
        3: Choice("ask_program_info", "utter_program_info"),
        4: Choice("request_human", "utter_coming_soon"),
    },
}


def resolve(menu: str | None, choice: str | None) -> Choice | None:
    """The choice behind a digit, or None when the digit is not in that menu."""
    if not choice or not choice.isdigit():
        return None
    return MENUS.get(menu or MAIN, MENUS[MAIN]).get(int(choice))
