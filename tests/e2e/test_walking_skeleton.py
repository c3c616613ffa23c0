"""A signed Twilio webhook goes through the trained Rasa model and the reply reaches Twilio.

Runs on every stack (SQLite/PostgreSQL × embedded/Redis broker), in the four languages.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.db import make_engine, make_session_factory
from bot.i18n import LANGUAGES, render
from bot.messaging.models import Message
from bot.responses import RESPONSES
from bot.simulator import inbound_form, post_signed, sign
from tests.e2e.conftest import AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM, Stack
from tests.support.twilio_mock import RecordingProxy

pytestmark = [pytest.mark.e2e, pytest.mark.prism]

# What she writes, and the response family she must get back, in each variety.
GREETINGS = {
    "fr": "Bonjour, c'est quoi exactement le programme Min Ajliki ?",
    "ar": "مرحبا، ما هو برنامج من أجلك؟ أود أن أعرف المزيد",
    "ary": "سلام، شنو هو هاد البرنامج ديال من أجلك؟ بغيت نعرف",
    "ary_Latn": "slm, chno hwa had lbarnamaj dyal min ajliki? bghit n3ref",
}


def all_texts(language: str) -> set[str]:
    return {render(name, language) or "" for name in RESPONSES}


def wait_for(predicate, timeout: float = 60.0, every: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


def send(stack: Stack, phone: str, channel: str, body: str, sid: str | None = None):  # type: ignore[no-untyped-def]
    form = inbound_form(phone, channel, body, sid=sid)
    url = stack.web_url + "/webhooks/twilio/messages"
    return post_signed(url, form, AUTH_TOKEN), form


def phone_for(stack: Stack, index: int) -> str:
    return f"+2126{abs(hash(stack.name)) % 1000:03d}{index:05d}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_message_in_each_language_gets_a_reply_through_twilio(
    stack: Stack, twilio_mock: RecordingProxy, language: str
) -> None:
    phone = phone_for(stack, LANGUAGES.index(language) + 1)
    channel = "whatsapp" if language in ("ary", "ary_Latn") else "sms"
    to = f"whatsapp:{phone}" if channel == "whatsapp" else phone
    started = time.monotonic()
    response, _ = send(stack, phone, channel, GREETINGS[language])
    assert response.status_code == 200
    assert time.monotonic() - started < 5  # answered at once, not after the bot's turn
    calls = wait_for(lambda: twilio_mock.messages_to(to))
    assert calls, f"no reply reached Twilio for {language}\n{stack.logs()}"
    call = calls[0]
    assert call.status == 201, call.response  # Prism accepted it against Twilio's spec
    assert call.form["From"] == [WHATSAPP_FROM if channel == "whatsapp" else SMS_FROM]
    assert call.form["StatusCallback"] == [stack.web_url + "/webhooks/twilio/status"]
    reply = call.form["Body"][0]
    assert reply in all_texts(language), f"not a {language} response: {reply!r}"


def test_duplicate_webhook_gets_one_reply_and_status_callback_is_recorded(
    stack: Stack, twilio_mock: RecordingProxy
) -> None:
    phone = phone_for(stack, 90)
    first, form = send(stack, phone, "sms", "bonjour")
    second, _ = send(stack, phone, "sms", "bonjour", sid=form["MessageSid"])
    assert first.status_code == second.status_code == 200
    calls = wait_for(lambda: twilio_mock.messages_to(phone))
    time.sleep(2)  # a second, duplicate reply would have arrived by now
    assert len(twilio_mock.messages_to(phone)) == len(calls) == 1
    sid = calls[0].response["sid"]

    # "read" is the last status, so Prism's random initial status never outranks it.
    status = {"MessageSid": sid, "MessageStatus": "read", "AccountSid": "AC"}
    url = stack.web_url + "/webhooks/twilio/status"
    import requests

    answer = requests.post(
        url, data=status, headers={"X-Twilio-Signature": sign(AUTH_TOKEN, url, status)}, timeout=5
    )
    assert answer.status_code == 204
    engine = make_engine(stack.env["DATABASE_URL"])
    try:
        with make_session_factory(engine)() as session:
            stored = session.scalars(select(Message).where(Message.twilio_sid == sid)).one()
            assert stored.status == "read"
            inbound = session.scalars(
                select(Message).where(Message.twilio_sid == form["MessageSid"])
            ).all()
            assert len(inbound) == 1 and inbound[0].status == Message.HANDLED
    finally:
        engine.dispose()


def test_a_digit_answers_the_menu_through_the_actions_server(
    stack: Stack, twilio_mock: RecordingProxy
) -> None:
    phone = phone_for(stack, 91)
    send(stack, phone, "sms", "salam")  # first contact: the welcome and the language list
    assert wait_for(lambda: twilio_mock.messages_to(phone))
    send(stack, phone, "sms", "2")  # Français
    assert wait_for(lambda: len(twilio_mock.messages_to(phone)) >= 2)
    send(stack, phone, "sms", "3")  # "What is Min Ajliki?" in the main menu
    calls = wait_for(
        lambda: len(twilio_mock.messages_to(phone)) >= 3 and twilio_mock.messages_to(phone)
    )
    assert calls, stack.logs()
    bodies = [c.form["Body"][0] for c in calls]
    assert bodies[1] == render("utter_language_set", "fr"), bodies
    assert bodies[2] == render("utter_program_info", "fr"), bodies


def test_forged_webhook_is_refused(stack: Stack) -> None:
    import requests

    form = inbound_form("+212611110000", "sms", "salam")
    response = requests.post(
        stack.web_url + "/webhooks/twilio/messages",
        data=form,
        headers={"X-Twilio-Signature": "bm9wZQ=="},
        timeout=5,
    )
    assert response.status_code == 403


def test_simulator_sends_a_signed_webhook_and_shows_the_reply(stack: Stack) -> None:
    import requests

    phone = "+212622220001"
    sent = requests.post(
        stack.web_url + "/simulator/send",
        json={"phone": phone, "channel": "whatsapp", "body": "chokran bzaf"},
        timeout=10,
    )
    assert sent.status_code == 202, sent.text

    def replies() -> list[dict]:  # type: ignore[type-arg]
        url = stack.web_url + "/simulator/messages"
        rows = requests.get(url, params={"phone": phone}, timeout=5).json()["messages"]
        return [m for m in rows if m["direction"] == "out"]

    shown = wait_for(replies)
    assert shown, stack.logs()
    assert shown[0]["body"] in all_texts("ary_Latn")


def test_terminal_chat_talks_to_the_bot(stack: Stack) -> None:
    import subprocess

    result = subprocess.run(
        ["minajliki", "chat", "--phone", "+212622220002", "--channel", "sms", "--wait", "60"],
        input="Merci beaucoup pour votre aide\n",
        capture_output=True,
        text=True,
        timeout=90,
        env={**stack.processes[1].env},
    )
    assert result.returncode == 0, result.stderr
    replies = [line[2:] for line in result.stdout.splitlines() if line.startswith("🤖 ")]
    # A reply of several lines is printed with the robot on its first line.
    first_lines = {text.split("\n")[0] for text in all_texts("fr")}
    assert replies and replies[0] in first_lines, result.stdout


def test_the_stack_is_ready_and_no_log_holds_a_whole_phone_number(stack: Stack) -> None:
    import re

    import requests

    ready = requests.get(stack.web_url + "/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["database"] == "ok" and ready.json()["rasa"] == "ok"
    assert ready.json()["broker"] == ("ok" if "redis" in stack.name else "embedded")
    # The women above wrote from phone_for(...) numbers; the worker logged their turns.
    # Whole means its 9 national digits after 212, whatever comes before (+, %2B, 00).
    whole = re.compile("212" + re.escape(phone_for(stack, 1)[4:8]) + r"\d{5}")
    for process in stack.processes:
        text = process.log_path.read_text(errors="replace")
        assert not whole.search(text), f"{process.name} logged a whole phone number"
