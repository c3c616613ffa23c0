"""Orientation end to end, in the four varieties, ending in ANAPEC, RESOFEM and both: the
numbered questions, the advice with why, what to bring and her nearest place, her "call
me", "what next?", and on WhatsApp a shared location.

Through the signed webhook, the worker, the trained Rasa model, the actions server and the
NLG endpoint; every reply is compared word for word at Twilio's door (Prism on its spec).
Runs on PostgreSQL with Redis, with the seed directory imported.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.directory.csv_io import import_points
from bot.directory.services import nearest_to
from bot.orientation import services
from bot.orientation.models import ANAPEC, RESOFEM, Referral
from bot.orientation.texts import place_lines, place_text, referral_lines
from bot.settings import PROJECT_ROOT
from tests.e2e.women import VARIETIES, Woman, texts

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.prism,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.parametrize("stack", ["postgresql-redis"], indirect=True),
]
SEED = PROJECT_ROOT / "bot" / "data" / "service_points.seed.csv"

LOOKING_FOR_A_JOB = {
    "fr": "je cherche un travail comme vendeuse",
    "ar": "أبحث عن عمل في أقرب وقت",
    "ary": "كنقلب على شي خدمة",
    "ary_Latn": "kan9leb 3la chi khedma",
}
WHAT_NEXT = {
    "fr": "et maintenant il se passe quoi pour ma demande ?",
    "ar": "هل هناك جديد بخصوص طلبي؟",
    # In Darija, what her confirmation tells her to write.
    "ary": "فين وصل الطلب ديالي؟",
    "ary_Latn": "fin wslat demande dyali?",
}


def registered(her: Woman, factory: sessionmaker[Session]) -> None:
    v = her.variety
    now = utcnow()
    with factory() as session:
        import_points(session, SEED.read_bytes())  # the same file again changes nothing
        session.add(
            Beneficiary(
                phone=her.phone, language=v.code, welcomed_at=now - timedelta(days=3),
                consent=Beneficiary.CONSENT_GIVEN, consent_at=now - timedelta(days=3),
                first_name=v.name, age=v.age_value, province=v.city_code,
                education_level="secondary", situation="other",
                goal="advice", registered_at=now - timedelta(days=3),
            )
        )  # fmt: skip
        session.commit()


def referrals_of(her: Woman, factory: sessionmaker[Session]) -> list[Referral]:
    with factory() as session:
        found = her.record()
        referrals = services.her_referrals(session, found.id)
        session.expunge_all()
        return referrals


def places(her: Woman, factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as session:
        return {
            f"{r.partner.lower()}_place": place_text(
                services.point_of(session, r), her.variety.code
            )
            for r in services.her_referrals(session, her.record().id)
        }


def hint(her: Woman) -> list[str]:
    return (
        texts(her.variety.code, "utter_orient_location_hint")
        if her.variety.channel == "whatsapp"
        else []
    )


@pytest.mark.parametrize("variety", list(VARIETIES))
def test_a_job_seeker_is_sent_to_anapec_and_asks_what_next(
    woman: Woman,
    sessions: sessionmaker[Session],
    variety: str,
) -> None:
    v = woman.variety
    registered(woman, sessions)
    assert woman.say(LOOKING_FOR_A_JOB[v.code]) == texts(v.code, "utter_orient_job")
    assert woman.say("1") == texts(v.code, "utter_orient_availability")
    advice = woman.say("1")
    assert advice == texts(
        v.code, "utter_orient_anapec", "utter_orient_ask_contact",
        **places(woman, sessions), partner=ANAPEC,
    ) + hint(woman)  # fmt: skip
    assert woman.say("1") == texts(v.code, "utter_orient_contact_sent")
    [referral] = referrals_of(woman, sessions)
    assert (referral.partner, referral.status) == (ANAPEC, Referral.ACCEPTED)
    assert referral.province == v.city_code and referral.service_point_id is not None
    assert woman.say(WHAT_NEXT[v.code]) == texts(
        v.code, "utter_referral_status", referrals=referral_lines([referral], v.code)
    )


@pytest.mark.parametrize("variety", list(VARIETIES))
def test_a_woman_with_a_running_project_is_sent_to_resofem(
    woman: Woman,
    sessions: sessionmaker[Session],
    variety: str,
) -> None:
    v = woman.variety
    registered(woman, sessions)
    assert woman.say("7") == texts(v.code, "utter_orient_want")
    assert woman.say("2") == texts(v.code, "utter_orient_project")
    assert woman.say("3") == texts(v.code, "utter_orient_availability")
    assert woman.say("2") == texts(
        v.code, "utter_orient_resofem", "utter_orient_ask_contact",
        **places(woman, sessions), partner=RESOFEM,
    ) + hint(woman)  # fmt: skip
    assert woman.say("2") == texts(v.code, "utter_orient_contact_not_sent")
    [referral] = referrals_of(woman, sessions)
    assert (referral.partner, referral.status) == (RESOFEM, Referral.PROPOSED)


@pytest.mark.parametrize("variety", list(VARIETIES))
def test_an_undecided_woman_is_sent_to_both_and_shares_her_location(
    woman: Woman,
    sessions: sessionmaker[Session],
    variety: str,
) -> None:
    v = woman.variety
    registered(woman, sessions)
    assert woman.say("7") == texts(v.code, "utter_orient_want")
    assert woman.say("3") == texts(v.code, "utter_orient_availability")
    assert woman.say("3") == texts(
        v.code, "utter_orient_both", "utter_orient_ask_contact_both", **places(woman, sessions)
    ) + hint(woman)
    assert woman.say("1") == texts(v.code, "utter_orient_contact_sent")
    referrals = referrals_of(woman, sessions)
    assert [(r.partner, r.status) for r in referrals] == [
        (ANAPEC, Referral.ACCEPTED),
        (RESOFEM, Referral.ACCEPTED),
    ]
    if v.channel != "whatsapp":
        return
    # She shares her location (near Marrakech's Jemaa el-Fna): the closest places.
    latitude, longitude = 31.6258, -7.9891
    with sessions() as session:
        near = sorted(
            [*nearest_to(session, latitude, longitude, ANAPEC, 3)[:2],
             *nearest_to(session, latitude, longitude, RESOFEM, 3)[:2]],
            key=lambda place: place[1],
        )  # fmt: skip
        expected = texts(v.code, "utter_nearest_places", places=place_lines(near, v.code))
    assert woman.share_location(latitude, longitude) == expected
    with sessions() as session:
        moved = services.her_referrals(session, woman.record().id)
        assert all(services.point_of(session, r).city == "Marrakech" for r in moved)  # type: ignore[union-attr]
