"""The SQL pieces that differ between SQLite and PostgreSQL: Morocco's weeks and months,
and percentiles (checked against Python and, on PostgreSQL, percentile_cont)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bench.metrics import percentile
from bot.beneficiaries.models import Beneficiary
from bot.db import utcnow
from bot.handoffs.models import Handoff
from bot.messaging.models import WHATSAPP, Conversation
from bot.reports.figures import build_report
from bot.reports.filters import Scope
from bot.reports.periods import Period
from bot.reports.sql import percentiles, seconds_between
from tests.support.reports import at


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # Weeks (Mondays): 22 March 2026 is a Sunday, 23 March a Monday.
        ("2026-01-01", "2026-04-30", {"2026-03-16": 2, "2026-03-23": 1, "2026-03-30": 1}),
        # Months: the night of 31 March (UTC) is 1 April in Morocco.
        ("2026-01-01", "2026-12-31", {"2026-03": 3, "2026-04": 1}),
    ],
)
def test_weeks_and_months_in_morocco(
    session: Session, first: str, last: str, expected: dict[str, int]
) -> None:
    for n, when in enumerate((at(21, 23, 30), at(22, 12), at(23, 0, 30), at(31, 23, 30))):
        session.add(Beneficiary(phone=f"+21269900000{n}", created_at=when, registered_at=when))
    session.commit()
    period = Period(date.fromisoformat(first), date.fromisoformat(last))
    report = build_report(session, Scope(period), utcnow())
    counts = {row[0]: row[2] for row in report["registrations_over_time"].rows if row[2]}
    assert counts == expected
    assert [row[0] for row in report["registrations_over_time"].rows] == period.buckets()


def test_percentiles_agree_with_postgresqls_percentile_cont(session: Session) -> None:
    """Many random durations, grouped; on PostgreSQL, checked against percentile_cont."""
    rng = random.Random(9)
    woman = Beneficiary(phone="+212611111111")
    session.add(woman)
    session.flush()
    conversation = Conversation(beneficiary_id=woman.id, channel=WHATSAPP)
    session.add(conversation)
    session.flush()
    for n in range(157):
        opened = at(20) + timedelta(minutes=n)
        session.add(Handoff(
            beneficiary_id=woman.id, conversation_id=conversation.id,
            reason=("media", "distress", "request_human")[n % 3], created_at=opened,
            first_response_at=opened + timedelta(seconds=rng.randint(1, 50_000)),
        ))  # fmt: skip
    session.commit()
    value = seconds_between(Handoff.created_at, Handoff.first_response_at)
    found = percentiles(session, value, [Handoff.id > 0], Handoff.reason, (50, 90, 95))
    overall = percentiles(session, value, [Handoff.id > 0], None, (50, 90, 95))[None]
    # The same by Python, from all values (bench.metrics is the house's reference).
    values: dict[str, list[float]] = {}
    for reason, a, b in session.execute(
        select(Handoff.reason, Handoff.created_at, Handoff.first_response_at)
    ):
        values.setdefault(reason, []).append((b - a).total_seconds())
    for reason, items in values.items():
        for q in (50, 90, 95):
            assert found[reason][q] == pytest.approx(percentile(items, q), abs=1e-3)
    everything = [v for items in values.values() for v in items]
    assert overall[90] == pytest.approx(percentile(everything, 90), abs=1e-3)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        cont = session.execute(
            text(
                "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "
                "first_response_at - created_at)) FROM handoffs"
            )
        ).scalar()
        assert overall[90] == pytest.approx(float(cont), abs=1e-3)
    assert session.scalar(select(func.count(Handoff.id))) == 157
