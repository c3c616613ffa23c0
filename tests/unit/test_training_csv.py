"""Training sessions from and to CSV (bot.trainings.csv_io): the rules on each value, line
numbers, updates by code, the round trip, Morocco's time, semicolons and a BOM.

The rules are plain functions; the import itself runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import Message
from bot.messaging.quiet_hours import QuietHours
from bot.trainings import csv_io, services
from bot.trainings.models import Enrollment, TrainingSession
from tests.support.trainings import registered_woman

MOROCCO = ZoneInfo("Africa/Casablanca")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NEVER_QUIET = QuietHours.parse("off")
EXAMPLE = Path(__file__).resolve().parents[2] / "bot" / "data" / "training_sessions.example.csv"
HEADER = ",".join(csv_io.COLUMNS)


def good(**overrides: str) -> dict[str, str]:
    row = {column: "" for column in csv_io.COLUMNS}
    row.update(
        code="ANAPEC-FES-01",
        partner="ANAPEC",
        topic="cv",
        track="job",
        province="fes",
        title_fr="Rédiger son CV",
        title_ar="كتابة السيرة الذاتية",
        description_fr="Un CV clair, sur une page.",
        starts_at="2027-01-19 09:30",
        ends_at="2027-01-19 12:30",
        place="Agence ANAPEC, Fès",
        capacity="20",
    )
    row.update(overrides)
    return row


def to_csv(*rows: dict[str, str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(csv_io.COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in csv_io.COLUMNS])
    return out.getvalue()


def data_line(**overrides: str) -> str:
    """One row as the file holds it (quoted line breaks included), ending in a newline."""
    return to_csv(good(**overrides)).split("\n", 1)[1]


def problems_of(row: dict[str, str]) -> dict[str | None, str]:
    fields, problems = csv_io.parse_row(row)
    assert fields is None
    return {p.column: p.code for p in problems}


def sessions(session: Session) -> list[TrainingSession]:
    session.expire_all()
    return list(session.scalars(select(TrainingSession).order_by(TrainingSession.code)))


# -- one row's rules -----------------------------------------------------------------------


def test_a_good_row_gives_the_session_in_utc() -> None:
    fields, problems = csv_io.parse_row(good())
    assert problems == [] and fields is not None
    assert fields.code == "ANAPEC-FES-01" and fields.track == "job" and fields.province == "fes"
    assert fields.titles == {"fr": "Rédiger son CV", "ar": "كتابة السيرة الذاتية"}
    assert fields.descriptions == {"fr": "Un CV clair, sur une page."}
    assert fields.starts_at == datetime(2027, 1, 19, 9, 30, tzinfo=MOROCCO).astimezone(UTC)
    assert fields.capacity == 20 and fields.online_url is None


def test_morocco_time_follows_zoneinfo_through_ramadan() -> None:
    """Morocco is UTC+1, and UTC+0 during Ramadan: never one fixed offset."""
    in_ramadan = datetime(2027, 2, 17, 10, 0, tzinfo=MOROCCO)
    outside = datetime(2027, 4, 14, 10, 0, tzinfo=MOROCCO)
    assert in_ramadan.utcoffset() != outside.utcoffset()  # tzdata knows both

    for local, text in ((in_ramadan, "2027-02-17 10:00"), (outside, "2027-04-14 10:00")):
        fields, _ = csv_io.parse_row(good(starts_at=text, ends_at=text[:-5] + "12:00"))
        assert fields is not None
        assert fields.starts_at == local.astimezone(UTC)
        assert fields.starts_at.hour == 10 - int(local.utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
        assert csv_io.local_text(fields.starts_at) == text  # and back


def test_a_browser_datetime_local_value_is_read_too() -> None:
    fields, _ = csv_io.parse_row(good(starts_at="2027-01-19T09:30"))
    assert fields is not None and csv_io.local_text(fields.starts_at) == "2027-01-19 09:30"


@pytest.mark.parametrize(
    ("column", "value", "code", "words"),
    [
        ("code", "", "required", "code is required"),
        ("partner", " ", "required", "partner is required"),
        ("topic", "", "required", "topic is required"),
        ("code", "x" * 65, "too_long", "at most 64"),
        ("topic", "x" * 121, "too_long", "at most 120"),
        ("place", "x" * 256, "too_long", "at most 255"),
        ("title_fr", "x" * 201, "too_long", "at most 200"),
        ("track", "jobs", "track_invalid", "job, business or all"),
        ("province", "Atlantis", "province_unknown", "no Moroccan province matches 'Atlantis'"),
        ("province", "Ajdir", "province_ambiguous", "al_hoceima"),
        ("starts_at", "", "required", "starts_at is required"),
        ("starts_at", "19/01/2027 09:30", "datetime_invalid", "like 2027-02-10 09:30"),
        ("ends_at", "2027-02-30 10:00", "datetime_invalid", "ends_at '2027-02-30 10:00'"),
        ("ends_at", "2027-01-19 09:30", "ends_before_start", "ends_at must be after starts_at"),
        ("online_url", "ftp://files.example.org/x", "url_invalid", "http:// or https://"),
        ("online_url", "javascript:alert(1)", "url_invalid", "http:// or https://"),
        ("capacity", "0", "capacity_invalid", "at least 1"),
        ("capacity", "-3", "capacity_invalid", "at least 1"),
        ("capacity", "dix", "capacity_invalid", "'dix'"),
        ("capacity", "", "capacity_invalid", "it is empty"),
    ],
)
def test_each_rule_has_its_own_message(column: str, value: str, code: str, words: str) -> None:
    fields, problems = csv_io.parse_row(good(**{column: value}))
    assert fields is None
    assert [(p.column, p.code) for p in problems] == [(column, code)]
    assert words in problems[0].message


def test_a_title_in_any_language_will_do_but_one_is_needed() -> None:
    assert problems_of(good(title_fr="", title_ar="")) == {"title_fr": "title_required"}
    fields, _ = csv_io.parse_row(good(title_fr="", title_ar="", title_ary_Latn="Kifach tktbi CV"))
    assert fields is not None and fields.titles == {"ary_Latn": "Kifach tktbi CV"}


def test_a_place_or_a_link_is_needed() -> None:
    assert problems_of(good(place="")) == {"place": "place_required"}
    fields, _ = csv_io.parse_row(good(place="", online_url="https://meet.example.org/cv"))
    assert fields is not None and fields.place is None


def test_a_province_by_code_by_name_or_none() -> None:
    def province(text: str) -> str | None:
        fields, problems = csv_io.parse_row(good(province=text))
        assert fields is not None, problems
        return fields.province

    assert province("casablanca") == "casablanca"
    assert province("Casablanca") == "casablanca"
    assert province("Fès") == "fes"
    assert province("الدار البيضاء") == "casablanca"
    assert province("Tanger") == "tanger_assilah"
    assert province("") is None  # open to every province (online)


def test_a_track_defaults_to_all_and_ignores_case() -> None:
    fields, _ = csv_io.parse_row(good(track=""))
    assert fields is not None and fields.track == "all"
    fields, _ = csv_io.parse_row(good(track="Business"))
    assert fields is not None and fields.track == "business"


# -- a whole file ---------------------------------------------------------------------------


def test_good_rows_are_created(session: Session) -> None:
    text = to_csv(
        good(),
        good(
            code="RESOFEM-ONLINE-01",
            partner="RESOFEM",
            track="business",
            province="",
            place="",
            online_url="https://meet.example.org/vente",
        ),
    )
    report = csv_io.import_sessions(session, text, NOW, NEVER_QUIET)
    session.commit()
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    assert report.created_codes == ["ANAPEC-FES-01", "RESOFEM-ONLINE-01"]
    fes, online = sessions(session)
    assert (fes.partner, fes.track, fes.province, fes.capacity) == ("ANAPEC", "job", "fes", 20)
    assert fes.starts_at == datetime(2027, 1, 19, 9, 30, tzinfo=MOROCCO)
    assert fes.titles == {"fr": "Rédiger son CV", "ar": "كتابة السيرة الذاتية"}
    assert (online.province, online.place, online.online_url) == (
        None,
        None,
        "https://meet.example.org/vente",
    )


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_imported(
    session: Session,
) -> None:
    lines = [
        HEADER + "\n",  # line 1
        data_line(code="A"),  # line 2
        "\n",  # line 3: blank, skipped
        data_line(code="B", description_fr="two\nlines"),  # lines 4 and 5
        data_line(code="C", capacity="0", ends_at="2027-01-19 08:00"),  # line 6: two problems
        data_line(code="A"),  # line 7: A again
        data_line(code="D", province="Ajdir"),  # line 8
    ]
    text = "".join(lines)
    report = csv_io.import_sessions(session, text, NOW, NEVER_QUIET)
    session.commit()
    assert [s.code for s in sessions(session)] == ["A", "B"]
    assert sessions(session)[1].descriptions == {"fr": "two\nlines"}
    assert (report.created, report.rows, report.bad_lines) == (2, 5, [6, 7, 8])
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (6, "ends_at", "ends_before_start"),
        (6, "capacity", "capacity_invalid"),
        (7, "code", "code_repeated"),
        (8, "province", "province_ambiguous"),
    ]
    assert report.errors[2].message == "code 'A' already appears on line 2"


def test_an_existing_code_updates_its_session(session: Session) -> None:
    csv_io.import_sessions(session, to_csv(good()), NOW, NEVER_QUIET)
    session.commit()
    (before,) = sessions(session)

    changed = good(
        title_fr="Un CV qui se lit",
        starts_at="2027-01-20 09:30",
        ends_at="2027-01-20 12:30",
        capacity="25",
    )
    report = csv_io.import_sessions(session, to_csv(changed), NOW, NEVER_QUIET)
    session.commit()
    assert (report.created, report.updated, report.updated_codes) == (0, 1, ["ANAPEC-FES-01"])
    (after,) = sessions(session)
    assert after.id == before.id
    assert (after.title("fr"), after.capacity) == ("Un CV qui se lit", 25)
    assert after.starts_at == datetime(2027, 1, 20, 9, 30, tzinfo=MOROCCO)


def test_a_raised_capacity_gives_seats_to_the_women_waiting(session: Session) -> None:
    csv_io.import_sessions(session, to_csv(good(capacity="1")), NOW, NEVER_QUIET)
    session.commit()
    (course,) = sessions(session)
    first, second, third = (registered_woman(session, NOW) for _ in range(3))
    for minutes, woman in enumerate((first, second, third)):
        services.enroll(session, course.id, woman, NOW + timedelta(minutes=minutes))
    session.commit()

    report = csv_io.import_sessions(session, to_csv(good(capacity="2")), NOW, NEVER_QUIET)
    session.commit()
    assert [e.beneficiary_id for e in report.promoted] == [second.id]
    assert report.promoted_beneficiaries == [second.id]
    session.expire_all()
    statuses = dict(session.execute(select(Enrollment.beneficiary_id, Enrollment.status)).all())
    assert statuses == {first.id: "enrolled", second.id: "enrolled", third.id: "waitlisted"}
    notices = session.scalars(select(Message).where(Message.kind == Message.TRAINING_NOTICE))
    assert [m.beneficiary_id for m in notices] == [second.id]


def test_export_then_import_changes_nothing(session: Session) -> None:
    report = csv_io.import_sessions(session, EXAMPLE.read_bytes(), NOW, NEVER_QUIET)
    session.commit()
    assert (report.created, report.errors) == (6, [])
    exported = csv_io.export_sessions(sessions(session))
    before = [csv_io.session_row(s) for s in sessions(session)]

    again = csv_io.import_sessions(session, exported, NOW, NEVER_QUIET)
    session.commit()
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 6, [])
    assert [csv_io.session_row(s) for s in sessions(session)] == before
    assert csv_io.export_sessions(sessions(session)) == exported
    assert exported.splitlines()[0] == HEADER


def test_the_example_file_is_plausible(session: Session) -> None:
    csv_io.import_sessions(session, EXAMPLE.read_text(encoding="utf-8"), NOW, NEVER_QUIET)
    session.commit()
    found = sessions(session)
    assert len(found) == 6 and all(s.code.startswith("EXEMPLE-") for s in found)
    assert len({s.province for s in found}) == 6  # five provinces and one online
    assert {s.track for s in found} == {"job", "business", "all"}
    (online,) = [s for s in found if s.province is None]
    assert online.online_url and online.place is None
    assert all(set(s.titles) == {"fr", "ar", "ary", "ary_Latn"} for s in found)


def test_semicolons_and_a_bom_as_excel_writes_them(session: Session) -> None:
    text = to_csv(good(code="X;1", title_fr="Vendre ; acheter"), delimiter=";")
    data = "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")
    report = csv_io.import_sessions(session, io.BytesIO(data), NOW, NEVER_QUIET)
    session.commit()
    assert (report.created, report.errors) == (1, [])
    (found,) = sessions(session)
    assert (found.code, found.title("fr"), found.title("ar")) == (
        "X;1",
        "Vendre ; acheter",
        "كتابة السيرة الذاتية",
    )


def test_a_header_it_cannot_use_stops_the_file(session: Session) -> None:
    text = HEADER.replace("capacity", "places").replace("title_fr", "titre_fr") + "\n"
    report = csv_io.import_sessions(session, text + "a,b\n", NOW, NEVER_QUIET)
    assert [(e.line, e.code) for e in report.errors] == [
        (1, "columns_missing"),
        (1, "columns_unknown"),
    ]
    assert "missing columns: capacity" in report.errors[0].message
    assert "titre_fr, places" in report.errors[1].message
    assert sessions(session) == []


def test_columns_may_come_in_any_order_and_optional_ones_be_left_out(session: Session) -> None:
    text = (
        "capacity,ends_at,starts_at,topic,partner,code,Title_FR,place\n"
        "12,2027-01-19 12:00,2027-01-19 10:00,cv,ANAPEC,SHORT-1,Mon CV,Fès\n"
    )
    report = csv_io.import_sessions(session, text, NOW, NEVER_QUIET)
    assert (report.created, report.errors) == (1, [])
    (found,) = sessions(session)
    assert (found.track, found.province, found.capacity) == ("all", None, 12)


def test_files_that_are_not_utf8_or_empty_are_refused(session: Session) -> None:
    latin1 = to_csv(good(title_fr="Rédiger")).encode("latin-1", errors="replace")
    report = csv_io.import_sessions(session, latin1, NOW, NEVER_QUIET)
    assert [e.code for e in report.errors] == ["not_utf8"]
    assert "CSV UTF-8" in report.errors[0].message
    assert [e.code for e in csv_io.import_sessions(session, "", NOW).errors] == ["empty"]


def test_a_row_with_too_many_values_is_refused(session: Session) -> None:
    line = to_csv(good()).splitlines()[1] + ",surplus"
    report = csv_io.import_sessions(session, HEADER + "\n" + line + "\n", NOW, NEVER_QUIET)
    assert [(e.line, e.column, e.code) for e in report.errors] == [(2, None, "extra_values")]
    trailing = to_csv(good()).splitlines()[1] + ",,"  # empty cells Excel leaves: fine
    report = csv_io.import_sessions(session, HEADER + "\n" + trailing + "\n", NOW, NEVER_QUIET)
    assert (report.created, report.errors) == (1, [])


def notices(session: Session) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.kind == Message.TRAINING_NOTICE).order_by(Message.id)
        )
    )


def test_a_new_time_is_told_to_each_woman_with_a_seat_in_her_language(
    session: Session,
) -> None:
    csv_io.import_sessions(session, to_csv(good(capacity="2")), NOW, NEVER_QUIET)
    session.commit()
    (course,) = sessions(session)
    fr, darija, waiting = (
        registered_woman(session, NOW, language=language) for language in ("fr", "ary_Latn", "fr")
    )
    for minutes, woman in enumerate((fr, darija, waiting)):
        services.enroll(session, course.id, woman, NOW + timedelta(minutes=minutes))
    session.commit()
    before = len(notices(session))

    moved = good(capacity="2", starts_at="2027-01-20 15:00", ends_at="2027-01-20 17:00")
    report = csv_io.import_sessions(session, to_csv(moved), NOW, NEVER_QUIET)
    session.commit()

    assert [e.beneficiary_id for e in report.told] == [fr.id, darija.id]  # not the waiting
    assert [e.beneficiary_id for e in report.to_hand_over] == [fr.id, darija.id]
    told = notices(session)[before:]
    assert [m.beneficiary_id for m in told] == [fr.id, darija.id]
    assert told[0].body.startswith("Changement : votre formation «Rédiger son CV»")
    assert told[1].body.startswith("Kayn tbdil: lformation dyalek")
    assert all("15:00" in m.body and "Agence ANAPEC, Fès" in m.body for m in told)
    assert all(m.screen is not None and m.screen["menu"] == "attendance" for m in told)


def one_woman_enrolled(session: Session) -> Beneficiary:
    """The example session imported, and one woman with a seat in it."""
    csv_io.import_sessions(session, to_csv(good()), NOW, NEVER_QUIET)
    session.commit()
    (course,) = sessions(session)
    her = registered_woman(session, NOW)
    services.enroll(session, course.id, her, NOW)
    session.commit()
    return her


def test_a_new_place_is_told_but_a_new_title_or_capacity_is_not(session: Session) -> None:
    her = one_woman_enrolled(session)
    before = len(notices(session))

    quiet_change = good(title_fr="Un CV qui se lit", capacity="30")
    report = csv_io.import_sessions(session, to_csv(quiet_change), NOW, NEVER_QUIET)
    session.commit()
    assert report.told == [] and len(notices(session)) == before

    new_place = good(title_fr="Un CV qui se lit", capacity="30", place="Maison des jeunes")
    report = csv_io.import_sessions(session, to_csv(new_place), NOW, NEVER_QUIET)
    session.commit()
    assert [e.beneficiary_id for e in report.told] == [her.id]
    assert "Maison des jeunes" in notices(session)[-1].body


def test_a_session_moved_into_its_reminders_time_is_not_reminded_on_top_of_the_notice(
    session: Session,
) -> None:
    from bot.trainings import reminders
    from bot.trainings.models import Reminder
    from bot.trainings.offsets import parse_offsets

    her = one_woman_enrolled(session)

    # Tomorrow 09:30 in Casablanca: 23.5 h away, inside the 48-hour reminder's time.
    soon = good(starts_at="2026-12-02 09:30", ends_at="2026-12-02 12:30")
    offsets = parse_offsets("48h, 2h")
    report = csv_io.import_sessions(session, to_csv(soon), NOW, NEVER_QUIET, offsets)
    session.commit()
    assert [e.beneficiary_id for e in report.told] == [her.id]

    assert reminders.queue_due(session, NOW + timedelta(minutes=1), offsets, NEVER_QUIET) == []
    rows = session.scalars(select(Reminder)).all()
    assert [(r.offset_minutes, r.status, r.reason) for r in rows] == [
        (2880, Reminder.SKIPPED, Reminder.TOLD_OF_CHANGE)
    ]
    two_hours_before = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 07:30 in Casablanca
    assert reminders.queue_due(session, two_hours_before, offsets, NEVER_QUIET) == [her.id]


def test_a_session_already_begun_tells_no_one(session: Session) -> None:
    one_woman_enrolled(session)

    later = NOW.replace(year=2027, month=1, day=19, hour=12)  # after it began
    moved = good(starts_at="2027-01-19 10:00")
    report = csv_io.import_sessions(session, to_csv(moved), later, NEVER_QUIET)
    assert report.told == []


def test_moved_away_and_back_she_is_told_each_time_and_reminded_once(session: Session) -> None:
    from bot.trainings import reminders
    from bot.trainings.models import Reminder
    from bot.trainings.offsets import parse_offsets

    offsets = parse_offsets("48h, 2h")
    tomorrow = good(starts_at="2026-12-02 09:30", ends_at="2026-12-02 12:30")
    csv_io.import_sessions(session, to_csv(tomorrow), NOW, NEVER_QUIET, offsets)
    session.commit()
    (course,) = sessions(session)
    her = registered_woman(session, NOW - timedelta(days=3))
    services.enroll(session, course.id, her, NOW - timedelta(days=3))
    session.commit()
    assert reminders.queue_due(session, NOW, offsets, NEVER_QUIET) == [her.id]

    later = good(starts_at="2026-12-05 09:30", ends_at="2026-12-05 12:30")
    for version in (later, tomorrow):  # the new time, then back to the first
        report = csv_io.import_sessions(session, to_csv(version), NOW, NEVER_QUIET, offsets)
        session.commit()
        assert [e.beneficiary_id for e in report.told] == [her.id]

    assert reminders.queue_due(session, NOW + timedelta(minutes=1), offsets, NEVER_QUIET) == []
    rows = session.scalars(select(Reminder)).all()
    assert [(r.offset_minutes, r.status) for r in rows] == [(2880, Reminder.QUEUED)]
    kinds = session.scalars(
        select(Message.kind).where(Message.beneficiary_id == her.id).order_by(Message.id)
    ).all()
    assert kinds[-3:] == [Message.REMINDER, Message.TRAINING_NOTICE, Message.TRAINING_NOTICE]
