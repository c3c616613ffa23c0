"""`minajliki create-user` and `set-password`, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.staff.models import AuditLog, StaffUser
from bot.staff.services import authenticate


def run(database_url: str, args: list[str], stdin: str = ""):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, args, input=stdin, env={"DATABASE_URL": database_url})


def test_the_first_admin_is_created_with_a_password_typed_twice(
    database_url: str, session: Session
) -> None:
    result = run(
        database_url,
        ["create-user", "--email", "Amina@Example.org", "--name", "Amina", "--role", "admin"],
        stdin="first password\nfirst password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created admin amina@example.org" in result.output
    assert "first password" not in result.output  # never echoed
    user = session.scalars(select(StaffUser)).one()
    assert (user.email, user.role, user.active) == ("amina@example.org", "admin", True)
    assert authenticate(session, "amina@example.org", "first password") is not None
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "user.create")).one()
    assert entry.staff_user_id is None  # the command line


def test_two_different_passwords_are_asked_again(database_url: str, session: Session) -> None:
    result = run(
        database_url,
        ["create-user", "--email", "a@b.ma", "--name", "A", "--role", "staff"],
        stdin="one password!\nanother one!\nsame password\nsame password\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert authenticate(session, "a@b.ma", "same password") is not None


def test_a_counsellor_from_a_script(database_url: str, session: Session) -> None:
    args = ["create-user", "--email", "k@anapec.ma", "--name", "خديجة", "--role", "counsellor"]
    args += ["--partner", "ANAPEC", "--province", "fes", "--province", "meknes"]
    args += ["--phone", "+212612345678", "--password-stdin"]
    result = run(database_url, args, stdin="from a script 123\n")
    assert result.exit_code == 0, result.output
    user = session.scalars(select(StaffUser)).one()
    assert (user.name, user.partner, user.provinces) == ("خديجة", "ANAPEC", ["fes", "meknes"])
    assert user.phone == "+212612345678"
    assert authenticate(session, "k@anapec.ma", "from a script 123") is not None


def test_invalid_input_is_explained_and_nothing_created(database_url: str, session) -> None:
    args = ["create-user", "--email", "nope", "--name", "K", "--role", "counsellor"]
    args += ["--province", "atlantis", "--password-stdin"]
    result = run(database_url, args, stdin="short\n")
    assert result.exit_code == 1
    assert "Error: invalid account:" in result.output
    for words in (
        "email: not a valid email address",
        "partner: a counsellor needs a partner",
        "provinces: unknown province code",
        "password: the password needs at least 10 characters",
    ):
        assert words in result.output
    assert session.scalars(select(StaffUser)).all() == []


@pytest.mark.usefixtures("engine")  # empties the tables afterwards
def test_an_unknown_role_is_refused_by_the_option(database_url: str) -> None:
    args = ["create-user", "--email", "a@b.ma", "--name", "A", "--role", "boss"]
    result = run(database_url, [*args, "--password-stdin"], stdin="long enough pw\n")
    assert result.exit_code == 2
    assert "'boss' is not one of 'admin', 'staff', 'counsellor'" in result.output


@pytest.mark.usefixtures("engine")  # empties the tables afterwards
def test_an_address_already_taken_is_refused(database_url: str) -> None:
    args = ["create-user", "--email", "a@b.ma", "--name", "A", "--role", "admin"]
    assert run(database_url, [*args, "--password-stdin"], stdin="long enough pw\n").exit_code == 0
    again = run(database_url, [*args, "--password-stdin"], stdin="long enough pw\n")
    assert again.exit_code == 1
    assert "email: another account already uses this email address" in again.output


def test_a_missing_database_says_to_migrate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    args = ["create-user", "--email", "a@b.ma", "--name", "A", "--role", "admin"]
    result = run(url, [*args, "--password-stdin"], stdin="long enough pw\n")
    assert result.exit_code == 1
    assert "run `minajliki migrate`" in result.output


def test_set_password_replaces_it(database_url: str, session: Session) -> None:
    args = ["create-user", "--email", "a@b.ma", "--name", "A", "--role", "admin"]
    assert run(database_url, [*args, "--password-stdin"], stdin="old password!\n").exit_code == 0
    result = run(
        database_url, ["set-password", "--email", "A@b.ma", "--password-stdin"], "new pass 2024\n"
    )
    assert result.exit_code == 0, result.output
    assert authenticate(session, "a@b.ma", "new pass 2024") is not None
    missing = run(database_url, ["set-password", "--email", "x@b.ma", "--password-stdin"], "x" * 12)
    assert missing.exit_code == 1 and "no account with the address x@b.ma" in missing.output
