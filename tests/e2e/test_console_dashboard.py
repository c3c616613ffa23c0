"""The dashboard in a real browser (Debian's chromium driven by Playwright): staff on a
phone read the figures and charts and download the workbook; a counsellor sees only her
partner's figures. The known programme of tests/support/reports.py fills the database."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade
from bot.settings import Settings
from bot.staff.services import create_user
from tests.support.reports import build

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "dashboard.png"
PERIOD = ("2026-03-16", "2026-03-29")
STAFF = ("salma@minajliki.example.org", "tableau de bord 2026")
COUNSELLOR = ("khadija@anapec.example.ma", "conseillere fes 2026")


@dataclass(frozen=True)
class Console:
    url: str


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The web app on a SQLite file holding the known programme, served by werkzeug."""
    from werkzeug.serving import make_server

    from tests.support.processes import free_port
    from webhooks import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'app.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        build(session)
        create_user(session, email=STAFF[0], name="Salma", role="staff", password=STAFF[1])
        create_user(session, email=COUNSELLOR[0], name="Khadija", role="counsellor",
                    partner="ANAPEC", provinces=["fes"], password=COUNSELLOR[1])  # fmt: skip
    engine.dispose()
    app = create_app(
        Settings.from_env({}, database_url=url, secret_key="e2e-dashboard-secret"),
        enqueue=lambda _beneficiary_id: None,
    )
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Console(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(10)
        app.extensions["minajliki"].engine.dispose()


def sign_in(page, console: Console, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(console.url + "/console/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(console.url + "/console/")


def choose_period(page) -> None:  # type: ignore[no-untyped-def]
    page.click("nav >> text=Tableau de bord")
    page.fill("#filter-from", PERIOD[0])
    page.fill("#filter-to", PERIOD[1])
    page.click("#dashboard-filters button[type=submit]")
    page.wait_for_url("**/console/dashboard?*from=2026-03-16*")


def test_staff_read_the_figures_on_a_phone_and_download_the_workbook(  # type: ignore[no-untyped-def]
    console: Console, browser
) -> None:
    page = browser.new_page(viewport=PHONE, accept_downloads=True, locale="fr-FR")
    refused: list[str] = []  # the console's CSP would refuse inline scripts and styles
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    try:
        sign_in(page, console, *STAFF)
        choose_period(page)
        assert page.locator("h1").inner_text() == "Tableau de bord"
        assert "du 16/03/2026 au 29/03/2026" in page.inner_text("#dashboard-period")
        figures = page.locator("#key_figures dd")
        assert figures.nth(1).inner_text() == "6"  # confirmed registrations
        # Charts are drawn: one bar per province, columns over the days, shown on screen.
        provinces = page.locator("#registrations_by_province svg.bars")
        assert provinces.is_visible()
        assert provinces.locator("rect.s0").count() == 4
        assert page.locator("#registrations_over_time svg.columns rect.s0").count() == 14
        box = provinces.bounding_box()
        assert box is not None and 300 <= box["width"] <= PHONE["width"]
        # Stacked referral bars with their legend; the table beside them.
        assert page.locator("#referrals ul.legend li").count() == 4
        total = page.locator("#referrals tr.total td")
        assert [total.nth(n).inner_text() for n in range(5)] == ["1", "1", "2", "1", "5"]
        assert "60\u202f%" in page.inner_text("#broadcasts")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert not refused, refused
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True,
                        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 2200})  # fmt: skip

        with page.expect_download() as download:
            page.click("#export-all")
        workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        rows = list(workbook["trainings"].iter_rows(values_only=True))
        assert ("Total", 6, 4, 1, 1, 3, 2, 66.7, 2, 2, 50.0) in rows
    finally:
        page.close()


def test_a_counsellor_sees_her_partners_figures_only(console: Console, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        sign_in(page, console, *COUNSELLOR)
        choose_period(page)
        assert "ANAPEC" in page.inner_text("#dashboard-scope")
        assert page.locator("#filter-partner").count() == 0
        assert [page.locator("#filter-province option").nth(n).inner_text()
                for n in range(2)] == ["Toutes mes provinces", "Fès"]  # fmt: skip
        referrals = page.inner_text("#referrals table")
        assert "ANAPEC" in referrals and "RESOFEM" not in referrals
        assert page.locator("#export-dataset").count() == 0
        response = page.goto(console.url + "/console/dashboard/anonymised.csv")
        assert response is not None and response.status == 403
    finally:
        page.close()
