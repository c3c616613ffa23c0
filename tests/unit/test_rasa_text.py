from __future__ import annotations

import pytest

from bot.messaging.models import Message
from bot.messaging.rasa_text import menu_choice, text_for_rasa


@pytest.mark.parametrize(
    ("text", "choice"),
    [("1", 1), (" 2 ", 2), ("٣", 3), ("۴", 4), ("3.", 3), ("2)", 2), ("12", 12)],
)
def test_bare_numbers_are_menu_choices(text: str, choice: int) -> None:
    assert menu_choice(text) == choice


@pytest.mark.parametrize("text", ["", "1 2", "bghit 2", "123", "2eme", "١٢٣"])
def test_other_text_is_not_a_choice(text: str) -> None:
    assert menu_choice(text) is None


def test_text_for_rasa_maps_digits_to_the_choose_option_intent() -> None:
    assert text_for_rasa(Message(body="٢")) == '/choose_option{"choice": "2"}'


def test_she_cannot_trigger_intents_by_name() -> None:
    assert text_for_rasa(Message(body="/delete_my_data")) == "delete_my_data"


def test_only_slashes_or_nothing_shows_the_menu() -> None:
    assert text_for_rasa(Message(body="///")) == "/help"
    assert text_for_rasa(Message(body="  ")) == "/help"
