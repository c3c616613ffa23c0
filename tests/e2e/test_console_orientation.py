"""A woman asks to be called by ANAPEC; an ANAPEC counsellor sees it under Orientations in
a real browser and marks her contacted; the woman then reads that status."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.orientation import services
from bot.staff.services import create_user
from tests.e2e.conftest import Stack
from tests.e2e.test_orientation import WHAT_NEXT, places, registered
from tests.e2e.women import VARIETIES, Woman, texts
from tests.support.twilio_mock import RecordingProxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]
EMAIL, PASSWORD = "houda@anapec.example.ma", "conseillere fes 2026 b"


def test_a_counsellor_sees_her_request_and_marks_her_contacted(
    stack: Stack, twilio_mock: RecordingProxy, sessions: sessionmaker[Session], browser
) -> None:  # type: ignore[no-untyped-def]
    v = VARIETIES["ary_Latn"]
    woman = Woman(stack, twilio_mock, sessions, "+212661000888", v)
    registered(woman, sessions)
    with sessions() as session:
        create_user(
            session, email=EMAIL, name="Houda", role="counsellor", password=PASSWORD,
            partner="ANAPEC", provinces=[v.city_code],
        )  # fmt: skip
    woman.say("7")
    woman.say("1")  # a paid job
    woman.say("2")  # care work
    woman.say("1")  # full time
    assert woman.say("1") == texts(v.code, "utter_orient_contact_sent")
    with sessions() as session:
        [referral] = services.her_referrals(session, woman.record().id)
        referral_id = referral.id
    assert places(woman, sessions)["anapec_place"]

    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(stack.web_url + "/console/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/**")
        page.goto(stack.web_url + "/console/referrals")
        row = page.locator(f'#referrals tr[data-id="{referral_id}"]')
        row.wait_for(timeout=15_000)
        assert v.name in row.inner_text()
        row.locator("button[type=submit]", has_text="contactée").click()
        page.wait_for_selector(".flash.success")
    finally:
        page.close()

    with sessions() as session:
        referral = services.her_referrals(session, woman.record().id)[0]
        assert referral.status == "contacted"
        from bot.orientation.texts import referral_lines

        expected = texts(
            v.code, "utter_referral_status", referrals=referral_lines([referral], v.code)
        )
    assert woman.say(WHAT_NEXT[v.code]) == expected
