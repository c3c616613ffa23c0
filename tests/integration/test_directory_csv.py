"""The service directory from and to CSV (bot.directory.csv_io): the rules on each value,
line numbers, updates by code, the round trip, semicolons and a BOM, the seed file.

The rules are plain functions; the import itself runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import gazetteer
from bot.directory import csv_io
from bot.directory.models import ServicePoint

HEADER = ",".join(csv_io.COLUMNS)


def good(**overrides: str) -> dict[str, str]:
    row = {column: "" for column in csv_io.COLUMNS}
    row.update(
        code="ANAPEC-FES-01",
        partner="ANAPEC",
        name="Agence ANAPEC Fès Centre",
        province="fes",
        city="Fès",
        address="Avenue Hassan II, Fès",
        phone="0535 12 34 56",
        opening_hours="lun-ven 08:30-16:30",
        services="job_search|cv",
        latitude="34.0331",
        longitude="-5.0003",
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
    return to_csv(good(**overrides)).split("\n", 1)[1]


def points(session: Session) -> list[ServicePoint]:
    session.expire_all()
    return list(session.scalars(select(ServicePoint).order_by(ServicePoint.code)))


# -- one row's rules -----------------------------------------------------------------------


def test_a_good_row_gives_the_point_normalised() -> None:
    fields, problems = csv_io.parse_row(
        good(partner="anapec", services="CV | job_search|cv", province="Fès")
    )
    assert problems == [] and fields is not None
    assert (fields.partner, fields.province, fields.phone) == ("ANAPEC", "fes", "+212535123456")
    assert fields.services == ("job_search", "cv")  # known order, once each
    assert (fields.latitude, fields.longitude) == (34.0331, -5.0003)
    assert (fields.verified, fields.active) == (False, True)  # the defaults


@pytest.mark.parametrize(
    ("column", "value", "code", "words"),
    [
        ("code", "", "required", "code is required"),
        ("partner", " ", "required", "partner is required"),
        ("name", "", "required", "name is required"),
        ("city", "", "required", "city is required"),
        ("province", "", "required", "province is required"),
        ("code", "x" * 65, "too_long", "at most 64"),
        ("partner", "x" * 33, "too_long", "at most 32"),
        ("name", "x" * 201, "too_long", "at most 200"),
        ("address", "x" * 256, "too_long", "at most 255"),
        ("opening_hours", "x" * 201, "too_long", "at most 200"),
        ("province", "Atlantis", "province_unknown", "no Moroccan province matches 'Atlantis'"),
        ("province", "Ajdir", "province_ambiguous", "al_hoceima"),
        ("phone", "0412345678", "phone_invalid", "phone '0412345678' is not a phone number"),
        ("phone", "à demander", "phone_invalid", "like 0522123456 or +212522123456"),
        ("services", "cv|cooking", "services_unknown", "unknown services: cooking"),
        (
            "services",
            "cv|financing",
            "services_of_other_partner",
            "financing: RESOFEM services, not offered by ANAPEC points",
        ),
        ("latitude", "north", "latitude_invalid", "latitude 'north' is not a number"),
        ("latitude", "48.8566", "outside_morocco", "latitude 48.8566 is outside Morocco"),
        ("longitude", "2.3522", "outside_morocco", "longitude 2.3522 is outside Morocco"),
        ("longitude", "5.0003", "outside_morocco", "check the sign"),
        ("verified", "peut-être", "yes_no_invalid", "verified must be yes or no"),
        ("active", "maybe", "yes_no_invalid", "active must be yes or no"),
    ],
)
def test_each_rule_has_its_own_message(column: str, value: str, code: str, words: str) -> None:
    fields, problems = csv_io.parse_row(good(**{column: value}))
    assert fields is None
    assert [(p.column, p.code) for p in problems] == [(column, code)]
    assert words in problems[0].message


def test_latitude_and_longitude_swapped_are_both_outside_morocco() -> None:
    _, problems = csv_io.parse_row(good(latitude="-5.0003", longitude="34.0331"))
    assert [(p.column, p.code) for p in problems] == [
        ("latitude", "outside_morocco"),
        ("longitude", "outside_morocco"),
    ]


def test_coordinates_go_in_pairs_or_not_at_all() -> None:
    _, problems = csv_io.parse_row(good(longitude=""))
    assert [(p.column, p.code) for p in problems] == [("longitude", "coordinates_incomplete")]
    _, problems = csv_io.parse_row(good(latitude=""))
    assert [(p.column, p.code) for p in problems] == [("latitude", "coordinates_incomplete")]
    fields, _ = csv_io.parse_row(good(latitude="", longitude=""))
    assert fields is not None and fields.latitude is None and fields.longitude is None


def test_a_decimal_comma_and_the_edges_of_morocco() -> None:
    fields, _ = csv_io.parse_row(good(latitude="33,5731", longitude="-7,5898"))
    assert fields is not None and (fields.latitude, fields.longitude) == (33.5731, -7.5898)
    fields, _ = csv_io.parse_row(good(province="oued_ed_dahab", latitude="20", longitude="-17.5"))
    assert fields is not None  # the bounds themselves are in


def test_other_partners_may_offer_any_service_and_keep_their_spelling() -> None:
    fields, problems = csv_io.parse_row(
        good(partner="Association  Al Amal", services="financing|cv|coaching")
    )
    assert problems == [] and fields is not None
    assert fields.partner == "Association Al Amal"
    assert fields.services == ("cv", "coaching", "financing")
    fields, _ = csv_io.parse_row(good(services=""))
    assert fields is not None and fields.services == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [("yes", True), ("Oui", True), ("1", True), ("no", False), ("NON", False), ("0", False)],
)
def test_yes_and_no_in_english_french_or_digits(text: str, value: bool) -> None:
    fields, _ = csv_io.parse_row(good(verified=text, active=text))
    assert fields is not None and fields.verified is value and fields.active is value


def test_phones_are_normalised_and_may_be_left_empty() -> None:
    for typed in ("0612345678", "+212 6 12 34 56 78", "00212612345678", "06.12.34.56.78"):
        fields, _ = csv_io.parse_row(good(phone=typed))
        assert fields is not None and fields.phone == "+212612345678"
    fields, _ = csv_io.parse_row(good(phone=""))
    assert fields is not None and fields.phone is None


# -- a whole file ---------------------------------------------------------------------------


def test_good_rows_are_created(session: Session) -> None:
    text = to_csv(
        good(),
        good(
            code="RESOFEM-FES",
            partner="resofem",
            name="RESOFEM — antenne Fès-Meknès",
            province="Meknès",
            city="Meknès",
            phone="+212 5 35 00 00 00",
            services="coaching|project_idea",
            latitude="",
            longitude="",
            verified="oui",
        ),
    )
    report = csv_io.import_points(session, text)
    session.commit()
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    assert report.created_codes == ["ANAPEC-FES-01", "RESOFEM-FES"]
    anapec, resofem = points(session)
    assert (anapec.partner, anapec.province, anapec.phone) == ("ANAPEC", "fes", "+212535123456")
    assert anapec.services == ["job_search", "cv"]
    assert (anapec.latitude, anapec.longitude, anapec.verified, anapec.active) == (
        34.0331,
        -5.0003,
        False,
        True,
    )
    assert (resofem.partner, resofem.province, resofem.phone) == (
        "RESOFEM",
        "meknes",
        "+212535000000",
    )
    assert resofem.services == ["project_idea", "coaching"]
    assert (resofem.latitude, resofem.verified) == (None, True)


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_imported(
    session: Session,
) -> None:
    lines = [
        HEADER + "\n",  # line 1
        data_line(code="A"),  # line 2
        "\n",  # line 3: blank, skipped
        data_line(code="B", phone="12"),  # line 4
        data_line(code="C", latitude="48.8566", longitude="2.3522"),  # line 5: two problems
        data_line(code="A"),  # line 6: A again
        data_line(code="D", services="cv|networking"),  # line 7
        data_line(code="E", province="Atlantis"),  # line 8
        data_line(code="F", name="Agence, avec une virgule"),  # line 9: fine (quoted)
    ]
    report = csv_io.import_points(session, "".join(lines))
    session.commit()
    assert [p.code for p in points(session)] == ["A", "F"]
    assert (report.created, report.rows, report.bad_lines) == (2, 7, [4, 5, 6, 7, 8])
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (4, "phone", "phone_invalid"),
        (5, "latitude", "outside_morocco"),
        (5, "longitude", "outside_morocco"),
        (6, "code", "code_repeated"),
        (7, "services", "services_of_other_partner"),
        (8, "province", "province_unknown"),
    ]
    assert report.errors[3].message == "code 'A' already appears on line 2"


def test_an_existing_code_updates_its_point(session: Session) -> None:
    csv_io.import_points(session, to_csv(good()))
    session.commit()
    (before,) = points(session)

    changed = good(phone="", address="Rue 12, Fès", verified="yes", active="no")
    report = csv_io.import_points(session, to_csv(changed))
    session.commit()
    assert (report.created, report.updated, report.updated_codes) == (0, 1, ["ANAPEC-FES-01"])
    (after,) = points(session)
    assert after.id == before.id
    assert (after.phone, after.address, after.verified, after.active) == (
        None,
        "Rue 12, Fès",
        True,
        False,
    )

    again = csv_io.import_points(session, to_csv(changed))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_known_code_may_be_left_as_it_is(session: Session) -> None:
    csv_io.import_points(session, to_csv(good(verified="yes", phone="0535999999")))
    session.commit()
    report = csv_io.import_points(session, to_csv(good(), good(code="NEW")), update_existing=False)
    session.commit()
    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)
    kept = points(session)[0]
    assert (kept.code, kept.verified, kept.phone) == ("ANAPEC-FES-01", True, "+212535999999")


def test_export_then_import_changes_nothing(session: Session) -> None:
    report = csv_io.import_points(session, csv_io.SEED_PATH.read_bytes())
    csv_io.import_points(
        session, to_csv(good(code="ZZ-OTHER", partner="Association Al Amal", verified="yes"))
    )
    session.commit()
    assert report.errors == []
    exported = csv_io.export_points(points(session))
    before = [csv_io.point_row(p) for p in points(session)]

    again = csv_io.import_points(session, exported)
    session.commit()
    assert (again.created, again.updated, again.errors) == (0, 0, [])
    assert again.unchanged == len(before)
    assert [csv_io.point_row(p) for p in points(session)] == before
    assert csv_io.export_points(points(session)) == exported
    assert exported.splitlines()[0] == HEADER


def test_the_seed_file_imports_without_errors_and_covers_every_region(
    session: Session,
) -> None:
    report = csv_io.import_points(session, csv_io.SEED_PATH.read_bytes())
    session.commit()
    assert report.errors == [] and report.created >= 25
    found = points(session)
    covered = {(gazetteer.get(p.province).region, p.partner) for p in found}  # type: ignore[union-attr]
    assert len(gazetteer.regions()) == 12
    for region in gazetteer.regions():
        assert (region.code, "ANAPEC") in covered, region.code
        assert (region.code, "RESOFEM") in covered, region.code
    assert not any(p.verified for p in found)  # data to verify
    assert all(p.phone is None and p.active for p in found)


def test_semicolons_a_bom_and_decimal_commas_as_excel_writes_them(session: Session) -> None:
    text = to_csv(
        good(code="X;1", name="Agence ; Fès", latitude="34,0331", longitude="-5,0003"),
        delimiter=";",
    )
    data = "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")
    report = csv_io.import_points(session, io.BytesIO(data))
    session.commit()
    assert (report.created, report.errors) == (1, [])
    (found,) = points(session)
    assert (found.code, found.name, found.latitude, found.longitude) == (
        "X;1",
        "Agence ; Fès",
        34.0331,
        -5.0003,
    )


def test_a_header_it_cannot_use_stops_the_file(session: Session) -> None:
    text = HEADER.replace("city", "ville").replace("phone", "telephone") + "\n"
    report = csv_io.import_points(session, text + "a,b\n")
    assert [(e.line, e.code) for e in report.errors] == [
        (1, "columns_missing"),
        (1, "columns_unknown"),
    ]
    assert "missing columns: city" in report.errors[0].message
    assert "ville, telephone" in report.errors[1].message
    assert points(session) == []


def test_columns_may_come_in_any_order_and_optional_ones_be_left_out(session: Session) -> None:
    text = "City,name,province,partner,code\nSafi,Agence ANAPEC Safi,safi,ANAPEC,ANAPEC-SAFI\n"
    report = csv_io.import_points(session, text)
    assert (report.created, report.errors) == (1, [])
    (found,) = points(session)
    assert (found.city, found.services, found.verified, found.active) == ("Safi", [], False, True)


def test_files_that_are_not_utf8_or_empty_are_refused(session: Session) -> None:
    latin1 = to_csv(good()).encode("latin-1", errors="replace")
    report = csv_io.import_points(session, latin1)
    assert [e.code for e in report.errors] == ["not_utf8"]
    assert "CSV UTF-8" in report.errors[0].message
    assert [e.code for e in csv_io.import_points(session, "").errors] == ["empty"]


def test_a_row_with_too_many_values_is_refused(session: Session) -> None:
    line = to_csv(good()).splitlines()[1] + ",surplus"
    report = csv_io.import_points(session, HEADER + "\n" + line + "\n")
    assert [(e.line, e.column, e.code) for e in report.errors] == [(2, None, "extra_values")]
    trailing = to_csv(good()).splitlines()[1] + ",,"  # empty cells Excel leaves: fine
    report = csv_io.import_points(session, HEADER + "\n" + trailing + "\n")
    assert (report.created, report.errors) == (1, [])
