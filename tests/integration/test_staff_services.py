"""Staff accounts on SQLite and PostgreSQL: creating, signing in, changing, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.models import AuditLog, StaffUser
from bot.staff.services import (
    StaffError,
    authenticate,
    create_user,
    deactivate,
    get_by_email,
    set_password,
    update_user,
)
from tests.support.console import PASSWORD, make_staff


def entries(session: Session) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_a_counsellor_is_created_with_her_partner_and_provinces(session: Session) -> None:
    admin = make_staff(session, "admin")
    user = create_user(
        session,
        email=" Khadija@ANAPEC.ma ",
        name="Khadija  Benali",
        role="counsellor",
        password=PASSWORD,
        partner="ANAPEC",
        provinces=["fes", "casablanca"],
        phone="+212 612 345 678",
        actor=admin,
        ip="10.0.0.7",
    )
    session.expire_all()
    assert (user.email, user.name, user.role) == (
        "khadija@anapec.ma",
        "Khadija Benali",
        "counsellor",
    )
    assert (user.partner, user.provinces, user.phone) == (
        "ANAPEC",
        ["fes", "casablanca"],
        "+212612345678",
    )
    assert user.active and user.created_at is not None and user.last_login_at is None
    assert user.password_hash.startswith("$argon2id$")
    entry = entries(session)[-1]
    assert (entry.action, entry.staff_user_id, entry.target_type) == (
        "user.create",
        admin.id,
        "staff_user",
    )
    assert (entry.target_id, entry.ip) == (str(user.id), "10.0.0.7")
    assert entry.details["provinces"] == ["fes", "casablanca"]
    assert PASSWORD not in str(entry.details)


def test_every_problem_is_reported_at_once_and_nothing_is_stored(session: Session) -> None:
    with pytest.raises(StaffError) as error:
        create_user(
            session,
            email="not an email",
            name=" ",
            role="counsellor",
            password="short",
            provinces=["fes", "atlantis"],
            phone="0612",
        )
    assert error.value.problems == {
        "email": "email_invalid",
        "name": "name_required",
        "partner": "partner_required",
        "provinces": "province_unknown",
        "phone": "phone_invalid",
        "password": "password_too_short",
    }
    assert session.scalars(select(StaffUser)).all() == []
    assert entries(session) == []


def test_an_unknown_role_is_refused(session: Session) -> None:
    with pytest.raises(StaffError) as error:
        create_user(session, email="a@b.ma", name="A", role="root", password=PASSWORD)
    assert error.value.problems == {"role": "role_invalid"}


def test_an_email_is_used_once_whatever_its_case(session: Session) -> None:
    make_staff(session, "staff", email="amina@example.org")
    with pytest.raises(StaffError) as error:
        make_staff(session, "admin", email="AMINA@example.org")
    assert error.value.problems == {"email": "email_taken"}


def test_sign_in_with_the_right_password_records_the_time_and_an_entry(session: Session) -> None:
    user = make_staff(session, "staff")
    assert authenticate(session, "  STAFF@minajliki.example.org", PASSWORD, ip="10.1.1.1") == user
    session.expire_all()
    assert user.last_login_at is not None
    entry = entries(session)[-1]
    assert (entry.action, entry.staff_user_id, entry.ip) == ("login.success", user.id, "10.1.1.1")


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("staff@minajliki.example.org", "wrong password!", "wrong_password"),
        ("nobody@minajliki.example.org", PASSWORD, "unknown_email"),
    ],
)
def test_a_failed_sign_in_is_refused_and_recorded(
    session: Session, email: str, password: str, reason: str
) -> None:
    user = make_staff(session, "staff")
    assert authenticate(session, email, password, ip="10.1.1.2") is None
    session.expire_all()
    assert user.last_login_at is None
    entry = entries(session)[-1]
    assert entry.action == "login.failure" and entry.staff_user_id is None
    assert entry.details == {"email": email, "reason": reason}
    assert entry.target_id == (str(user.id) if reason == "wrong_password" else None)


def test_a_password_typed_as_the_address_is_not_kept(session: Session) -> None:
    assert authenticate(session, "my secret password", "x") is None
    assert entries(session)[-1].details == {"email": "(invalid)", "reason": "unknown_email"}


def test_a_deactivated_account_cannot_sign_in_even_with_its_password(session: Session) -> None:
    make_staff(session, "admin", email="boss@minajliki.example.org")
    user = make_staff(session, "counsellor")
    deactivate(session, user)
    assert authenticate(session, user.email, PASSWORD) is None
    assert entries(session)[-1].details["reason"] == "inactive"
    assert entries(session)[-2].action == "user.deactivate"


def test_a_new_password_replaces_the_old_one(session: Session) -> None:
    admin = make_staff(session, "admin")
    user = make_staff(session, "staff")
    with pytest.raises(StaffError) as error:
        set_password(session, user, "too short", actor=admin)
    assert error.value.problems == {"password": "password_too_short"}
    set_password(session, user, "a brand new passphrase", actor=admin, ip="10.0.0.1")
    assert authenticate(session, user.email, PASSWORD) is None
    assert authenticate(session, user.email, "a brand new passphrase") == user
    reset = [e for e in entries(session) if e.action == "user.password_reset"]
    assert len(reset) == 1 and reset[0].staff_user_id == admin.id
    assert "passphrase" not in str(reset[0].details)


def test_her_own_new_password_is_a_change_not_a_reset(session: Session) -> None:
    user = make_staff(session, "staff")
    set_password(session, user, "my own new password", actor=user)
    assert entries(session)[-1].action == "user.password_change"


def test_an_update_records_what_changed_but_not_the_phone_number(session: Session) -> None:
    admin = make_staff(session, "admin")
    user = make_staff(session, "staff")
    changed = update_user(
        session,
        user,
        actor=admin,
        role="counsellor",
        partner="RESOFEM",
        provinces=["rabat"],
        phone="+212600000111",
    )
    assert changed == {
        "role": ["staff", "counsellor"],
        "partner": [None, "RESOFEM"],
        "provinces": [[], ["rabat"]],
        "phone": ["…", "…"],
    }
    session.expire_all()
    assert (user.role, user.partner, user.provinces, user.phone) == (
        "counsellor",
        "RESOFEM",
        ["rabat"],
        "+212600000111",
    )
    entry = entries(session)[-1]
    assert entry.action == "user.update" and entry.details == {"changes": changed}
    assert "+212600000111" not in str(entry.details)


def test_an_update_that_changes_nothing_writes_nothing(session: Session) -> None:
    user = make_staff(session, "staff")
    before = len(entries(session))
    assert update_user(session, user, name="Staff") == {}
    assert len(entries(session)) == before


def test_an_invalid_update_is_refused_and_changes_nothing(session: Session) -> None:
    user = make_staff(session, "staff")
    with pytest.raises(StaffError) as error:
        update_user(session, user, role="counsellor", provinces=["nowhere"], email="x@y.ma")
    assert error.value.problems == {
        "email": "unknown_field",
        "partner": "partner_required",
        "provinces": "province_unknown",
    }
    session.expire_all()
    assert user.role == "staff" and user.provinces == []


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(session: Session) -> None:
    admin = make_staff(session, "admin")
    with pytest.raises(StaffError) as error:
        update_user(session, admin, role="staff")
    assert error.value.problems == {"role": "last_admin"}
    with pytest.raises(StaffError) as error:
        deactivate(session, admin)
    assert error.value.problems == {"active": "last_admin"}
    second = make_staff(session, "admin", email="second@minajliki.example.org")
    deactivate(session, admin, actor=second)
    session.expire_all()
    assert not admin.active and get_by_email(session, admin.email) == admin


def test_counsellors_see_their_provinces_and_others_every_province(session: Session) -> None:
    counsellor = make_staff(session, "counsellor", provinces=["fes", "meknes"])
    staff = make_staff(session, "staff")
    assert counsellor.sees_province("fes") and not counsellor.sees_province("casablanca")
    assert not counsellor.sees_province(None)
    assert staff.sees_every_province and staff.sees_province("casablanca")


def test_audit_entries_outlive_the_account_they_name(session: Session) -> None:
    user = make_staff(session, "staff")
    authenticate(session, user.email, PASSWORD)
    session.delete(user)
    session.commit()
    kept = entries(session)
    assert [e.action for e in kept] == ["user.create", "login.success"]
    assert kept[-1].staff_user_id is None and kept[-1].target_id == str(user.id)
