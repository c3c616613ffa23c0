"""The service directory without a database: great-circle distances, partners and their
services, phone numbers, and the seed file's rows (the queries are in
tests/integration/test_directory.py)."""

from __future__ import annotations

import csv
import io
import math

import pytest

from bot import gazetteer
from bot.directory import csv_io
from bot.directory.models import ALL_SERVICES, SERVICES, partner_name, services_for
from bot.directory.services import EARTH_RADIUS_KM, distance_km

CASABLANCA = (33.5731, -7.5898)
RABAT = (34.0209, -6.8416)
FES = (34.0331, -5.0003)


def test_casablanca_to_rabat_is_about_87_km() -> None:
    assert distance_km(*CASABLANCA, *RABAT) == pytest.approx(86, abs=3)


def test_known_distances() -> None:
    quarter = math.pi / 2 * EARTH_RADIUS_KM  # along the equator, and from it to a pole
    assert distance_km(0, 0, 0, 90) == pytest.approx(quarter)
    assert distance_km(0, 0, 90, 0) == pytest.approx(quarter)
    assert distance_km(0, 0, 0, 180) == pytest.approx(2 * quarter)  # antipodes
    paris, london = (48.8566, 2.3522), (51.5074, -0.1278)
    assert distance_km(*paris, *london) == pytest.approx(344, abs=2)


def test_distance_is_symmetric_and_zero_at_the_same_place() -> None:
    assert distance_km(*CASABLANCA, *CASABLANCA) == 0.0
    assert distance_km(*FES, *RABAT) == pytest.approx(distance_km(*RABAT, *FES))
    assert distance_km(*CASABLANCA, *FES) > distance_km(*CASABLANCA, *RABAT)


def test_anapec_and_resofem_are_spelt_in_capitals_other_partners_as_written() -> None:
    assert partner_name(" anapec ") == "ANAPEC"
    assert partner_name("Resofem") == "RESOFEM"
    assert partner_name("Association  Al Amal") == "Association Al Amal"


def test_each_partner_offers_its_services_and_another_partner_any() -> None:
    assert services_for("anapec") == SERVICES["ANAPEC"]
    assert services_for("RESOFEM") == SERVICES["RESOFEM"]
    assert services_for("Association Al Amal") == ALL_SERVICES
    assert set(SERVICES["ANAPEC"]).isdisjoint(SERVICES["RESOFEM"])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0522123456", "+212522123456"),
        ("05 22 12 34 56", "+212522123456"),
        ("06-12-34-56-78", "+212612345678"),
        ("07.12.34.56.78", "+212712345678"),
        ("+212 5 22 12 34 56", "+212522123456"),
        ("+212 (0)6 12 34 56 78", "+212612345678"),
        ("+2120612345678", "+212612345678"),
        ("00212 612 345 678", "+212612345678"),
        ("212612345678", "+212612345678"),
        ("+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed: str, stored: str) -> None:
    assert csv_io.normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["0412345678", "052212345", "05221234567", "+21252212345", "appeler", "+0612345678"]
)
def test_what_is_no_phone_number_is_refused(typed: str) -> None:
    assert csv_io.normalise_phone(typed) is None


def test_the_seed_rows_are_valid_unverified_and_cover_every_region() -> None:
    rows = list(csv.DictReader(io.StringIO(csv_io.SEED_PATH.read_text(encoding="utf-8"))))
    assert 25 <= len(rows) <= 40
    parsed = []
    for row in rows:
        fields, problems = csv_io.parse_row(row)
        assert problems == [], (row["code"], problems)
        assert fields is not None
        parsed.append(fields)
    covered = {(gazetteer.get(f.province).region, f.partner) for f in parsed}  # type: ignore[union-attr]
    assert covered == {(r.code, p) for r in gazetteer.regions() for p in ("ANAPEC", "RESOFEM")}
    for fields in parsed:
        assert not fields.verified and fields.active and fields.phone is None
        assert fields.address == f"Adresse à vérifier, {fields.city}"
        assert "(à vérifier)" in (fields.opening_hours or "")
        assert fields.latitude is not None and fields.longitude is not None
        assert fields.services and set(fields.services) <= set(services_for(fields.partner))
    assert len({f.code for f in parsed}) == len(parsed)
