"""Helpers for tests of the staff console: accounts, CSRF tokens, signing in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.staff.models import StaffUser
from bot.staff.services import create_user

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


def make_staff(
    session: Session,
    role: str = "admin",
    email: str | None = None,
    partner: str | None = None,
    provinces: Iterable[str] = (),
    password: str = PASSWORD,
    name: str | None = None,
) -> StaffUser:
    """An account; counsellors get ANAPEC and Fès unless told otherwise."""
    if role == "counsellor":
        partner = partner or "ANAPEC"
        provinces = provinces or ["fes"]
    return create_user(
        session,
        email=email or f"{role}@minajliki.example.org",
        name=name or role.capitalize(),
        role=role,
        password=password,
        partner=partner,
        provinces=provinces,
    )


def csrf_token(client, path: str = "/console/login") -> str:  # type: ignore[no-untyped-def]
    """The CSRF token of the form on `path` (tied to the client's session cookie)."""
    page = client.get(path)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def login(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the login form; returns the response (302 on success)."""
    token = csrf_token(client)
    return client.post(
        "/console/login", data={"email": email, "password": password, "csrf_token": token}
    )


def signed_in(client, session: Session, role: str = "admin", **kwargs: object) -> StaffUser:  # type: ignore[no-untyped-def]
    """Create an account with this role and sign the client in as her."""
    staff = make_staff(session, role, **kwargs)  # type: ignore[arg-type]
    response = login(client, staff.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return staff
