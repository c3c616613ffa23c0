"""Staff create a training session and mark attendance in the console, in a real browser;
the woman marked absent receives a kind follow-up (at Twilio's door, Prism on its spec)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import utcnow
from bot.i18n import render
from bot.staff.services import create_user
from bot.trainings import services
from bot.trainings.models import Enrollment, TrainingSession
from bot.trainings.services import session_values
from tests.e2e.conftest import Stack
from tests.e2e.test_walking_skeleton import wait_for
from tests.support.trainings import registered_woman, training
from tests.support.twilio_mock import RecordingProxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "trainings.png"
EMAIL, PASSWORD = "salma@minajliki.example.ma", "formations rabat 2026"


def test_staff_create_a_session_and_mark_a_woman_absent(
    stack: Stack, twilio_mock: RecordingProxy, sessions: sessionmaker[Session], browser
) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with sessions() as session:
        create_user(session, email=EMAIL, name="Salma", role="staff", password=PASSWORD)
        her = registered_woman(session, now, province="rabat", language="ary_Latn")
        phone = her.phone
        # A session that began three hours ago, with her seat in it.
        past = training(session, now - timedelta(days=2), province="rabat")
        services.enroll(session, past.id, her, now - timedelta(days=5))
        past.starts_at, past.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
        session.commit()
        past_id = past.id
        missed = render("utter_training_missed", "ary_Latn", **session_values(past, "ary_Latn"))

    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(stack.web_url + "/console/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/**")

        # A new session, typed in the form (Morocco's time).
        page.goto(stack.web_url + "/console/trainings/new")
        page.fill("input[name=code]", "RABAT-CV-01")
        page.fill("input[name=partner]", "ANAPEC")
        page.fill("input[name=topic]", "CV")
        page.select_option("select[name=track]", "job")
        page.select_option("select[name=province]", "rabat")
        page.fill("input[name=title_fr]", "Écrire son CV")
        page.fill("input[name=title_ary_Latn]", "Kteb CV dyalek")
        page.fill("input[name=starts_at]", "2027-02-15T10:00")
        page.fill("input[name=ends_at]", "2027-02-15T12:00")
        page.fill("input[name=place]", "Agence ANAPEC Rabat Agdal")
        page.fill("input[name=capacity]", "12")
        page.click("form button.primary[type=submit]")
        page.wait_for_selector(".flash.success")
        assert "Écrire son CV" in page.inner_text("main")
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        # Attendance after the session: she did not come.
        page.goto(f"{stack.web_url}/console/trainings/{past_id}/enrollments")
        page.click("button[value=absent]")
        page.wait_for_selector(".flash.success")
    finally:
        page.close()

    with sessions() as session:
        created = session.scalar(
            select(TrainingSession).where(TrainingSession.code == "RABAT-CV-01")
        )
        assert created is not None and created.capacity == 12
        # 10:00 in Casablanca during Ramadan 2027 is 10:00 UTC (Morocco is at UTC+0 then).
        assert created.starts_at.hour == 10
        enrollment = session.scalar(select(Enrollment).where(Enrollment.session_id == past_id))
        assert enrollment is not None and enrollment.attendance == Enrollment.ABSENT
    # The kind follow-up reaches her, in her language.
    address = f"whatsapp:{phone}"
    assert wait_for(lambda: twilio_mock.messages_to(address), timeout=30), stack.logs()
    assert twilio_mock.messages_to(address)[-1].form["Body"] == [missed]
