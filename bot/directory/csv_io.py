"""The service directory in and out of a spreadsheet (CSV), for programme staff.

One row per service point, with a header row. UTF-8 (a BOM, as Excel writes it, is fine);
commas or semicolons (French Excel), found from the header. `code` is the staff's own
reference: a known code updates its point, a new one creates a point.

The columns: code, partner, name, province, city (required), address, phone, opening_hours,
services, latitude, longitude, verified, active. `province` is a gazetteer code or a name
that names one province; `phone` is E.164 or a Moroccan 05/06/07 number (stored as +212…);
`services` are codes separated by "|"; latitude and longitude go together and must fall in
Morocco; `verified` (default no) and `active` (default yes) read yes/no, oui/non, 1/0.

A bad row is reported (its line in the file, the column, what is wrong) and skipped; the
good rows are imported all the same. Nothing here commits: the caller does. Reading and
writing the file itself (encoding, separator, header, line numbers) is bot.csv_files'.

The console's form goes through the same `parse_row` and `save_point`, so a point typed in
the form and one imported obey the same rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import csv_files
from bot.csv_files import ImportReport, Layout, Outcome, Problem, Source
from bot.csv_files import RowError as RowError  # re-exported: the report's errors
from bot.directory.models import (
    ALL_SERVICES,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    SERVICES,
    ServicePoint,
    partner_name,
    services_for,
)

COLUMNS = (
    "code",
    "partner",
    "name",
    "province",
    "city",
    "address",
    "phone",
    "opening_hours",
    "services",
    "latitude",
    "longitude",
    "verified",
    "active",
)
# Without these the file cannot describe a point; the others may be left out (empty).
REQUIRED_COLUMNS = ("code", "partner", "name", "province", "city")
# The model's String() lengths.
MAX_LENGTHS = {
    "code": 64,
    "partner": 32,
    "name": 200,
    "city": 120,
    "address": 255,
    "opening_hours": 200,
}
MAX_ROWS = 5000
LAYOUT = Layout(COLUMNS, REQUIRED_COLUMNS, "service points", MAX_ROWS)
# A starting directory written by the Min Ajliki team: one ANAPEC agency and one RESOFEM
# contact point per region at least, in the main cities. Addresses, hours and coordinates
# are approximate and there are no phone numbers: every point is unverified until the
# programme's staff check it with the partner (`minajliki seed-service-points`).
SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "service_points.seed.csv"
SERVICE_SEPARATOR = "|"
# Digits kept for a coordinate: 6 decimals is about 10 cm.
COORDINATE_DIGITS = 6

YES = frozenset({"yes", "y", "1", "oui", "true", "vrai"})
NO = frozenset({"no", "n", "0", "non", "false", "faux"})

# Phone numbers: the separators people type, and what the number must look like after them.
_PHONE_NOISE = re.compile(r"[\s\-./()\u00a0]")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_MOROCCAN_NATIONAL = re.compile(r"^0[5-8]\d{8}$")  # 0522…, 0612…, 0712…, 0802…
_MOROCCAN_E164 = re.compile(r"^\+212[5-8]\d{8}$")


# -------------------------------------------------------------------------- one point


@dataclass(frozen=True)
class PointFields:
    """A point's values, checked and normalised."""

    code: str
    partner: str
    name: str
    province: str
    city: str
    address: str | None
    phone: str | None
    opening_hours: str | None
    services: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    verified: bool
    active: bool

    def to_row(self) -> dict[str, str]:
        """The CSV form: what export writes and import reads back unchanged."""
        return {
            "code": self.code,
            "partner": self.partner,
            "name": self.name,
            "province": self.province,
            "city": self.city,
            "address": self.address or "",
            "phone": self.phone or "",
            "opening_hours": self.opening_hours or "",
            "services": SERVICE_SEPARATOR.join(self.services),
            "latitude": _coordinate_text(self.latitude),
            "longitude": _coordinate_text(self.longitude),
            "verified": "yes" if self.verified else "no",
            "active": "yes" if self.active else "no",
        }


def _coordinate_text(value: float | None) -> str:
    return "" if value is None else repr(round(value, COORDINATE_DIGITS))


def fields_of(point: ServicePoint) -> PointFields:
    return PointFields(
        code=point.code,
        partner=point.partner,
        name=point.name,
        province=point.province,
        city=point.city,
        address=point.address,
        phone=point.phone,
        opening_hours=point.opening_hours,
        services=tuple(point.services or ()),
        latitude=point.latitude,
        longitude=point.longitude,
        verified=bool(point.verified),
        active=bool(point.active),
    )


def point_row(point: ServicePoint) -> dict[str, str]:
    return fields_of(point).to_row()


def normalise_phone(text: str) -> str | None:
    """A phone number in E.164 form, or None when it is not one.

    Moroccan numbers may be written nationally (0522 12 34 56, 06-12-34-56-78), with 00212
    or 212, or with the national 0 kept after the country code (+212 (0)5 22…)."""
    compact = _PHONE_NOISE.sub("", text.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("212") and len(compact) == 12:
        compact = "+" + compact
    if compact.startswith("+2120"):
        compact = "+212" + compact[5:]
    if _MOROCCAN_NATIONAL.match(compact):
        return "+212" + compact[1:]
    if compact.startswith("+212"):
        return compact if _MOROCCAN_E164.match(compact) else None
    return compact if _E164.match(compact) else None


def resolve_province(text: str) -> tuple[str | None, Problem | None]:
    """A point's province, which it must have."""
    if not text.strip():
        return None, Problem(
            "province",
            "required",
            "province is required: a province code such as 'casablanca' or 'fes', or its name",
        )
    return csv_files.resolve_province(text)


def _services(text: str, partner: str) -> tuple[tuple[str, ...], list[Problem]]:
    given = [c for c in re.split(r"[|,;\s]+", text.lower()) if c]
    unknown = [c for c in given if c not in ALL_SERVICES]
    offered = services_for(partner)
    problems: list[Problem] = []
    if unknown:
        problems.append(
            Problem(
                "services",
                "services_unknown",
                f"unknown services: {', '.join(unknown)}; the codes are "
                f"{', '.join(ALL_SERVICES)}, separated by '{SERVICE_SEPARATOR}'",
            )
        )
    elsewhere = [c for c in given if c in ALL_SERVICES and c not in offered]
    if elsewhere:
        owners = sorted({p for p, codes in SERVICES.items() for c in elsewhere if c in codes})
        problems.append(
            Problem(
                "services",
                "services_of_other_partner",
                f"{', '.join(elsewhere)}: {' and '.join(owners)} services, not offered by "
                f"{partner} points; theirs are {', '.join(offered)}",
            )
        )
    return tuple(c for c in ALL_SERVICES if c in given), problems


def _coordinate(
    column: str, text: str, bounds: tuple[float, float]
) -> tuple[float | None, Problem | None]:
    if not text:
        return None, None
    # French Excel writes a decimal comma: 33,5731.
    number_text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        value = float(number_text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return None, Problem(
            column,
            f"{column}_invalid",
            f"{column} '{text}' is not a number in decimal degrees like "
            f"{'33.5731' if column == 'latitude' else '-7.5898'}",
        )
    low, high = bounds
    if not low <= value <= high:
        return None, Problem(
            column,
            "outside_morocco",
            f"{column} {text} is outside Morocco ({column} runs from {low:g} to {high:g} there); "
            "check the sign and that latitude and longitude are not swapped",
        )
    return round(value, COORDINATE_DIGITS), None


def _yes_no(column: str, text: str, default: bool) -> tuple[bool, Problem | None]:
    word = text.lower()
    if not word:
        return default, None
    if word in YES:
        return True, None
    if word in NO:
        return False, None
    return default, Problem(
        column,
        "yes_no_invalid",
        f"{column} must be yes or no (oui/non, 1/0), not '{text}'",
    )


def parse_row(values: Mapping[str, str | None]) -> tuple[PointFields | None, list[Problem]]:
    """Check one point's values (CSV columns as keys; missing keys count as empty)."""
    row = {column: csv_files.squeeze(values.get(column)) for column in COLUMNS}
    problems = csv_files.text_problems(row, ("code", "partner", "name", "city"), MAX_LENGTHS)
    partner = partner_name(row["partner"])

    province, problem = resolve_province(row["province"])
    if problem is not None:
        problems.append(problem)

    phone = None
    if row["phone"]:
        phone = normalise_phone(row["phone"])
        if phone is None:
            problems.append(
                Problem(
                    "phone",
                    "phone_invalid",
                    f"phone '{row['phone']}' is not a phone number: write it like "
                    "0522123456 or +212522123456, or leave it empty",
                )
            )

    services, service_problems = _services(row["services"], partner)
    problems.extend(service_problems)

    latitude, problem = _coordinate("latitude", row["latitude"], LATITUDE_RANGE)
    if problem is not None:
        problems.append(problem)
    longitude, problem = _coordinate("longitude", row["longitude"], LONGITUDE_RANGE)
    if problem is not None:
        problems.append(problem)
    if bool(row["latitude"]) != bool(row["longitude"]):
        missing = "longitude" if row["latitude"] else "latitude"
        problems.append(
            Problem(
                missing,
                "coordinates_incomplete",
                "latitude and longitude go together: give both, or leave both empty",
            )
        )

    verified, problem = _yes_no("verified", row["verified"], default=False)
    if problem is not None:
        problems.append(problem)
    active, problem = _yes_no("active", row["active"], default=True)
    if problem is not None:
        problems.append(problem)

    if problems:
        return None, problems
    assert province is not None
    return (
        PointFields(
            code=row["code"],
            partner=partner,
            name=row["name"],
            province=province,
            city=row["city"],
            address=row["address"] or None,
            phone=phone,
            opening_hours=row["opening_hours"] or None,
            services=services,
            latitude=latitude,
            longitude=longitude,
            verified=verified,
            active=active,
        ),
        [],
    )


# --------------------------------------------------------------------------- saving


@dataclass
class Saved:
    point: ServicePoint
    created: bool
    # column -> [before, after], in the CSV's words (empty when nothing changed)
    changes: dict[str, list[str]]


def find_by_code(session: Session, code: str) -> ServicePoint | None:
    return session.scalar(select(ServicePoint).where(ServicePoint.code == code))


def save_point(session: Session, fields: PointFields, point: ServicePoint | None = None) -> Saved:
    """Create a point (point None) or update this one. The caller has checked that no other
    point holds the code. Flushes; does not commit."""
    if point is None:
        point = ServicePoint()
        _apply(point, fields)
        session.add(point)
        session.flush()
        return Saved(point, True, {})
    before, after = point_row(point), fields.to_row()
    changes = {c: [before[c], after[c]] for c in COLUMNS if before[c] != after[c]}
    if changes:
        _apply(point, fields)
        session.flush()
    return Saved(point, False, changes)


def _apply(point: ServicePoint, fields: PointFields) -> None:
    point.code = fields.code
    point.partner = fields.partner
    point.name = fields.name
    point.province = fields.province
    point.city = fields.city
    point.address = fields.address
    point.phone = fields.phone
    point.opening_hours = fields.opening_hours
    point.services = list(fields.services)
    point.latitude = fields.latitude
    point.longitude = fields.longitude
    point.verified = fields.verified
    point.active = fields.active


# ------------------------------------------------------------------------- the file


def import_points(
    session: Session,
    stream_or_text: Source,
    update_existing: bool = True,
) -> ImportReport:
    """Create or update the points of a CSV file; report the rows that were not read.

    `update_existing` False: a point whose code is known is left as it is (counted as
    unchanged), so that seeding again never undoes what staff corrected. Does not commit."""
    report = ImportReport()

    def save(fields: PointFields) -> Outcome:
        existing = find_by_code(session, fields.code)
        if existing is not None and not update_existing:
            return "unchanged"
        saved = save_point(session, fields, existing)
        return csv_files.outcome(saved.created, bool(saved.changes))

    csv_files.import_rows(stream_or_text, LAYOUT, report, parse_row, save)
    return report


def export_points(points: Iterable[ServicePoint]) -> str:
    """The points as CSV text (comma-separated, header first): what import reads back."""
    return csv_files.write_csv(COLUMNS, (point_row(point) for point in points))
