"""The simulator page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import pytest

from bot.i18n import render
from bot.responses import RESPONSES
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("stack", ["sqlite-embedded"], indirect=True)
def test_typing_in_the_simulator_shows_the_bots_reply(stack: Stack, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto(stack.web_url + "/simulator")
        page.fill("#phone", "+212633330001")
        page.dispatch_event("#phone", "change")
        page.fill("#body", "شكرا بزاف على المساعدة ديالكم")
        page.press("#body", "Enter")
        reply = page.locator("#thread li.out").first
        reply.wait_for(timeout=60_000)
        assert reply.get_attribute("dir") == "auto"
        shown = reply.inner_text()
        # Any of the bot's sentences in Darija (Arabic script): the page shows the reply.
        assert any(render(name, "ary") in shown for name in RESPONSES), shown
    finally:
        page.close()


# (what she types, how many replies it gets) — a whole registration in Darija (Latin).
REGISTRATION = [
    ("salam", 1),  # welcome and the language list
    ("1", 1),  # Darija
    ("1", 1),  # register: consent
    ("1", 2),  # yes: thanks, "is your first name Fatima?" (the page's WhatsApp name)
    ("1", 1),  # yes: age?
    ("29", 1),
    ("casa", 1),
    ("4", 1),
    ("1", 1),
    ("1", 1),  # the summary
    ("1", 1),  # confirmed: registered
]


@pytest.mark.parametrize("stack", ["sqlite-embedded"], indirect=True)
def test_a_new_number_registers_in_the_simulator(stack: Stack, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto(stack.web_url + "/simulator")
        page.fill("#phone", "+212633330002")
        page.dispatch_event("#phone", "change")
        expected = 0
        for body, replies in REGISTRATION:
            expected += replies
            page.fill("#body", body)
            page.press("#body", "Enter")
            try:
                page.wait_for_function(
                    f"document.querySelectorAll('#thread li.out').length >= {expected}",
                    timeout=60_000,
                )
            except Exception:
                pytest.fail(f"no reply to {body!r}:\n{page.inner_text('#thread')}")
        last = page.locator("#thread li.out").nth(expected - 1).inner_text()
        assert render("utter_registered", "ary_Latn", first_name="Fatima") in last, last
    finally:
        page.close()
