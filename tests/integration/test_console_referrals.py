"""Referrals in the console: the partner's counsellors in their provinces see new ones and
move them on; another partner's do not; she then reads the new status."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.orientation import services
from bot.orientation.advice import advise
from bot.orientation.models import Referral
from bot.staff.models import AuditLog
from tests.support.console import csrf_token, login, make_staff
from tests.support.trainings import registered_woman

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def referral_for(session: Session, province: str = "fes", want: str = "job") -> Referral:
    her = registered_woman(session, NOW, province=province)
    [referral] = services.propose(session, her, {"want": want}, advise({"want": want}), NOW)
    services.accept([referral], NOW)
    session.commit()
    return referral


def counsellor(client, session: Session, partner: str, provinces: list[str]) -> None:  # type: ignore[no-untyped-def]
    make_staff(session, "counsellor", email="c@example.ma", partner=partner, provinces=provinces)
    login(client, "c@example.ma")


def test_anapecs_counsellor_sees_new_anapec_referrals_of_her_provinces(  # type: ignore[no-untyped-def]
    client, session: Session
) -> None:
    mine = referral_for(session, "fes", "job")
    elsewhere = referral_for(session, "agadir", "job")
    resofem = referral_for(session, "fes", "business")
    counsellor(client, session, "ANAPEC", ["fes"])
    page = client.get("/console/referrals").get_data(as_text=True)
    assert f'data-id="{mine.id}"' in page
    assert f'data-id="{elsewhere.id}"' not in page and f'data-id="{resofem.id}"' not in page
    for other in (elsewhere, resofem):
        token = csrf_token(client, "/console/referrals")
        response = client.post(
            f"/console/referrals/{other.id}/status",
            data={"status": "contacted", "csrf_token": token},
        )
        assert response.status_code == 404


def test_she_is_contacted_then_closed_and_the_log_says_so(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    referral = referral_for(session)
    counsellor(client, session, "anapec", ["fes"])  # the partner's case does not matter
    for status in ("contacted", "closed"):
        token = csrf_token(client, "/console/referrals")
        response = client.post(
            f"/console/referrals/{referral.id}/status", data={"status": status, "csrf_token": token}
        )
        assert response.status_code == 302
        session.refresh(referral)
        assert referral.status == status
    assert referral.contacted_at is not None and referral.closed_at is not None
    actions = [a.action for a in session.query(AuditLog).order_by(AuditLog.id)]
    assert actions.count("referral.status") == 2
    # A closed referral cannot go back.
    token = csrf_token(client, "/console/referrals")
    client.post(
        f"/console/referrals/{referral.id}/status",
        data={"status": "contacted", "csrf_token": token},
    )
    session.refresh(referral)
    assert referral.status == Referral.CLOSED
