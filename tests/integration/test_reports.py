"""Each figure of the dashboard against a small programme whose answers are known
(tests/support/reports.py), on SQLite and PostgreSQL; what a counsellor sees; exports."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries.models import Beneficiary
from bot.db import make_engine, make_session_factory, utcnow
from bot.migrate import upgrade
from bot.reports.figures import TOTAL, build_report
from bot.reports.filters import Filters, Scope, scope_for
from bot.reports.tables import Report
from bot.staff.models import StaffUser
from tests.support.databases import fresh_postgres_database
from tests.support.reports import PERIOD, build


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def known(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """The known programme in a database of its own, built once: these tests only read."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'app.sqlite'}"
        else:
            url = stack.enter_context(fresh_postgres_database())
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            build(session)
        yield factory


@pytest.fixture
def session(known: sessionmaker[Session]) -> Iterator[Session]:
    with known() as session:
        yield session


def report_for(session: Session, **scope: object) -> Report:
    return build_report(session, Scope(PERIOD, **scope), utcnow())  # type: ignore[arg-type]


def rows(report: Report, key: str) -> list[tuple[object, ...]]:
    return [
        tuple(round(v, 2) if isinstance(v, float) else v for v in row) for row in report[key].rows
    ]


def test_registrations_over_time_count_morocco_days_across_the_change_of_time(
    session: Session,
) -> None:
    report = report_for(session)
    by_day = {row[0]: row[1:] for row in report["registrations_over_time"].rows}
    assert list(by_day) == [f"2026-03-{day}" for day in range(16, 30)]
    registered = {day: n for day, (_, n) in by_day.items() if n}
    # W2 at 23:30 UTC on the 20th (UTC+0), W3 at 23:30 UTC on the 25th (UTC+1: the 26th),
    # W5 at 22:30 UTC on the 29th (23:30 in Morocco); W6 and W7 fall outside.
    assert registered == {"2026-03-18": 1, "2026-03-20": 1, "2026-03-22": 1, "2026-03-23": 1,
                          "2026-03-26": 1, "2026-03-29": 1}  # fmt: skip
    contacts = {day: n for day, (n, _) in by_day.items() if n}
    assert contacts == {"2026-03-17": 1, "2026-03-20": 1, "2026-03-21": 1, "2026-03-22": 1,
                        "2026-03-23": 1, "2026-03-24": 1, "2026-03-28": 1}  # fmt: skip


def test_registrations_by_answer(session: Session) -> None:
    report = report_for(session)
    assert rows(report, "registrations_by_province") == [
        ("Fès", 2, 33.33), ("Rabat", 2, 33.33), ("Casablanca", 1, 16.67),
        ("Marrakech", 1, 16.67),
    ]  # fmt: skip
    # W1 has an age but no stored band (an older profile): her band comes from her age.
    assert rows(report, "registrations_by_age_band") == [
        ("18-24 ans", 1, 16.67), ("25-34 ans", 2, 33.33), ("35-44 ans", 1, 16.67),
        ("45-54 ans", 1, 16.67), ("non renseigné", 1, 16.67),
    ]  # fmt: skip
    assert [row[:2] for row in rows(report, "registrations_by_education")] == [
        ("primaire", 1), ("collège / lycée", 1), ("baccalauréat", 1), ("université", 1),
        ("formation professionnelle", 1), ("non renseigné", 1),
    ]  # fmt: skip
    assert [row[:2] for row in rows(report, "registrations_by_situation")] == [
        ("cherche un emploi", 3), ("a une idée de projet", 1), ("a une activité", 1),
        ("autre", 1),
    ]  # fmt: skip
    # W5's goal (advice) points nowhere: her situation (job seeker) gives her track.
    assert [row[:2] for row in rows(report, "registrations_by_track")] == [
        ("emploi (ANAPEC)", 3), ("entrepreneuriat (RESOFEM)", 2), ("indécise", 1),
    ]  # fmt: skip


def test_the_track_in_sql_is_the_track_in_python(session: Session) -> None:
    from bot.reports.dimensions import UNDECIDED, track_of
    from bot.trainings.services import track_of as python_track

    found = dict(session.execute(select(Beneficiary.id, track_of())).all())
    for woman in session.scalars(select(Beneficiary)):
        assert found[woman.id] == (python_track(woman) or UNDECIDED), woman.goal


def test_referrals_by_partner_and_status(session: Session) -> None:
    # ANAPEC's in the period: accepted (W1), closed (W5), contacted (W9, written "anapec").
    assert rows(report_for(session), "referrals") == [
        ("ANAPEC", 0, 1, 1, 1, 3),
        ("RESOFEM", 1, 0, 1, 0, 2),
        (TOTAL, 1, 1, 2, 1, 5),
    ]


def test_trainings_confirmation_after_reminders_attendance_and_no_show(session: Session) -> None:
    # partner, enrollments, seated, waiting, canceled, reminded, confirmed after a reminder,
    # confirmation %, attended, absent, no-show %
    assert rows(report_for(session), "trainings") == [
        ("ANAPEC", 3, 2, 0, 1, 2, 1, 50.0, 1, 1, 50.0),
        ("RESOFEM", 3, 2, 1, 0, 1, 1, 100.0, 1, 1, 50.0),
        (TOTAL, 6, 4, 1, 1, 3, 2, 66.67, 2, 2, 50.0),
    ]
    # Her province (W1 and W2 live in Fès), not the session's (the RESOFEM one is online).
    assert [row[:2] for row in rows(report_for(session, provinces=("fes",)), "trainings")] == [
        ("ANAPEC", 1), ("RESOFEM", 1), (TOTAL, 2)
    ]  # fmt: skip


def test_handoffs_volume_and_times_to_first_answer_and_resolution(session: Session) -> None:
    # reason, handoffs, priority, answered, answer p50/p90 (min), resolved, resolution p50/p90 (h)
    assert rows(report_for(session), "handoffs") == [
        ("a demandé une personne", 3, 0, 3, 30.0, 54.0, 2, 3.0, 3.8),
        ("vocal, photo ou document", 1, 0, 0, None, None, 0, None, None),
        ("détresse", 1, 1, 1, 5.0, 5.0, 1, 1.0, 1.0),
        (TOTAL, 5, 1, 4, 20.0, 51.0, 3, 2.0, 3.6),
    ]


def test_messages_by_channel_and_language(session: Session) -> None:
    report = report_for(session)
    # Broadcast messages count (the SMS re-send too); cancelled ones do not.
    assert rows(report, "messages_by_channel") == [
        ("WhatsApp", 4, 6, 10), ("SMS", 1, 3, 4), (TOTAL, 5, 9, 14)
    ]  # fmt: skip
    assert rows(report, "messages_by_language") == [
        ("français", 1, 7, 8), ("darija (lettres latines)", 3, 2, 5), ("non renseigné", 1, 0, 1),
        (TOTAL, 5, 9, 14),
    ]  # fmt: skip


def test_opt_out_rate(session: Session) -> None:
    # 8 women had written by the end (W7 wrote after it); W5 stopped in the period, W6 before.
    assert rows(report_for(session), "opt_out") == [(8, 1, 12.5, 2)]


def test_broadcast_delivery_counts_her_resend_and_leaves_out_what_never_left(
    session: Session,
) -> None:
    # 6 recipients, 5 left (W5's was cancelled): W1 read, W2 delivered, W4 delivered by SMS
    # after WhatsApp refused, W3 failed, W9 sent.
    assert rows(report_for(session), "broadcasts") == [
        ("Salon de l'emploi", "2026-03-24", "terminée", 6, 5, 60.0, 20.0, 20.0),
        (TOTAL, "", "", 6, 5, 60.0, 20.0, 20.0),
    ]


def test_broadcast_rates_are_those_of_the_broadcasts_own_page(session: Session) -> None:
    from bot.broadcasts.models import Broadcast
    from bot.broadcasts.tracking import status_counts

    fair = session.scalar(select(Broadcast).where(Broadcast.name == "Salon de l'emploi"))
    assert fair is not None
    counts = status_counts(session, fair.id)
    row = report_for(session)["broadcasts"].row("Salon de l'emploi")
    assert (row["recipients"], row["left"]) == (counts.total, counts.left)
    assert row["delivered"] == pytest.approx(100 * counts.rate("delivered", "read"))
    assert row["read"] == pytest.approx(100 * counts.rate("read"))
    assert row["failed"] == pytest.approx(100 * counts.rate("failed", "undelivered"))


def test_key_figures_read_the_tables(session: Session) -> None:
    figures = {row[0]: row[1] for row in rows(report_for(session), "key_figures")}
    assert figures["Inscriptions confirmées"] == 6
    assert figures["Premiers messages"] == 7
    assert figures["Orientations"] == 5
    assert figures["Taux de confirmation après rappel"] == 66.67
    assert figures["1re réponse d'une conseillère, médiane"] == 20.0
    assert figures["Messages"] == 14
    assert figures["Taux de désinscription"] == 12.5
    assert figures["Diffusions : messages remis"] == 60.0


def test_a_partners_figures_count_the_women_oriented_to_it(session: Session) -> None:
    report = report_for(session, partner="ANAPEC")
    # Women with a referral to ANAPEC (any date): W1, W4, W5, W9.
    assert sum(row[1] for row in report["registrations_by_province"].rows) == 4  # type: ignore[misc]
    assert [row[0] for row in report["referrals"].rows] == ["ANAPEC", TOTAL]
    assert [row[0] for row in report["trainings"].rows] == ["ANAPEC", TOTAL]
    assert rows(report, "handoffs")[-1][:2] == (TOTAL, 2)
    # Her messages: W1's 5, W4's broadcast and its re-send, W9's broadcast; W5's was cancelled.
    assert rows(report, "messages_by_channel")[-1] == (TOTAL, 3, 6, 9)


def test_a_counsellor_gets_her_partners_figures_in_her_provinces_whatever_she_asks(
    session: Session,
) -> None:
    counsellor = StaffUser(role="counsellor", partner="anapec", provinces=["fes", "meknes"])
    asked = Filters(PERIOD, province="rabat", partner="RESOFEM")
    scope = scope_for(counsellor, asked)
    assert scope == Scope(PERIOD, ("fes", "meknes"), "ANAPEC", restricted=True)
    assert scope_for(counsellor, Filters(PERIOD, province="meknes")).provinces == ("meknes",)
    report = build_report(session, scope, utcnow())
    assert sum(row[1] for row in report["registrations_by_province"].rows) == 1  # type: ignore[misc]
    assert rows(report, "referrals") == [("ANAPEC", 0, 1, 0, 0, 1), (TOTAL, 0, 1, 0, 0, 1)]
    assert rows(report, "handoffs")[-1][:2] == (TOTAL, 1)
    assert rows(report, "broadcasts")[-1][3:6] == (1, 1, 100.0)
    # Without provinces, nothing.
    nowhere = scope_for(StaffUser(role="counsellor", partner="ANAPEC", provinces=[]), asked)
    empty = build_report(session, nowhere, utcnow())
    assert empty["key_figures"].row("Inscriptions confirmées")["value"] == 0
    assert rows(empty, "handoffs") == [(TOTAL, 0, 0, 0, None, None, 0, None, None)]


def test_staff_get_what_they_ask() -> None:
    staff = StaffUser(role="staff", partner=None, provinces=[])
    assert scope_for(staff, Filters(PERIOD, "fes", "resofem")) == Scope(PERIOD, ("fes",), "RESOFEM")
    assert scope_for(None, Filters(PERIOD)) == Scope(PERIOD)


# -- exports ---------------------------------------------------------------------------


def test_every_table_exports_to_csv_and_xlsx(session: Session) -> None:
    from bot.reports import exports

    report = report_for(session)
    trainings = list(csv.reader(io.StringIO(exports.table_csv(report["trainings"]))))
    assert trainings[0][:3] == ["Partenaire", "Inscriptions", "Avec une place"]
    assert trainings[-1] == ["Total", "6", "4", "1", "1", "3", "2", "66.7", "2", "2", "50.0"]
    workbook = load_workbook(io.BytesIO(exports.tables_xlsx(report)), read_only=True)
    assert workbook.sheetnames == ["rapport", *(table.key for table in report)]
    sheet = list(workbook["broadcasts"].iter_rows(values_only=True))
    assert ("Salon de l'emploi", "2026-03-24", "terminée", 6, 5, 60.0, 20.0, 20.0) in sheet
    about = dict(row[:2] for row in workbook["rapport"].iter_rows(values_only=True) if row[1])
    assert about["Période"] == "du 16/03/2026 au 29/03/2026"


# -- the anonymised dataset ------------------------------------------------------------


def test_the_anonymised_dataset_holds_no_personal_data(session: Session) -> None:
    from bot.reports.anonymised import COLUMNS, dataset
    from tests.support.reports import SECRET_WORDS

    key = b"study key one"
    rows = list(dataset(session, Scope(PERIOD), key))
    women = list(session.scalars(select(Beneficiary)))
    text_out = "\n".join(",".join(str(v) for v in row) for row in rows)
    assert len(rows) == 6  # registered in the period: W1-W5 and W9 (erased since)
    assert not {"phone", "first_name", "age", "profile_name", "public_id", "id"} & set(COLUMNS)
    for woman in women:
        assert woman.phone not in text_out
        assert woman.phone.removeprefix("+") not in text_out
        assert woman.public_id not in text_out
        assert not woman.first_name or woman.first_name not in text_out
    assert "Fatima" not in text_out and "0612345678" not in text_out
    assert SECRET_WORDS not in text_out
    ages = {str(woman.age) for woman in women if woman.age}
    bands = COLUMNS.index("age_band")
    assert {row[bands] for row in rows} == {"18-24", "25-34", "35-44", "45-54", "unknown"}
    for row in rows:  # no cell is her exact age, nor her database id
        assert not ages & {str(value) for value in row[:bands] + row[bands + 1 : 11]}
    ids = {str(woman.id) for woman in women}
    pseudonyms = [str(row[0]) for row in rows]
    assert not ids & set(pseudonyms)
    assert all(len(p) == 24 and int(p, 16) >= 0 for p in pseudonyms)
    assert len(set(pseudonyms)) == 6


def test_pseudonyms_are_stable_for_one_key_and_differ_for_another(session: Session) -> None:
    from bot.reports.anonymised import dataset, pseudonym

    first = [row[0] for row in dataset(session, Scope(PERIOD), b"study key one")]
    again = [row[0] for row in dataset(session, Scope(PERIOD), b"study key one")]
    other = [row[0] for row in dataset(session, Scope(PERIOD), b"study key two")]
    assert first == again
    assert not set(first) & set(other)
    w1 = session.scalar(select(Beneficiary).where(Beneficiary.first_name == "FatimaW1"))
    assert w1 is not None and pseudonym(b"study key one", w1.id) in first


def test_the_dataset_follows_each_woman(session: Session) -> None:
    """Her answers as codes, and what happened to her (her whole history)."""
    from bot.reports.anonymised import COLUMNS, dataset, pseudonym

    key = b"study key one"
    by_pseudonym = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in dataset(
        session, Scope(PERIOD), key)}  # fmt: skip
    women = {w.first_name: w for w in session.scalars(select(Beneficiary))}
    w1 = by_pseudonym[pseudonym(key, women["FatimaW1"].id)]
    assert {k: w1[k] for k in ("registered_on", "province", "region", "age_band", "track",
                               "channel", "referral_anapec", "referral_resofem")} == {
        "registered_on": "2026-03-18", "province": "fes", "region": "fes_meknes",
        "age_band": "18-24", "track": "job", "channel": "whatsapp",
        "referral_anapec": "accepted", "referral_resofem": "",
    }  # fmt: skip
    # Two places (one in April), one confirmed and attended; 4 messages in, 4 out (her
    # cancelled one left out, the old broadcast's counted); two handoffs.
    assert [w1[k] for k in ("enrollments", "confirmed", "attended", "absent", "handoffs",
                            "messages_in", "messages_out")] == [2, 1, 1, 0, 2, 4, 4]  # fmt: skip
    w4 = by_pseudonym[pseudonym(key, women["FatimaW4"].id)]
    assert (w4["age_band"], w4["track"], w4["channel"]) == ("unknown", "undecided", "both")
    w5 = by_pseudonym[pseudonym(key, women["FatimaW5"].id)]
    assert (w5["opted_out"], w5["registered_on"], w5["referral_anapec"]) == (
        True, "2026-03-29", "closed")  # fmt: skip
    erased = [row for row in by_pseudonym.values() if row["erased"]]
    assert [(row["province"], row["referral_anapec"]) for row in erased] == [
        ("marrakech", "contacted")
    ]
