"""The simulator page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.celery_app import create_celery
from bot.db import make_engine, make_session_factory, utcnow
from bot.i18n import render
from bot.messaging.quiet_hours import QuietHours
from bot.responses import RESPONSES
from bot.settings import Settings
from bot.trainings import reminders
from bot.trainings.offsets import parse_offsets
from bot.trainings.services import session_values
from tests.e2e.conftest import Stack
from tests.support.trainings import training

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
# kombu's embedded (SQLAlchemy) transport, used here to hand the reminders to the worker,
# maps its tables with a loader SQLAlchemy 2.1 deprecates; the warning is kombu's.
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
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

        # Then she enrolls in a training and answers its reminder (time-travelled).
        course, values = _training_in(stack, "casablanca")
        expected = _type(page, "2", expected + 1)  # the menu's "Trainings"
        assert course.title("ary_Latn") in _last(page, expected)
        expected = _type(page, "1", expected + 1)
        assert render("utter_training_enrolled", "ary_Latn", **values) in _last(page, expected)
        _time_travel_reminders(stack, course.starts_at - timedelta(hours=48))
        expected += 1
        page.wait_for_function(
            f"document.querySelectorAll('#thread li.out').length >= {expected}", timeout=60_000
        )
        reminder = render("utter_training_reminder", "ary_Latn", **values)
        assert reminder in _last(page, expected)
        expected = _type(page, "1", expected + 1)
        assert render("utter_attendance_confirmed", "ary_Latn") in _last(page, expected)
    finally:
        page.close()


def _type(page, body: str, replies: int) -> int:  # type: ignore[no-untyped-def]
    page.fill("#body", body)
    page.press("#body", "Enter")
    try:
        page.wait_for_function(
            f"document.querySelectorAll('#thread li.out').length >= {replies}", timeout=60_000
        )
    except Exception:
        pytest.fail(f"no reply to {body!r}:\n{page.inner_text('#thread')}")
    return replies


def _last(page, count: int) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("#thread li.out").nth(count - 1).inner_text())


def _training_in(stack: Stack, province: str):  # type: ignore[no-untyped-def]
    engine = make_engine(stack.env["DATABASE_URL"])
    with make_session_factory(engine)() as session:
        course = training(session, utcnow() + timedelta(days=3), province=province)
        session.expunge(course)
    engine.dispose()
    return course, session_values(course, "ary_Latn")


def _time_travel_reminders(stack: Stack, moment: datetime) -> None:
    """The beat's reminder run as of `moment`, then the worker sends them."""
    engine = make_engine(stack.env["DATABASE_URL"])
    with make_session_factory(engine)() as session:
        queued = reminders.queue_due(
            session, moment, parse_offsets("48h, 2h"), QuietHours.parse("off")
        )
    engine.dispose()
    assert queued
    celery = create_celery(Settings.from_env(stack.env))
    for beneficiary_id in queued:
        celery.send_task("messaging.process_beneficiary", args=[beneficiary_id])


@pytest.mark.parametrize("stack", ["sqlite-embedded"], indirect=True)
@pytest.mark.parametrize(
    ("language", "channel"),
    [("fr", "sms"), ("ar", "sms"), ("ary", "whatsapp"), ("ary_Latn", "whatsapp")],
)
def test_a_registered_woman_is_oriented_in_the_simulator(  # type: ignore[no-untyped-def]
    stack: Stack, browser, language: str, channel: str
) -> None:
    phone = {"fr": "+212633331001", "ar": "+212633331002", "ary": "+212633331003"}.get(
        language, "+212633331004"
    )
    _registered_in(stack, phone, language, province="marrakech")
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto(stack.web_url + "/simulator")
        page.select_option("#channel", channel)
        page.fill("#phone", phone)
        page.dispatch_event("#phone", "change")
        count = _type(page, "7", 1)
        assert render("utter_orient_want", language) in _last(page, count)
        count = _type(page, "1", count + 1)  # a paid job
        count = _type(page, "3", count + 1)  # office work
        hint = 1 if channel == "whatsapp" else 0
        count = _type(page, "1", count + 2 + hint)  # full time: the advice, "call me?"
        advice = page.locator("#thread li.out").nth(count - 2 - hint).inner_text()
        assert render("utter_orient_ask_contact", language, partner="ANAPEC") in _last(
            page, count - hint
        )
        # Her nearest ANAPEC place (Marrakech in the seed directory), in her language.
        assert "Marrakech" in advice and "ANAPEC" in advice
        count = _type(page, "1", count + 1)
        assert render("utter_orient_contact_sent", language) in _last(page, count)
        if channel == "whatsapp":
            page.click("details summary")
            page.fill("#latitude", "34.0331")  # Fès
            page.fill("#longitude", "-5.0003")
            page.click("#location button[type=submit]")
            count += 1
            page.wait_for_function(
                f"document.querySelectorAll('#thread li.out').length >= {count}",
                timeout=60_000,
            )
            assert "Fès" in _last(page, count)
    finally:
        page.close()


def _registered_in(stack: Stack, phone: str, language: str, province: str) -> None:
    from bot.beneficiaries.models import Beneficiary
    from bot.directory.csv_io import import_points
    from bot.settings import PROJECT_ROOT

    engine = make_engine(stack.env["DATABASE_URL"])
    with make_session_factory(engine)() as session:
        import_points(session, (PROJECT_ROOT / "bot/data/service_points.seed.csv").read_bytes())
        now = utcnow()
        session.add(
            Beneficiary(
                phone=phone, language=language, welcomed_at=now, consent="given",
                consent_at=now, first_name="Naima", age=35, province=province,
                education_level="university", situation="job_seeker", goal="find_job",
                registered_at=now,
            )
        )  # fmt: skip
        session.commit()
    engine.dispose()
