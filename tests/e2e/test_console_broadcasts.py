"""A staff member composes a broadcast in a real browser (French and Darija, one province),
reads its preview, sends a test to her own phone, sends it, and follows it live: the
counts on the page move to "sent" then "delivered" without a reload.

The stack's real worker runs Celery beat (`celery worker --beat`, tests/e2e/conftest.py),
whose `broadcasts.tick` every second writes the recipients and hands them to the worker,
which sends through Twilio's REST API to Prism on Twilio's spec. Prism answers a create
with "queued" and never calls back: the test then plays Twilio's part and posts signed
status callbacks ("sent", then "delivered"), as Twilio would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries import reachability
from bot.broadcasts.models import Broadcast
from bot.db import utcnow
from bot.messaging.models import SMS, Message
from bot.simulator import sign
from bot.staff.services import create_user
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, Stack
from tests.e2e.test_walking_skeleton import wait_for
from tests.support.trainings import registered_woman
from tests.support.twilio_mock import RecordingProxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "broadcasts.png"
EMAIL, PASSWORD = "houda@minajliki.example.ma", "diffusions oriental 2026"
MY_PHONE = "+212661009988"
PROVINCE, REGION = "figuig", "L'Oriental"  # a province no other end-to-end test uses
# Straight quotes: French guillemets are not in GSM-7 and would make it a UCS-2 SMS.
FRENCH = 'Formation "Créer son activité" à Bouarfa samedi 10 h. Répondez "formations".'
DARIJA = "تكوين «دير المشروع ديالك» ف بوعرفة نهار السبت مع 10. جاوبي ب «تكوينات»."
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def rasa_server() -> Iterator[None]:
    """A broadcast never goes through Rasa (nor does the console), so this module's stack
    runs without one: the conftest's Rasa server, shared by the run, is neither needed
    here nor started for this module alone."""
    yield None


def status_callback(stack: Stack, sid: str, status: str) -> None:
    """What Twilio posts when a message moves on, signed with the account's token."""
    url = stack.web_url + "/webhooks/twilio/status"
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
    signature = sign(AUTH_TOKEN, url, form)
    answer = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=5)
    assert answer.status_code == 204, answer.text


def bucket(page: Page, name: str) -> Locator:
    return page.locator(f'#tracking [data-bucket="{name}"]')


def test_staff_compose_preview_test_send_and_follow_a_broadcast(
    stack: Stack, twilio_mock: RecordingProxy, sessions: sessionmaker[Session], browser
) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with sessions() as session:
        create_user(
            session, email=EMAIL, name="Houda", role="staff", password=PASSWORD, phone=MY_PHONE
        )
        french = registered_woman(session, now, province=PROVINCE, language="fr", channel=SMS)
        darija = registered_woman(session, now, province=PROVINCE, language="ary")
        latin = registered_woman(session, now, province=PROVINCE, language="ary_Latn")
        registered_woman(session, now, province="fes", language="ary")  # elsewhere
        opted_out = registered_woman(session, now, province=PROVINCE)
        reachability.opt_out(session, opted_out, source="keyword")
        session.commit()
        # Darija in Latin letters has no text: she gets the French one.
        expected = {
            french.phone: FRENCH,
            f"whatsapp:{darija.phone}": DARIJA,
            f"whatsapp:{latin.phone}": FRENCH,
        }

    page = browser.new_page(viewport={"width": 412, "height": 915})
    try:
        page.goto(stack.web_url + "/console/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/**")

        # Compose: two texts, one province.
        page.click("nav >> text=Diffusions")
        page.click("text=Nouvelle diffusion")
        page.fill("input[name=name]", "Formation Bouarfa")
        page.fill("textarea[name=text_fr]", FRENCH)
        page.fill("textarea[name=text_ary]", DARIJA)
        # The counter under each text follows the typing (the static script).
        expect(page.locator("#text_ary-count")).to_contain_text("UCS-2")
        expect(page.locator("#text_fr-count")).to_have_text("76 caractères · GSM-7 · 1 SMS")
        page.click(f'summary:has-text("{REGION}")')
        page.check(f"input[name=provinces][value={PROVINCE}]")
        page.click("text=Enregistrer et voir l'aperçu")
        page.wait_for_selector(".flash.success")

        # The preview: three women, one left out; the French text goes by SMS, one SMS.
        assert page.inner_text("#recipients-total") == "3"
        assert page.inner_text("#left-out") == "1"
        assert page.inner_text("#sms-segments") == "1"
        assert page.inner_text('#preview-lines tr[data-language="ary"] .encoding') == "UCS-2"

        # A test to herself, by SMS, in French: at Twilio's door (Prism), nothing stored.
        page.select_option("#trial-language", "fr")
        page.select_option("#trial-channel", "sms")
        page.click("#trial-form button")
        expect(page.locator(".flash.success")).to_contain_text("statut « queued »")
        trial = twilio_mock.messages_to(MY_PHONE)
        assert [call.form["Body"] for call in trial] == [[FRENCH]]

        # Send it now; the page follows it without a reload (the marker would not survive).
        page.click("#submit-form button")
        expect(page.locator(".flash.success")).to_contain_text("C'est parti")
        page.evaluate("window.sameVisit = true")
        expect(bucket(page, "queued")).to_have_text("3", timeout=WAIT_MS)
        expect(page.locator('[data-field="status"]')).to_have_text("terminée", timeout=WAIT_MS)
        # Every message has left: no more pausing or cancelling it.
        expect(page.locator("#pause-form")).to_be_hidden()
        expect(page.locator("#cancel")).to_be_hidden()
        for address, body in expected.items():
            calls = wait_for(lambda address=address: twilio_mock.messages_to(address))
            assert [call.form["Body"] for call in calls] == [[body]], stack.logs()

        with sessions() as session:
            broadcast_id = session.scalars(select(Broadcast.id)).all()[-1]
            sids = session.scalars(
                select(Message.twilio_sid).where(Message.broadcast_id == broadcast_id)
            ).all()
        assert len(sids) == 3 and all(sids)
        for status in ("sent", "delivered"):
            for sid in sids:
                status_callback(stack, sid, status)
            expect(bucket(page, status)).to_have_text("3", timeout=WAIT_MS)
        expect(bucket(page, "queued")).to_have_text("0")
        expect(page.locator('#tracking [data-rate="delivered"]')).to_have_text("100\u202f%")
        assert page.evaluate("window.sameVisit") is True
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        # The export has her three rows, phones masked.
        with page.expect_download() as download:
            page.click("text=Exporter les destinataires (CSV)")
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert exported.count("delivered") == 3
        assert all(phone.split(":")[-1] not in exported for phone in expected)
    finally:
        page.close()
