"""The staff console in a real browser (Debian's chromium driven by Playwright), on a phone's
screen: sign in, the inbox, an admin creating a counsellor, the counsellor's view."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade
from bot.settings import Settings
from bot.staff.services import create_user

pytestmark = pytest.mark.e2e
ADMIN_EMAIL = "admin@minajliki.example.org"
ADMIN_PASSWORD = "admin password 2024"
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Console:
    url: str
    database_url: str

    def add_staff(self, **account: object) -> None:
        engine = make_engine(self.database_url)
        with make_session_factory(engine)() as session:
            create_user(session, **account)  # type: ignore[arg-type]
        engine.dispose()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The web app on a SQLite file, served by werkzeug in a thread, with one admin."""
    from werkzeug.serving import make_server

    from tests.support.processes import free_port
    from webhooks import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'app.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    console = Console("", url)
    console.add_staff(email=ADMIN_EMAIL, name="Amina Admin", role="admin", password=ADMIN_PASSWORD)
    app = create_app(
        Settings.from_env({}, database_url=url, secret_key="e2e-console-secret"),
        enqueue=lambda _beneficiary_id: None,
    )
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Console(f"http://127.0.0.1:{port}", url)
    finally:
        server.shutdown()
        thread.join(10)
        app.extensions["minajliki"].engine.dispose()


def sign_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/console/")
    assert "/console/login" in page.url  # strangers are sent to sign in
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def fits_the_screen(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_admin_signs_in_and_creates_a_counsellor(console: Console, browser) -> None:  # type: ignore[no-untyped-def]
    console_url = console.url
    page = browser.new_page(viewport=PHONE)
    try:
        sign_in(page, console_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert page.locator("h1").inner_text() == "Boîte de réception"
        assert "Aucune conversation en attente" in page.inner_text("#inbox")
        assert fits_the_screen(page)

        page.click("text=Comptes")
        page.click("text=Nouveau compte")
        page.fill("#email", "Khadija@ANAPEC.ma")
        page.fill("#name", "خديجة بناني")
        page.select_option("#role", "counsellor")
        page.fill("#partner", "ANAPEC")
        page.click("summary:has-text('Fès-Meknès')")
        page.check("input[name=provinces][value=fes]")
        page.check("input[name=provinces][value=meknes]")
        page.fill("#phone", "+212612345678")
        page.fill("#password", "bienvenue khadija")
        page.fill("#password_confirm", "bienvenue khadija")
        assert fits_the_screen(page)
        page.click("#user-form button[type=submit]")

        page.wait_for_url(console_url + "/console/users")
        assert "Compte créé : خديجة بناني." in page.inner_text(".flash")
        row = page.locator("#users tr[data-email='khadija@anapec.ma']")
        name = row.locator("strong")
        assert name.inner_text() == "خديجة بناني"
        assert name.get_attribute("dir") == "auto"
        assert "Fès, Meknès" in row.inner_text()
        assert fits_the_screen(page)

        page.click("text=Journal")
        assert page.locator("#audit tr").nth(1).get_attribute("data-action") == "user.create"
        page.click("text=Se déconnecter")
        page.wait_for_url(console_url + "/console/login")
    finally:
        page.close()


def test_a_counsellor_sees_her_inbox_and_not_the_accounts(console: Console, browser) -> None:  # type: ignore[no-untyped-def]
    console_url = console.url
    console.add_staff(
        email="salma@resofem.ma",
        name="سلمى",
        role="counsellor",
        partner="RESOFEM",
        provinces=["fes", "meknes"],
        password="bienvenue salma",
    )
    page = browser.new_page(viewport=PHONE)
    try:
        sign_in(page, console_url, "salma@resofem.ma", "bienvenue salma")
        assert page.locator(".me").count() == 1
        assert "Fès, Meknès" in page.inner_text(".scope")
        assert page.locator("nav >> text=Comptes").count() == 0
        response = page.goto(console_url + "/console/users")
        assert response is not None and response.status == 403
        assert "réservée à l'administration" in page.inner_text("main")
    finally:
        page.close()
