"""Storing consent and registration answers (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.registration.consent import CONSENT_VERSION
from bot.registration.services import (
    ConsentRequired,
    confirm_registration,
    next_question,
    record_consent,
    save_answer,
)

FULL_PROFILE = {
    "first_name": "Khadija",
    "age": 27,
    "province": "fes",
    "education_level": "baccalaureate",
    "situation": "business_idea",
    "goal": "start_business",
}


def woman(session: Session, phone: str = "+212600000020", **values: object) -> Beneficiary:
    beneficiary = Beneficiary(phone=phone, **values)
    session.add(beneficiary)
    session.commit()
    return beneficiary


def registered(session: Session) -> Beneficiary:
    beneficiary = woman(session, detected_language="ary_Latn")
    record_consent(session, beneficiary, given=True)
    for name, value in FULL_PROFILE.items():
        save_answer(session, beneficiary, name, value)
    assert confirm_registration(session, beneficiary)
    return beneficiary


def test_consent_given_is_kept_with_its_time_version_and_her_language(session: Session) -> None:
    beneficiary = woman(session, detected_language="ary")
    record_consent(session, beneficiary, given=True)
    session.expire_all()
    assert beneficiary.has_consented and beneficiary.consent == Beneficiary.CONSENT_GIVEN
    assert beneficiary.consent_at is not None
    assert beneficiary.consent_version == CONSENT_VERSION
    assert beneficiary.language == "ary"


def test_consent_refused_wipes_her_profile_but_keeps_the_refusal(session: Session) -> None:
    beneficiary = registered(session)
    beneficiary.profile_name = "Khadija B."
    session.commit()
    record_consent(session, beneficiary, given=False)
    session.expire_all()
    assert beneficiary.consent == Beneficiary.CONSENT_REFUSED and not beneficiary.has_consented
    assert beneficiary.consent_at is not None
    assert all(getattr(beneficiary, name) is None for name in FULL_PROFILE)
    assert beneficiary.profile_name is None and beneficiary.age_band is None
    assert beneficiary.registered_at is None
    assert beneficiary.phone == "+212600000020"


def test_no_answer_is_stored_before_consent(session: Session) -> None:
    beneficiary = woman(session)
    with pytest.raises(ConsentRequired):
        save_answer(session, beneficiary, "first_name", "Fatima")
    session.expire_all()
    assert beneficiary.first_name is None


def test_no_answer_is_stored_after_a_refusal(session: Session) -> None:
    beneficiary = woman(session)
    record_consent(session, beneficiary, given=False)
    with pytest.raises(ConsentRequired):
        save_answer(session, beneficiary, "age", 30)


def test_an_unknown_field_is_refused(session: Session) -> None:
    beneficiary = woman(session)
    record_consent(session, beneficiary, given=True)
    with pytest.raises(ValueError, match="phone"):
        save_answer(session, beneficiary, "phone", "+212611111111")


def test_saving_her_age_sets_its_band(session: Session) -> None:
    beneficiary = woman(session)
    record_consent(session, beneficiary, given=True)
    save_answer(session, beneficiary, "age", 27)
    session.expire_all()
    assert (beneficiary.age, beneficiary.age_band) == (27, "25-34")


def test_a_changed_answer_must_be_confirmed_again(session: Session) -> None:
    beneficiary = registered(session)
    assert beneficiary.is_registered
    save_answer(session, beneficiary, "age", 36)
    session.expire_all()
    assert not beneficiary.is_registered and beneficiary.age_band == "35-44"
    assert confirm_registration(session, beneficiary) and beneficiary.is_registered


def test_questions_come_in_order_until_every_answer_is_in(session: Session) -> None:
    beneficiary = woman(session)
    record_consent(session, beneficiary, given=True)
    asked: list[str] = []
    while (question := next_question(beneficiary)) is not None:
        asked.append(question)
        save_answer(session, beneficiary, question, FULL_PROFILE[question])
    assert asked == list(FULL_PROFILE)


def test_a_cleared_answer_is_asked_again(session: Session) -> None:
    beneficiary = registered(session)
    save_answer(session, beneficiary, "province", None)
    assert next_question(beneficiary) == "province"


def test_an_incomplete_profile_cannot_be_confirmed(session: Session) -> None:
    beneficiary = woman(session)
    record_consent(session, beneficiary, given=True)
    save_answer(session, beneficiary, "first_name", "Fatima")
    assert not confirm_registration(session, beneficiary)
    session.expire_all()
    assert beneficiary.registered_at is None


def test_a_full_profile_without_consent_cannot_be_confirmed(session: Session) -> None:
    beneficiary = woman(session, **FULL_PROFILE)
    assert not confirm_registration(session, beneficiary)
    assert not beneficiary.is_registered


def test_confirming_again_keeps_the_first_registration_time(session: Session) -> None:
    beneficiary = registered(session)
    first = beneficiary.registered_at
    assert confirm_registration(session, beneficiary)
    assert beneficiary.registered_at == first
