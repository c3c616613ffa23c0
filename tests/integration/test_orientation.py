"""Referrals from an orientation, on SQLite and PostgreSQL with the seed directory: the
nearest place by her province, her "call me", status changes, a shared location."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.directory.csv_io import import_points
from bot.messaging.processing import drain
from bot.messaging.services import InboundMessage, store_inbound
from bot.orientation import services
from bot.orientation.advice import advise
from bot.orientation.models import ANAPEC, RESOFEM, Referral
from bot.orientation.texts import place_text, referral_lines
from bot.settings import PROJECT_ROOT
from tests.support.fakes import FakeRasa, FakeSender
from tests.support.trainings import registered_woman
from webhooks.twilio import parse_location

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SEED = PROJECT_ROOT / "bot" / "data" / "service_points.seed.csv"
CONTACTED_FR = "RESOFEM : on vous a contactée"


@pytest.fixture
def directory(session: Session) -> None:
    report = import_points(session, SEED.read_bytes())
    assert not report.errors
    session.commit()


def test_an_orientation_proposes_each_partner_with_her_nearest_place(
    session: Session, directory: None
) -> None:
    her = registered_woman(session, NOW, province="fes")
    answers = {"want": "unsure", "availability": "part_time"}
    referrals = services.propose(session, her, answers, advise(answers), NOW)
    session.commit()

    assert [(r.partner, r.status) for r in referrals] == [
        (ANAPEC, Referral.PROPOSED),
        (RESOFEM, Referral.PROPOSED),
    ]
    places = [services.point_of(session, r) for r in referrals]
    assert [p.province for p in places if p] == ["fes", "fes"]
    assert referrals[0].reason == answers and referrals[0].province == "fes"
    assert "Agence ANAPEC Fès" in place_text(places[0], "fr")

    # Oriented again: the open referral is brought up to date, not repeated.
    again = services.propose(session, her, {"want": "job"}, advise({"want": "job"}), NOW)
    assert [r.id for r in again] == [referrals[0].id]


def test_with_no_place_in_her_province_the_nearest_in_her_region(
    session: Session, directory: None
) -> None:
    her = registered_woman(session, NOW, province="sefrou")  # Fès-Meknès, no seed point
    [referral] = services.propose(session, her, {"want": "job"}, advise({"want": "job"}), NOW)
    point = services.point_of(session, referral)
    assert point is not None and point.partner == ANAPEC
    from bot import gazetteer

    assert gazetteer.get(point.province).region == gazetteer.get("sefrou").region  # type: ignore[union-attr]


def test_status_moves_forward_only_and_she_reads_it_in_her_language(
    session: Session, directory: None
) -> None:
    her = registered_woman(session, NOW, province="rabat")
    [referral] = services.propose(
        session, her, {"want": "business"}, advise({"want": "business"}), NOW
    )
    services.accept([referral], NOW)
    assert referral.status == Referral.ACCEPTED and referral.accepted_at == NOW
    services.set_status(referral, Referral.CONTACTED, NOW, staff_id=None)
    with pytest.raises(services.StatusError):
        services.set_status(referral, Referral.ACCEPTED, NOW)
    session.commit()
    assert services.her_referrals(session, her.id) == [referral]
    assert referral_lines([referral], "fr") == CONTACTED_FR
    services.set_status(referral, Referral.CLOSED, NOW, reason="done")
    assert referral.closed_at == NOW and referral.closed_reason == "done"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"Latitude": "34.0331", "Longitude": "-5.0003"}, (34.0331, -5.0003)),
        ({"Latitude": "nan", "Longitude": "1"}, (None, None)),
        ({"Latitude": "91", "Longitude": "1"}, (None, None)),
        ({"Latitude": "abc", "Longitude": "1"}, (None, None)),
        ({"Longitude": "1"}, (None, None)),
    ],
)
def test_a_shared_location_is_read_or_ignored(form: dict[str, str], expected: tuple) -> None:  # type: ignore[type-arg]
    assert parse_location(form) == expected


def test_a_shared_location_reaches_the_bot_with_its_coordinates(session: Session) -> None:
    message, _ = store_inbound(
        session,
        InboundMessage(
            "SM" + "7" * 32, "whatsapp:+212600000777", "whatsapp:+2125", "",
            latitude=33.59, longitude=-7.61,
        ),
    )  # fmt: skip
    message.beneficiary.welcomed_at = NOW
    session.commit()
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, FakeSender())
    [(_, text, metadata)] = rasa.calls
    assert text == "/share_location"
    assert metadata["location"] == {"latitude": 33.59, "longitude": -7.61}


def test_erasing_her_data_closes_her_referrals(session: Session, directory: None) -> None:
    from bot.beneficiaries.erasure import erase

    her = registered_woman(session, NOW, province="fes")
    referrals = services.propose(session, her, {"want": "unsure"}, advise({}), NOW)
    services.accept(referrals, NOW)
    session.commit()
    erase(session, her, tracker=None)
    assert {(r.status, r.closed_reason) for r in referrals} == {(Referral.CLOSED, "erasure")}
