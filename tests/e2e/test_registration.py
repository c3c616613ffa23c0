"""Registration, consent, opt-out and erasure: whole conversations, in the four varieties.

Each conversation goes through the signed webhook, the worker, the trained Rasa model, the
actions server and the NLG endpoint, and every reply is checked at Twilio's door (Prism on
Twilio's spec), word for word against the catalogs. Runs on PostgreSQL with Redis.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from bot import gazetteer, language
from bot.beneficiaries.models import Beneficiary
from bot.celery_app import create_celery
from bot.messaging.models import Message
from bot.messaging.outreach import announce
from bot.registration.consent import CONSENT_VERSION
from bot.settings import Settings
from tests.e2e.conftest import Stack
from tests.e2e.test_walking_skeleton import wait_for
from tests.e2e.women import VARIETIES, Variety, Woman, texts
from tests.support.twilio_mock import RecordingProxy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]


def choose_language(woman: Woman) -> None:
    """First contact: the welcome, then her language from the numbered list."""
    v = woman.variety
    first = language.detect(v.greet)
    assert woman.say(v.greet) == texts(first, "utter_welcome")
    assert woman.say(v.language_digit) == texts(v.code, "utter_language_set")
    assert woman.record().language == v.code


def consent(woman: Woman, by_words: bool = True) -> None:
    v = woman.variety
    assert woman.say(v.register if by_words else "1") == texts(v.code, "utter_consent")
    if v.profile_name:
        first_question = texts(v.code, "utter_ask_first_name_offered", offered_name=v.profile_name)
    else:
        first_question = texts(v.code, "utter_ask_first_name")
    assert woman.say("1") == texts(v.code, "utter_consent_given") + first_question


def give_name(woman: Woman, name: str) -> None:
    v = woman.variety
    if v.profile_name:
        # She says her WhatsApp name is not hers, then writes it.
        assert woman.say("2") == texts(v.code, "utter_ask_first_name")
    assert woman.say(name) == texts(v.code, "utter_ask_age")


def summary(v: Variety, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": v.name,
        "age": v.age_value,
        "province": v.city_code,
        "education_level": "baccalaureate",
        "situation": "job_seeker",
        "goal": "find_job",
    }
    return {**values, **changes}


VARIETY_PARAM = pytest.mark.parametrize("variety", list(VARIETIES))


@VARIETY_PARAM
def test_straight_registration(woman: Woman, variety: str) -> None:
    v = woman.variety
    choose_language(woman)
    consent(woman, by_words=False)  # "1" in the main menu
    give_name(woman, v.name)
    assert woman.say(v.age) == texts(v.code, "utter_ask_province")
    assert woman.say(v.city) == texts(v.code, "utter_ask_education_level")
    assert woman.say("4") == texts(v.code, "utter_ask_situation")
    assert woman.say("1") == texts(v.code, "utter_ask_goal")
    assert woman.say("1") == texts(v.code, "utter_ask_reg_confirm", **summary(v))
    assert woman.say("1") == texts(v.code, "utter_registered", first_name=v.name)

    record = woman.record()
    assert record.registered_at is not None
    assert record.consent == Beneficiary.CONSENT_GIVEN
    assert record.consent_version == CONSENT_VERSION and record.consent_at is not None
    assert (record.first_name, record.age, record.province) == (v.name, v.age_value, v.city_code)
    assert (record.education_level, record.situation, record.goal) == (
        "baccalaureate", "job_seeker", "find_job",
    )  # fmt: skip
    assert woman.say(v.show_profile) == texts(v.code, "utter_profile", **summary(v))


@VARIETY_PARAM
def test_wrong_answers_and_corrections(woman: Woman, variety: str) -> None:
    v = woman.variety
    choose_language(woman)
    consent(woman)
    give_name(woman, v.name)
    # A wrong age gets help; under 18 is refused; the second miss in a row offers a person.
    assert woman.say(v.bad_age) == texts(v.code, "utter_help_age", "utter_ask_age")
    assert woman.say("15") == texts(v.code, "utter_registration_stuck")
    assert woman.say("1") == texts(v.code, "utter_welcome_back", "utter_ask_age")
    assert woman.say(v.age) == texts(v.code, "utter_ask_province")
    # "My name is not that": the name is asked again, then the form goes on where it was.
    assert woman.say(v.name_correction) == texts(v.code, "utter_fix_ok", "utter_ask_first_name")
    assert woman.say(v.other_name) == texts(v.code, "utter_ask_province")
    # An unknown place leads to the regions, then that region's provinces.
    regions = woman.say(v.unknown_city)
    assert regions == texts(
        v.code, "utter_help_province", "utter_ask_region_choice",
        choices=REGION_CODES,
    )  # fmt: skip
    casablanca_settat = str(REGION_CODES.index("casablanca_settat") + 1)
    provinces = woman.say(casablanca_settat)
    assert provinces == texts(
        v.code, "utter_ask_province_choice", choices=list(provinces_of("casablanca_settat"))
    )
    assert woman.say("1") == texts(v.code, "utter_ask_education_level")
    assert woman.say("9") == texts(v.code, "utter_help_choice", "utter_ask_education_level")
    assert woman.say("5") == texts(v.code, "utter_ask_situation")
    assert woman.say("2") == texts(v.code, "utter_ask_goal")
    assert woman.say("2") == texts(
        v.code, "utter_ask_reg_confirm",
        **summary(v, first_name=v.other_name, province=provinces_of("casablanca_settat")[0],
                  education_level="university", situation="business_idea",
                  goal="start_business"),
    )  # fmt: skip
    # At the summary: "2" to change, "2" for the age.
    assert woman.say("2") == texts(v.code, "utter_ask_fix")
    assert woman.say("2") == texts(v.code, "utter_fix_ok", "utter_ask_age")
    assert woman.say("45") == texts(
        v.code, "utter_ask_reg_confirm",
        **summary(v, first_name=v.other_name, age=45,
                  province=provinces_of("casablanca_settat")[0],
                  education_level="university", situation="business_idea",
                  goal="start_business"),
    )  # fmt: skip
    assert woman.say("1") == texts(v.code, "utter_registered", first_name=v.other_name)
    record = woman.record()
    assert (record.first_name, record.age, record.age_band) == (v.other_name, 45, "45-54")
    assert record.registered_at is not None


@VARIETY_PARAM
def test_interrupted_and_resumed(woman: Woman, variety: str) -> None:
    v = woman.variety
    choose_language(woman)
    consent(woman)
    give_name(woman, v.name)
    assert woman.say(v.age) == texts(v.code, "utter_ask_province")
    assert woman.say(v.goodbye) == texts(v.code, "utter_registration_paused")
    record = woman.record()
    assert (record.first_name, record.age, record.registered_at) == (v.name, v.age_value, None)
    # Later she asks what we keep, then takes up where she left off.
    assert woman.say(v.show_profile) == texts(
        v.code, "utter_profile_incomplete",
        **summary(v, province=None, education_level=None, situation=None, goal=None),
    )  # fmt: skip
    assert woman.say(v.register) == texts(v.code, "utter_welcome_back", "utter_ask_province")
    assert woman.say(v.city) == texts(v.code, "utter_ask_education_level")
    assert woman.say("4") == texts(v.code, "utter_ask_situation")
    assert woman.say("1") == texts(v.code, "utter_ask_goal")
    assert woman.say("1") == texts(v.code, "utter_ask_reg_confirm", **summary(v))
    assert woman.say("1") == texts(v.code, "utter_registered", first_name=v.name)


@VARIETY_PARAM
def test_refusing_consent_keeps_nothing_but_her_number(woman: Woman, variety: str) -> None:
    v = woman.variety
    choose_language(woman)
    assert woman.say(v.register) == texts(v.code, "utter_consent")
    assert woman.say("2") == texts(v.code, "utter_consent_refused")
    record = woman.record()
    assert record.consent == Beneficiary.CONSENT_REFUSED
    assert (record.first_name, record.age, record.province, record.profile_name) == (
        None, None, None, None,
    )  # fmt: skip

    def her_bodies() -> set[str]:
        with woman.sessions() as session:
            return set(
                session.scalars(select(Message.body).where(Message.beneficiary_id == record.id))
            )

    assert wait_for(lambda: her_bodies() == {""}, timeout=20), her_bodies()
    # She can come back later: she is asked again.
    assert woman.say(v.register) == texts(v.code, "utter_consent")


@VARIETY_PARAM
def test_opt_out_then_an_announcement_skips_her(
    woman: Woman, variety: str, stack: Stack, twilio_mock: RecordingProxy
) -> None:
    v = woman.variety
    choose_language(woman)
    # The other woman stays subscribed; she gets the announcement.
    other = Woman(woman.stack, twilio_mock, woman.sessions, woman.phone + "9", v)
    choose_language(other)
    words, keyword = v.opt_out, "STOP"
    assert woman.say(words) == texts(v.code, "utter_opted_out")
    assert woman.record().opt_out_source == "intent"
    assert woman.say("START") == texts(v.code, "utter_opted_in")
    assert woman.record().opted_out_at is None
    assert woman.say(keyword) == texts(v.code, "utter_opted_out")
    assert woman.record().opt_out_source == "keyword"

    news = {code: f"[{code}] Nouvelle formation à Fès le 3 décembre" for code in VARIETIES}
    with woman.sessions() as session:
        targets = session.scalars(
            select(Beneficiary).where(Beneficiary.phone.in_((woman.phone, other.phone)))
        ).all()
        result = announce(session, news, targets)
    assert result.skipped == [woman.record().id]
    assert result.queued == [other.record().id]
    celery = create_celery(Settings.from_env(stack.env))
    celery.send_task("messaging.process_beneficiary", args=[other.record().id])
    assert wait_for(lambda: len(twilio_mock.messages_to(other.address)) > other.seen)
    assert twilio_mock.messages_to(other.address)[-1].form["Body"] == [news[v.code]]
    assert len(twilio_mock.messages_to(woman.address)) == woman.seen


@VARIETY_PARAM
def test_erasure_leaves_no_personal_data(
    woman: Woman, variety: str, tracker_store_url: str
) -> None:
    v = woman.variety
    choose_language(woman)
    consent(woman)
    give_name(woman, v.name)
    assert woman.say(v.age) == texts(v.code, "utter_ask_province")
    assert woman.say(v.delete) == texts(v.code, "utter_confirm_erasure")
    assert woman.say("2") == texts(v.code, "utter_erasure_cancelled")
    assert woman.say(v.delete) == texts(v.code, "utter_confirm_erasure")
    record = woman.record()
    assert woman.say("1") == texts(v.code, "utter_erasure_done")

    def erased() -> Beneficiary | None:
        with woman.sessions() as session:
            found = session.get(Beneficiary, record.id)
            return found if found is not None and found.erased_at is not None else None

    after = wait_for(erased, timeout=30)
    assert after is not None, woman.stack.logs()
    assert after.phone != woman.phone and after.public_id != record.public_id
    assert (after.first_name, after.age, after.profile_name) == (None, None, None)
    assert after.age_band == record.age_band  # anonymous statistics stay
    with woman.sessions() as session:
        assert session.scalar(select(Beneficiary).where(Beneficiary.phone == woman.phone)) is None
        bodies = session.scalars(select(Message.body).where(Message.beneficiary_id == record.id))
        assert set(bodies) == {""}
        her_row = session.execute(
            text("SELECT * FROM beneficiaries WHERE id = :id"), {"id": record.id}
        ).one()
        everything = str(tuple(her_row))
    for personal in (woman.phone, record.public_id, v.name, v.profile_name or v.name):
        assert personal not in everything
    tracker = create_engine(tracker_store_url)
    with tracker.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :id"), {"id": record.public_id}
        ).scalar()
    tracker.dispose()
    assert left == 0


def provinces_of(region: str) -> list[str]:
    return [p.code for p in gazetteer.provinces() if p.region == region]


REGION_CODES = [r.code for r in gazetteer.regions()]


@pytest.mark.parametrize("variety", ["ary_Latn", "fr"])
def test_after_a_day_of_silence_a_new_session_goes_on_with_her_form(
    woman: Woman, variety: str, tracker_store_url: str
) -> None:
    """Sessions end after a day (Rasa then replays only the latest one); the registration
    she was in goes on: her next answer is taken as the one she was asked for."""
    v = woman.variety
    choose_language(woman)
    consent(woman)
    give_name(woman, v.name)  # the form now asks her age
    sender = woman.record().public_id
    two_days = 2 * 24 * 3600
    tracker = create_engine(tracker_store_url)
    with tracker.begin() as connection:
        # Rasa reads an event's time from its JSON; the column orders them.
        events = connection.execute(
            text("SELECT id, timestamp, data FROM events WHERE sender_id = :id"), {"id": sender}
        ).all()
        for row in events:
            data = json.loads(row.data)
            data["timestamp"] -= two_days
            connection.execute(
                text("UPDATE events SET timestamp = :at, data = :data WHERE id = :id"),
                {"at": row.timestamp - two_days, "data": json.dumps(data), "id": row.id},
            )
    assert woman.say(v.age) == texts(v.code, "utter_ask_province")
    with tracker.connect() as connection:
        sessions = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :id AND type_name = :type"),
            {"id": sender, "type": "session_started"},
        ).scalar()
    tracker.dispose()
    assert sessions == 2  # her first message's, and the one after the silence
    assert woman.record().age == v.age_value
