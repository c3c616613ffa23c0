"""The staff console through Flask: signing in, roles, CSRF, throttling, accounts, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.nlg_token import nlg_token
from bot.staff.models import AuditLog, StaffUser
from tests.support.console import (
    PASSWORD,
    csrf_token,
    login,
    make_staff,
    signed_in,
)

ADMIN_PAGES = ["/console/users", "/console/users/new", "/console/audit"]


def actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditLog).order_by(AuditLog.id))]


# -- signing in and out ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/console/", *ADMIN_PAGES, "/console/users/1"])
def test_strangers_are_sent_to_the_login_page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_the_login_page_is_french_and_fits_a_phone(client) -> None:
    page = client.get("/console/login").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "Se connecter" in page
    css = client.get("/console/static/console.css")
    css.close()  # a file response: close it, or its file is left open
    assert css.status_code == 200


def test_signing_in_lands_on_the_inbox(client, session: Session) -> None:
    staff = make_staff(session, "counsellor", provinces=["fes", "casablanca"])
    response = login(client, "COUNSELLOR@minajliki.example.org", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    page = client.get("/console/").get_data(as_text=True)
    assert "Boîte de réception" in page
    assert "Aucune conversation en attente" in page
    assert "Fès, Casablanca" in page
    assert "Comptes" not in page  # no admin links for a counsellor
    assert actions(session)[-1] == "login.success"
    assert session.get(StaffUser, staff.id).last_login_at is not None  # type: ignore[union-attr]


def test_a_wrong_password_shows_one_message_for_every_cause(client, session: Session) -> None:
    make_staff(session, "staff")
    wrong = login(client, "staff@minajliki.example.org", "not my password")
    unknown = login(client, "ghost@minajliki.example.org", "not my password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    assert actions(session)[-2:] == ["login.failure", "login.failure"]
    assert client.get("/console/").status_code == 302


def test_a_deactivated_account_is_refused(client, session: Session) -> None:
    make_staff(session, "admin")
    user = make_staff(session, "staff")
    user.active = False
    session.commit()
    response = login(client, user.email)
    assert "incorrect" in response.get_data(as_text=True)


def test_after_signing_in_she_goes_back_to_the_page_she_asked_for(client, session) -> None:
    make_staff(session, "admin")
    token = csrf_token(client)
    form = {"email": "admin@minajliki.example.org", "password": PASSWORD, "csrf_token": token}
    response = client.post("/console/login?next=/console/audit", data=form)
    assert response.headers["Location"] == "/console/audit"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/console", "/simulator", "/console\\@x"]
)
def test_never_to_another_site(client, session: Session, target: str) -> None:
    make_staff(session, "admin")
    token = csrf_token(client)
    form = {"email": "admin@minajliki.example.org", "password": PASSWORD, "csrf_token": token}
    response = client.post("/console/login", query_string={"next": target}, data=form)
    assert response.headers["Location"] == "/console/"


def test_logging_out_is_a_post_with_a_token_and_is_recorded(client, session: Session) -> None:
    signed_in(client, session, "staff")
    assert client.get("/console/logout").status_code == 405
    assert client.post("/console/logout").status_code == 400  # no CSRF token
    response = client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert response.status_code == 302 and response.headers["Location"] == "/console/login"
    assert client.get("/console/").status_code == 302
    assert actions(session)[-1] == "logout"


def test_the_session_cookie_is_httponly_and_samesite(client, session: Session) -> None:
    make_staff(session, "staff")
    response = login(client, "staff@minajliki.example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here


def test_the_cookie_is_secure_when_the_public_url_is_https(settings, engine) -> None:
    from webhooks import create_app

    app = create_app(settings.with_overrides(public_url="https://bot.example.org"))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["minajliki"].engine.dispose()


def test_console_pages_are_never_cached_nor_framed(client, session: Session) -> None:
    signed_in(client, session, "staff")
    response = client.get("/console/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# -- roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["counsellor", "staff"])
@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/console/users/1"])
def test_only_admins_open_the_accounts_and_the_audit_log(
    client, session: Session, role: str, path: str
) -> None:
    signed_in(client, session, role)
    response = client.get(path)
    assert response.status_code == 403
    assert "réservée à l&#39;administration" in response.get_data(as_text=True)


def test_nor_can_they_post_to_them(client, session: Session) -> None:
    signed_in(client, session, "staff")
    token = csrf_token(client, "/console/")
    form = {"csrf_token": token, "email": "x@y.ma", "name": "X", "role": "admin"}
    assert client.post("/console/users/new", data=form).status_code == 403
    assert session.scalars(select(StaffUser).where(StaffUser.email == "x@y.ma")).first() is None


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admins_open_them(client, session: Session, path: str) -> None:
    signed_in(client, session, "admin")
    assert client.get(path).status_code == 200


def test_a_deactivated_account_is_signed_out_at_its_next_click(client, session) -> None:
    make_staff(session, "admin", email="boss@minajliki.example.org")
    user = signed_in(client, session, "staff")
    assert client.get("/console/").status_code == 200
    user.active = False
    session.commit()
    assert client.get("/console/").status_code == 302


# -- CSRF ------------------------------------------------------------------------------


def test_signing_in_without_the_token_is_refused(client, session: Session) -> None:
    make_staff(session, "admin")
    response = client.post(
        "/console/login", data={"email": "admin@minajliki.example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert actions(session) == ["user.create"]  # not even an attempt


def test_a_token_from_another_session_is_refused(app, client, session: Session) -> None:
    make_staff(session, "admin")
    other = app.test_client()
    form = {
        "email": "admin@minajliki.example.org",
        "password": PASSWORD,
        "csrf_token": csrf_token(other),
    }
    csrf_token(client)  # she has a session of her own
    assert client.post("/console/login", data=form).status_code == 400


def test_creating_an_account_without_the_token_is_refused(client, session: Session) -> None:
    signed_in(client, session, "admin")
    form = new_account_form()  # no csrf_token
    assert client.post("/console/users/new", data=form).status_code == 400
    assert session.scalars(select(StaffUser).where(StaffUser.role == "counsellor")).all() == []


def test_the_machine_endpoints_need_no_token(client, settings) -> None:
    """Twilio's webhooks answer by their signature, /nlg by its token, the simulator's /send
    by its JSON: none of them says anything about CSRF."""
    twilio = client.post("/webhooks/twilio/messages", data={"Body": "salam"})
    assert twilio.status_code == 403  # the signature check, not CSRF
    status = client.post("/webhooks/twilio/status", data={"MessageSid": "SM1"})
    assert status.status_code == 403
    nlg = client.post(
        f"/nlg?token={nlg_token(settings)}",
        json={"response": "utter_greet", "tracker": {}, "arguments": {}},
    )
    assert nlg.status_code == 200
    simulator = client.post("/simulator/send", json={"phone": "+212600000001", "channel": "fax"})
    assert simulator.status_code == 400
    assert "channel must be sms or whatsapp" in simulator.get_data(as_text=True)
    assert "CSRF" not in simulator.get_data(as_text=True)


# -- throttling ------------------------------------------------------------------------


def test_the_attempt_after_the_limit_is_refused_with_429(app, client, session: Session) -> None:
    app.config["CONSOLE_LOGIN_LIMIT"] = "3 per minute"
    make_staff(session, "staff")
    token = csrf_token(client)
    form = {"email": "staff@minajliki.example.org", "password": "guess 1234", "csrf_token": token}
    for _ in range(3):
        assert client.post("/console/login", data=form).status_code == 200
    blocked = client.post("/console/login", data=form)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)
    # Even the right password waits: the counter is for this address from this IP.
    right = {**form, "password": PASSWORD}
    assert client.post("/console/login", data=right).status_code == 429
    assert actions(session)[-5:] == ["login.failure"] * 3 + ["login.throttled"] * 2
    # Another address from the same IP is still heard.
    other = {**form, "email": "someone@minajliki.example.org"}
    assert client.post("/console/login", data=other).status_code == 200


def test_by_default_the_sixth_failure_in_a_minute_is_refused(client, session) -> None:
    make_staff(session, "staff")
    token = csrf_token(client)
    form = {"email": "staff@minajliki.example.org", "password": "guess 1234", "csrf_token": token}
    codes = [client.post("/console/login", data=form).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_successful_sign_ins_do_not_count(app, client, session: Session) -> None:
    app.config["CONSOLE_LOGIN_LIMIT"] = "2 per minute"
    make_staff(session, "staff")
    for _ in range(4):
        assert login(client, "staff@minajliki.example.org").status_code == 302
        client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})


def test_one_ip_trying_many_addresses_is_throttled_too(app, client, session: Session) -> None:
    app.config["CONSOLE_LOGIN_IP_LIMIT"] = "4 per minute"
    token = csrf_token(client)
    codes = [
        client.post(
            "/console/login",
            data={"email": f"guess{i}@x.ma", "password": "password123", "csrf_token": token},
        ).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]


def test_the_limit_is_per_ip(app, client, session: Session) -> None:
    app.config["CONSOLE_LOGIN_LIMIT"] = "1 per minute"
    token = csrf_token(client)
    form = {"email": "a@x.ma", "password": "password123", "csrf_token": token}
    assert client.post("/console/login", data=form).status_code == 200
    assert client.post("/console/login", data=form).status_code == 429
    elsewhere = client.post(
        "/console/login", data=form, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert elsewhere.status_code == 200


# -- accounts --------------------------------------------------------------------------


def new_account_form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "email": "Nadia@Resofem.ma",
        "name": "نادية العلوي",
        "role": "counsellor",
        "partner": "RESOFEM",
        "provinces": ["marrakech", "safi"],
        "phone": "+212611223344",
        "password": "bienvenue 2024",
        "password_confirm": "bienvenue 2024",
    }
    form.update(overrides)
    return form


def test_an_admin_creates_a_counsellor(client, session: Session) -> None:
    admin = signed_in(client, session, "admin")
    form = new_account_form(csrf_token=csrf_token(client, "/console/users/new"))
    response = client.post("/console/users/new", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/console/users"
    user = session.scalars(select(StaffUser).where(StaffUser.role == "counsellor")).one()
    assert (user.email, user.name, user.partner) == ("nadia@resofem.ma", "نادية العلوي", "RESOFEM")
    assert user.provinces == ["marrakech", "safi"]
    listing = client.get("/console/users").get_data(as_text=True)
    assert 'dir="auto">نادية العلوي</strong>' in listing
    assert "Compte créé : نادية العلوي." in listing
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None and entry.action == "user.create"
    assert entry.staff_user_id == admin.id and entry.ip == "127.0.0.1"


def test_mistakes_are_shown_in_french_next_to_their_fields(client, session: Session) -> None:
    signed_in(client, session, "admin")
    token = csrf_token(client, "/console/users/new")
    form = new_account_form(
        csrf_token=token, partner="", phone="0611", password_confirm="something else"
    )
    page = client.post("/console/users/new", data=form).get_data(as_text=True)
    assert "Les deux mots de passe ne sont pas identiques." in page
    form["password_confirm"] = form["password"]
    page = client.post("/console/users/new", data=form).get_data(as_text=True)
    assert "doit avoir un partenaire" in page
    assert "Numéro au format international" in page
    assert session.scalars(select(StaffUser).where(StaffUser.role == "counsellor")).all() == []


def test_a_province_that_does_not_exist_is_refused(client, session: Session) -> None:
    signed_in(client, session, "admin")
    token = csrf_token(client, "/console/users/new")
    response = client.post(
        "/console/users/new", data=new_account_form(csrf_token=token, provinces=["atlantis"])
    )
    assert response.status_code == 200
    assert session.scalars(select(StaffUser).where(StaffUser.role == "counsellor")).all() == []


def test_an_admin_edits_role_partner_provinces_phone_and_active(client, session) -> None:
    signed_in(client, session, "admin")
    user = make_staff(session, "counsellor", provinces=["fes"])
    page = client.get(f"/console/users/{user.id}").get_data(as_text=True)
    assert 'value="fes" checked' in page
    form = {
        "csrf_token": csrf_token(client, f"/console/users/{user.id}"),
        "name": "Counsellor",
        "role": "staff",
        "partner": "ANAPEC",
        "provinces": ["fes", "rabat"],
        "phone": "+212622000000",
        # "active" left out: the checkbox is unticked
    }
    response = client.post(f"/console/users/{user.id}", data=form)
    assert response.status_code == 302
    session.expire_all()
    assert (user.role, user.provinces, user.phone, user.active) == (
        "staff",
        ["fes", "rabat"],
        "+212622000000",
        False,
    )
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None and entry.action == "user.update"
    assert set(entry.details["changes"]) == {"role", "provinces", "phone", "active"}


def test_an_admin_cannot_remove_the_last_admin(client, session: Session) -> None:
    admin = signed_in(client, session, "admin")
    form = {
        "csrf_token": csrf_token(client, f"/console/users/{admin.id}"),
        "name": admin.name,
        "role": "staff",
        "active": "y",
    }
    page = client.post(f"/console/users/{admin.id}", data=form).get_data(as_text=True)
    assert "il ne resterait aucun compte administrateur actif" in page
    session.expire_all()
    assert admin.role == "admin"


def test_an_unknown_account_is_404(client, session: Session) -> None:
    signed_in(client, session, "admin")
    assert client.get("/console/users/999999").status_code == 404


def test_a_password_reset_signs_her_out_everywhere(app, client, session: Session) -> None:
    signed_in(client, session, "admin")
    user = make_staff(session, "staff")
    hers = app.test_client()
    assert login(hers, user.email).status_code == 302
    assert hers.get("/console/").status_code == 200
    token = csrf_token(client, f"/console/users/{user.id}")
    short = {"csrf_token": token, "password": "short", "password_confirm": "short"}
    assert client.post(f"/console/users/{user.id}/password", data=short).status_code == 200
    form = {
        "csrf_token": token,
        "password": "a new passphrase",
        "password_confirm": "a new passphrase",
    }
    assert client.post(f"/console/users/{user.id}/password", data=form).status_code == 302
    assert hers.get("/console/").status_code == 302  # her old session is gone
    assert login(hers, user.email, "a new passphrase").status_code == 302
    assert "user.password_reset" in actions(session)


def test_an_admin_changing_her_own_password_stays_signed_in(client, session) -> None:
    admin = signed_in(client, session, "admin")
    token = csrf_token(client, f"/console/users/{admin.id}")
    form = {
        "csrf_token": token,
        "password": "my new passphrase",
        "password_confirm": "my new passphrase",
    }
    assert client.post(f"/console/users/{admin.id}/password", data=form).status_code == 302
    assert client.get("/console/users").status_code == 200
    assert actions(session)[-1] == "user.password_change"


# -- audit log -------------------------------------------------------------------------


def test_the_audit_log_is_newest_first_and_paginated(client, session: Session) -> None:
    from bot.staff.audit import audit

    admin = signed_in(client, session, "admin")
    for number in range(60):
        audit(session, admin, "test.event", "thing", number)
    session.commit()
    first = client.get("/console/audit").get_data(as_text=True)
    assert first.index("thing #59") < first.index("thing #58")
    assert "thing #10</td>" in first and "thing #9</td>" not in first and "Plus anciens" in first
    second = client.get("/console/audit?page=2").get_data(as_text=True)
    assert "thing #9</td>" in second and "thing #0</td>" in second
    assert "thing #10</td>" not in second
    assert "Plus récents" in second
    assert "Connexion" in second and "Compte créé" in second  # the sign-in and creation
    assert client.get("/console/audit?page=zero").status_code == 200
