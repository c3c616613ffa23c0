"""Rasa's NLG callback renders every response from the catalogs, in her language."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, render
from bot.nlg_token import nlg_token
from bot.responses import RESPONSES


def nlg_request(response: str, language: str | None, slots: dict | None = None) -> dict:  # type: ignore[type-arg]
    metadata = {"language": language} if language else {}
    return {
        "response": response,
        "arguments": {},
        "tracker": {
            "sender_id": "abc",
            "slots": slots or {},
            "latest_message": {"text": "x", "metadata": metadata},
            "events": [],
        },
        "channel": {"name": "rest"},
    }


EXPECTED_GREETING = {
    "fr": "Bonjour",
    "ar": "مرحبا",
    "ary": "السلام",
    "ary_Latn": "Salam",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_nlg_answers_in_the_language_of_the_message(client, settings, language: str) -> None:
    response = client.post(
        f"/nlg?token={nlg_token(settings)}", json=nlg_request("utter_greet", language)
    )
    assert response.status_code == 200
    text = response.get_json()["text"]
    assert text.startswith(EXPECTED_GREETING[language])
    assert "1." in text and "4." in text  # the numbered menu


def test_nlg_without_a_language_falls_back_to_french(client, settings) -> None:
    response = client.post(
        f"/nlg?token={nlg_token(settings)}", json=nlg_request("utter_help", None)
    )
    assert response.get_json()["text"].startswith("Répondez avec un chiffre")


def test_nlg_unknown_response_says_not_understood(client, settings) -> None:
    response = client.post(
        f"/nlg?token={nlg_token(settings)}", json=nlg_request("utter_nope", "ary_Latn")
    )
    assert response.get_json()["text"].startswith("Sm7i liya")


def test_nlg_needs_the_token(client) -> None:
    assert client.post("/nlg", json=nlg_request("utter_greet", "fr")).status_code == 403
    assert client.post("/nlg?token=wrong", json=nlg_request("utter_greet", "fr")).status_code == 403


def test_nlg_rejects_what_is_not_an_nlg_request(client, settings) -> None:
    url = f"/nlg?token={nlg_token(settings)}"
    assert client.post(url, data="garbage").status_code == 400
    assert client.post(url, json={"response": 3}).status_code == 400


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_response_is_translated_in_every_language(language: str) -> None:
    french = {name: render(name, "fr") for name in RESPONSES}
    for name in RESPONSES:
        text = render(name, language)
        assert text, name
        if language != "fr":
            assert text != french[name], f"{name} is not translated into {language}"
