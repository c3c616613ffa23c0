"""The programme's dashboard: figures, charts and exports (bot.reports computes them).

Admins and programme staff see everything and filter by period, province and partner; a
counsellor sees her partner's figures in her provinces, whatever the address asks for.
Every export is in the audit log; the anonymised dataset is for admins and staff only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from flask import Response, abort, render_template, request
from sqlalchemy import select

from bot import gazetteer
from bot.db import utcnow
from bot.directory.models import PARTNERS, partner_name
from bot.reports import anonymised, exports
from bot.reports.figures import TOTAL, build_report
from bot.reports.filters import (
    DATE_INVALID,
    PERIOD_REVERSED,
    PERIOD_TOO_LONG,
    PROVINCE_UNKNOWN,
    Filters,
    parse_filters,
    scope_for,
)
from bot.reports.periods import local_date
from bot.reports.tables import COUNT, HOURS, MINUTES, NUMBER, PERCENT, Report, Table
from bot.staff.audit import audit
from bot.staff.models import ADMIN, COUNSELLOR, STAFF
from bot.trainings.models import TrainingSession
from console import charts, labels
from console.auth import client_ip, current_staff, roles_required
from console.blueprint import bp
from console.csv_views import csv_download
from webhooks.context import db, runtime

TARGET = "report"
# The audit log's words for what this page adds to it.
labels.ACTIONS.update(
    {"report.export": "Chiffres exportés", "report.dataset": "Données anonymisées exportées"}
)
labels.DETAIL_WORDS.update({"report": "rapport", "table": "tableau", "format": "format"})
PROBLEMS = {
    DATE_INVALID: "Date illisible : utilisez le calendrier (jj/mm/aaaa).",
    PERIOD_REVERSED: "La fin de la période est avant son début : les 30 derniers jours sont "
    "affichés.",
    PERIOD_TOO_LONG: "Période trop longue (dix ans au plus) : elle a été raccourcie.",
    PROVINCE_UNKNOWN: "Province inconnue : toutes les provinces sont affichées.",
}
TOP_PROVINCES = 10  # the chart shows these, the table all of them
NBSP = "\u202f"  # French thousands separator and before units


# -- numbers as staff read them ----------------------------------------------------------


def _number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.removesuffix(",0") if decimals == 1 else text


def _duration(minutes: float) -> str:
    if minutes < 60:
        return f"{_number(minutes, 1 if minutes < 10 else 0)}{NBSP}min"
    hours, rest = divmod(round(minutes), 60)
    if hours < 48:
        return f"{hours}{NBSP}h{NBSP}{rest:02d}"
    return f"{_number(hours / 24, 1)}{NBSP}j"


@bp.app_template_filter("figure")
def figure(value: Any, kind: str, unit: str = "") -> str:
    """A table cell in French: 12 345 · 45,2 % · 1 h 05 · — for no value."""
    if value is None or value == "":
        return "—"
    if kind == NUMBER:  # a key figure: its unit says what it is
        kind = {"%": PERCENT, "min": MINUTES, "h": HOURS}.get(unit, COUNT)
    if kind == COUNT:
        return _number(float(value))
    if kind == PERCENT:
        return f"{_number(float(value), 1)}{NBSP}%"
    if kind == MINUTES:
        return _duration(float(value))
    if kind == HOURS:
        return _duration(float(value) * 60)
    return str(value)


# -- the page ----------------------------------------------------------------------------


def _filters() -> tuple[Filters, list[str]]:
    return parse_filters(request.args, local_date(utcnow()))


def _report() -> tuple[Report, Filters, list[str]]:
    filters, problems = _filters()
    return build_report(db(), scope_for(current_staff(), filters), utcnow()), filters, problems


def _partners() -> list[str]:
    found = db().scalars(select(TrainingSession.partner).distinct())
    names = {partner_name(name) for name in found}
    return [*PARTNERS, *sorted(names - set(PARTNERS))]


def _provinces(allowed: tuple[str, ...] | None) -> list[tuple[str, list[gazetteer.Province]]]:
    """The provinces to choose from, by region (a counsellor: hers only)."""
    regions = {region.code: region.name_fr for region in gazetteer.regions()}
    grouped: dict[str, list[gazetteer.Province]] = {}
    for province in gazetteer.provinces():
        if allowed is None or province.code in allowed:
            grouped.setdefault(province.region, []).append(province)
    return [(regions.get(code, code), items) for code, items in grouped.items()]


def _count_text(values: Any) -> str:
    return figure(sum(v or 0 for v in values), COUNT)


def _percent_text(values: Any) -> str:
    return figure(values[0], PERCENT)


def _rows(table: Table, *indexes: int) -> list[tuple[str, list[Any]]]:
    """(label, [values at `indexes`]) for each row but the total."""
    return [(str(row[0]), [row[i] for i in indexes]) for row in table.rows if row[0] != TOTAL]


def _charts(report: Report) -> dict[str, Any]:
    """The charts beside the tables, drawn from the same rows."""
    period = report.scope.period
    found: dict[str, Any] = {}
    over_time = report["registrations_over_time"]
    found[over_time.key] = charts.columns(
        "Inscriptions confirmées",
        [(period.bucket_label(str(row[0])), row[2]) for row in over_time.rows],
    )
    provinces = _rows(report["registrations_by_province"], 1)
    if len(provinces) > TOP_PROVINCES:
        rest = sum(values[0] for _, values in provinces[TOP_PROVINCES:])
        provinces = [*provinces[:TOP_PROVINCES], ("autres provinces", [rest])]
    found["registrations_by_province"] = charts.bars(
        "Inscriptions par province", provinces, _count_text
    )
    for key in ("registrations_by_age_band", "registrations_by_education",
                "registrations_by_situation", "registrations_by_track",
                "handoffs"):  # fmt: skip
        found[key] = charts.bars(report[key].title, _rows(report[key], 1), _count_text)
    referrals = report["referrals"]
    found["referrals"] = charts.bars(
        referrals.title,
        _rows(referrals, 1, 2, 3, 4),
        _count_text,
        [column.title for column in referrals.columns[1:5]],
    )
    total = report["trainings"].row(TOTAL)
    steps = (("Inscriptions", "enrollments"), ("Avec une place", "seated"),
             ("Rappelées", "reminded"), ("Confirmées après rappel", "confirmed"),
             ("Présentes", "attended"), ("Absentes", "absent"))  # fmt: skip
    found["trainings"] = charts.bars(
        "Des inscriptions à la présence",
        [(label, [total[key]]) for label, key in steps],
        _count_text,
    )
    for key in ("messages_by_channel", "messages_by_language"):
        found[key] = charts.bars(
            report[key].title, _rows(report[key], 1, 2), _count_text, ("reçus", "envoyés")
        )
    opted = report["opt_out"].rows[0]
    found["opt_out"] = charts.bars(
        "Taux de désinscription", [("pendant la période", [opted[2]])], _percent_text, scale=100
    )
    found["broadcasts"] = charts.bars(
        "Messages remis, par diffusion", _rows(report["broadcasts"], 5), _percent_text, scale=100
    )
    return found


@bp.get("/dashboard")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def dashboard() -> str:
    report, filters, problems = _report()
    staff = current_staff()
    scope = report.scope
    return render_template(
        "console/dashboard.html",
        report=report,
        key_figures=report["key_figures"],
        sections=[table for table in report if table.key != "key_figures"],
        charts=_charts(report),
        filters=filters,
        scope=scope,
        problems=[PROBLEMS[problem] for problem in problems],
        # A counsellor chooses among all of hers, whichever one she is looking at.
        own_provinces=tuple(staff.provinces or ()),
        provinces=_provinces(None if staff.sees_every_province else tuple(staff.provinces or ())),
        partners=_partners(),
        may_export_dataset=staff.role in (ADMIN, STAFF),
        query=_query(filters),
        active="dashboard",
    )


def _query(filters: Filters) -> dict[str, str]:
    """The filters as the address's query, for the export links."""
    query = {"from": filters.period.first.isoformat(), "to": filters.period.last.isoformat()}
    if filters.province:
        query["province"] = filters.province
    if filters.partner:
        query["partner"] = filters.partner
    return query


def _audit_export(report: Report, what: str, fmt: str) -> None:
    scope = report.scope
    details = {
        "table": what,
        "format": fmt,
        "from": scope.period.first.isoformat(),
        "to": scope.period.last.isoformat(),
        "provinces": list(scope.provinces) if scope.provinces is not None else "all",
        "partner": scope.partner or "all",
    }
    action = "report.dataset" if what == "anonymised" else "report.export"
    audit(db(), current_staff(), action, TARGET, None, details, ip=client_ip())
    db().commit()


def _file_name(report: Report, what: str, fmt: str) -> str:
    period = report.scope.period
    return f"minajliki-{what}-{period.first.isoformat()}-{period.last.isoformat()}.{fmt}"


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype=exports.XLSX_MIME,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/dashboard/export/<key>.<fmt>")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def dashboard_export(key: str, fmt: str) -> Response:
    """One table (CSV or XLSX), or every table in one workbook (`all.xlsx`)."""
    if fmt not in exports.FORMATS or (key == "all" and fmt != "xlsx"):
        abort(404)
    report = _report()[0]
    tables = list(report) if key == "all" else [t for t in report if t.key == key]
    if not tables:
        abort(404)
    _audit_export(report, key, fmt)
    filename = _file_name(report, key, fmt)
    if fmt == "xlsx":
        return _xlsx(exports.tables_xlsx(report, tables), filename)
    return csv_download(exports.table_csv(tables[0]), filename)


@bp.get("/dashboard/anonymised.<fmt>")
@roles_required(ADMIN, STAFF)
def dashboard_dataset(fmt: str) -> Response:
    """The impact study's dataset: one row per woman registered in the period."""
    if fmt not in exports.FORMATS:
        abort(404)
    filters, _problems = _filters()
    scope = scope_for(current_staff(), filters)
    report = Report(scope, utcnow())
    _audit_export(report, "anonymised", fmt)
    key = anonymised.pseudonym_key(runtime().settings)
    filename = _file_name(report, "anonymised", fmt)
    if fmt == "xlsx":
        rows = anonymised.dataset(db(), scope, key)
        return _xlsx(exports.dataset_xlsx(anonymised.COLUMNS, rows), filename)

    sessions = runtime().sessions

    def lines() -> Iterator[str]:
        # Sent as it is read, after this request's own session is gone: a session of its
        # own, closed when the last line is out (or the download is dropped).
        with sessions() as session:
            rows = anonymised.dataset(session, scope, key)
            yield from exports.csv_lines(itertools.chain([anonymised.COLUMNS], rows))

    return Response(
        lines(),
        mimetype=exports.CSV_MIME,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )
