"""Checking what a staff account is made of, field by field."""

from __future__ import annotations

import pytest

from bot.staff import validation as v


def problems_of(check, *args):  # type: ignore[no-untyped-def]
    problems: dict[str, str] = {}
    value = check(*args, problems)
    return value, problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Amina@Example.ORG", "amina@example.org"),
        ("  k.b+console@anapec.ma ", "k.b+console@anapec.ma"),
    ],
)
def test_emails_are_kept_lowercase_and_trimmed(raw: str, expected: str) -> None:
    assert problems_of(v.check_email, raw) == (expected, {})


@pytest.mark.parametrize(
    "raw", ["", "amina", "amina@", "@example.org", "a b@x.ma", "a@x", "a@@x.ma"]
)
def test_malformed_emails_are_refused(raw: str) -> None:
    assert problems_of(v.check_email, raw)[1] == {"email": "email_invalid"}


def test_names_are_required_and_their_spaces_tidied() -> None:
    assert problems_of(v.check_name, "  Fatima   Zahra ") == ("Fatima Zahra", {})
    assert problems_of(v.check_name, "فاطمة الزهراء") == ("فاطمة الزهراء", {})
    assert problems_of(v.check_name, "   ")[1] == {"name": "name_required"}
    assert problems_of(v.check_name, "x" * 121)[1] == {"name": "name_too_long"}


def test_only_the_three_roles_exist() -> None:
    assert problems_of(v.check_role, " Counsellor ") == ("counsellor", {})
    assert problems_of(v.check_role, "superuser")[1] == {"role": "role_invalid"}


def test_a_counsellor_needs_a_partner_others_may_have_one() -> None:
    assert problems_of(v.check_partner, "", "counsellor")[1] == {"partner": "partner_required"}
    assert problems_of(v.check_partner, None, "staff") == (None, {})
    assert problems_of(v.check_partner, " RESOFEM ", "counsellor") == ("RESOFEM", {})
    assert problems_of(v.check_partner, "x" * 65, "staff")[1] == {"partner": "partner_too_long"}


def test_provinces_are_gazetteer_codes_each_once() -> None:
    assert problems_of(v.check_provinces, ["fes", " Casablanca", "fes", ""]) == (
        ["fes", "casablanca"],
        {},
    )
    assert problems_of(v.check_provinces, ["fes", "atlantis"])[1] == {
        "provinces": "province_unknown"
    }


def test_phones_are_optional_and_e164() -> None:
    assert problems_of(v.check_phone, "") == (None, {})
    assert problems_of(v.check_phone, None) == (None, {})
    assert problems_of(v.check_phone, "+212 6 12 34 56 78") == ("+212612345678", {})
    assert problems_of(v.check_phone, "0612345678")[1] == {"phone": "phone_invalid"}


def test_passwords_have_at_least_ten_characters() -> None:
    assert problems_of(v.check_password, "123456789")[1] == {"password": "password_too_short"}
    assert problems_of(v.check_password, "1234567890")[1] == {}
    assert problems_of(v.check_password, "x" * 513)[1] == {"password": "password_too_long"}


def test_the_error_lists_every_problem_in_words() -> None:
    error = v.StaffError({"email": "email_invalid", "password": "password_too_short"})
    assert error.problems == {"email": "email_invalid", "password": "password_too_short"}
    assert "email: not a valid email address" in str(error)
    assert "password: the password needs at least 10 characters" in str(error)
