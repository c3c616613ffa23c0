"""A counsellor takes a conversation from the bot, answers, and gives it back — in a browser.

The whole system runs (Rasa on the trained model, actions, web, worker, PostgreSQL, Redis,
Prism on Twilio's spec); the counsellor works in Debian's chromium on a phone-sized screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.handoffs.models import Handoff
from bot.i18n import render
from bot.messaging.models import Conversation
from bot.staff.services import create_user
from tests.e2e.conftest import Stack
from tests.e2e.test_walking_skeleton import wait_for
from tests.e2e.women import VARIETIES, Woman, texts
from tests.support.twilio_mock import RecordingProxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console.png"
EMAIL, PASSWORD = "nadia@anapec.example.ma", "conseillere fes 2026"


def test_a_counsellor_answers_in_the_console_and_gives_her_back(
    stack: Stack, twilio_mock: RecordingProxy, sessions: sessionmaker[Session], browser
) -> None:  # type: ignore[no-untyped-def]
    v = VARIETIES["ary_Latn"]
    woman = Woman(stack, twilio_mock, sessions, "+212661000777", v)
    assert woman.say("salam") == texts("fr", "utter_welcome")
    assert woman.say("1") == texts(v.code, "utter_language_set")
    # "4" in the menu: a counsellor. She is told one will answer.
    assert woman.say("4") == texts(v.code, "utter_handoff_open")
    with sessions() as session:
        handoff = session.scalars(select(Handoff)).all()[-1]
        assert handoff.reason == Handoff.REQUESTED and handoff.status == Handoff.OPEN
        # As if she had registered in Fès: it lands in the inbox of Fès's counsellors.
        handoff.province = handoff.beneficiary.province = "fes"
        handoff_id, conversation_id = handoff.id, handoff.conversation_id
        session.commit()
        create_user(
            session, email=EMAIL, name="Nadia", role="counsellor", password=PASSWORD,
            partner="ANAPEC", provinces=["fes", "casablanca"],
        )  # fmt: skip
    # While the conversation is held, the bot says nothing.
    assert woman.say("wach kayn chi wa7ed?") == []

    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(stack.web_url + "/console/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(f'#inbox [data-id="{handoff_id}"]', timeout=15_000)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.click(f'#inbox [data-id="{handoff_id}"] a')
        page.wait_for_selector("#thread")
        assert "wach kayn chi wa7ed?" in page.inner_text("#thread")
        page.click("#claim")
        page.wait_for_selector(".flash.success")
        page.fill("#body", "Salam, ana Nadia mn ANAPEC. Kifach n9der n3awnek?")
        page.click("#reply button[type=submit]")
        page.wait_for_selector(".flash.success")
        # The reply reaches Twilio (Prism checks it against Twilio's spec).
        assert wait_for(
            lambda: any(
                c.form["Body"] == ["Salam, ana Nadia mn ANAPEC. Kifach n9der n3awnek?"]
                for c in twilio_mock.messages_to(woman.address)
            ),
            timeout=30,
        ), stack.logs()
        woman.seen = len(twilio_mock.messages_to(woman.address))
        # Her answer appears in the open page without a reload.
        assert woman.say("bghit nkhdem f Fès") == []
        # (a locator, not wait_for_function: the console's CSP forbids evaluated strings)
        page.locator("#thread").get_by_text("bghit nkhdem f Fès").wait_for(timeout=15_000)
        page.click("#resolve")
        page.wait_for_url("**/console/")
    finally:
        page.close()

    # Back with the bot: she is told so, and the bot answers her again.
    assert wait_for(lambda: len(twilio_mock.messages_to(woman.address)) > woman.seen, timeout=30)
    notice = twilio_mock.messages_to(woman.address)[woman.seen].form["Body"][0]
    assert notice == render("utter_handoff_resolved", v.code)
    woman.seen += 1
    with sessions() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.status == Conversation.STATUS_BOT
        done = session.get(Handoff, handoff_id)
        assert done is not None and done.status == Handoff.RESOLVED
        assert done.first_response_at is not None
    assert woman.say("3") == texts(v.code, "utter_program_info")
