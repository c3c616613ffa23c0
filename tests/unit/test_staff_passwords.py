"""Argon2id password hashes."""

from __future__ import annotations

from bot.staff.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_a_hash_verifies_its_password_only() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert not verify_password(hashed, "")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("same password!") != hash_password("same password!")


def test_arabic_and_long_passwords_work() -> None:
    password = "كلمة السر ديالي 2024 " * 10
    assert verify_password(hash_password(password), password)


def test_a_malformed_hash_is_a_refusal_not_an_error() -> None:
    assert not verify_password("not-a-hash", "whatever")
    assert not verify_password("", "whatever")


def test_weaker_parameters_ask_for_a_rehash() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("x" * 12)
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("x" * 12))
    assert verify_password(weak, "x" * 12)  # still accepted; rehashed at the next sign-in


def test_burning_time_for_an_unknown_address_just_returns() -> None:
    assert burn_verification_time("anything") is None
