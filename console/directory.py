"""The service directory: ANAPEC agencies, RESOFEM contact points, other partners' offices.

Admins and programme staff add, edit, import and export points. Counsellors see the list
(to give a woman an address), and change nothing. Every change is audited. The rules on a
point's values live in bot.directory.csv_io: the form and the CSV import share them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot import gazetteer
from bot.db import utcnow
from bot.directory import csv_io
from bot.directory.models import PARTNERS, ServicePoint
from bot.staff.audit import audit
from bot.staff.models import ADMIN, COUNSELLOR, STAFF
from console.auth import client_ip, current_staff, roles_required
from console.blueprint import bp
from console.csv_views import audit_changes, checked, csv_download, import_page
from console.forms import SERVICE_LABELS, ServicePointForm
from webhooks.context import db

MANAGERS = (ADMIN, STAFF)
PER_PAGE = 500
TARGET = "service_point"

# French words for bot.directory.csv_io's problem codes (the import report keeps English).
PROBLEMS = {
    "required": "Champ obligatoire.",
    "too_long": "Trop long.",
    "province_unknown": "Province inconnue.",
    "province_ambiguous": "Plusieurs provinces portent ce nom : choisissez-en une.",
    "phone_invalid": "Un numéro comme 0522123456 ou +212522123456, ou rien.",
    "services_unknown": "Service inconnu.",
    "services_of_other_partner": "Ces services ne sont pas ceux de ce partenaire.",
    "latitude_invalid": "Un nombre en degrés décimaux, par exemple 33.5731.",
    "longitude_invalid": "Un nombre en degrés décimaux, par exemple -7.5898.",
    "outside_morocco": "Hors du Maroc : vérifiez le signe, et que latitude et longitude "
    "ne sont pas inversées.",
    "coordinates_incomplete": "Donnez la latitude et la longitude, ou aucune des deux.",
    "yes_no_invalid": "Oui ou non.",
}
CODE_TAKEN = "Un autre point de l'annuaire porte déjà ce code."


def _is_manager() -> bool:
    return current_staff().role in MANAGERS


def _point_or_404(point_id: int) -> ServicePoint:
    point = db().get(ServicePoint, point_id)
    if point is None:
        abort(404)
    return point


def _partners() -> list[str]:
    """ANAPEC, RESOFEM, then the other partners found in the directory."""
    found = db().scalars(select(ServicePoint.partner).distinct().order_by(ServicePoint.partner))
    return list(dict.fromkeys([*PARTNERS, *found]))


@bp.get("/directory")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def directory() -> str:
    partner = " ".join(request.args.get("partner", "").split())
    province = request.args.get("province", "").strip()
    query = select(ServicePoint)
    if partner:
        query = query.where(func.lower(ServicePoint.partner) == partner.lower())
    if province:
        query = query.where(ServicePoint.province == province)
    query = query.order_by(
        ServicePoint.partner, ServicePoint.city, ServicePoint.name, ServicePoint.id
    )
    rows = list(db().scalars(query.limit(PER_PAGE)))
    unverified = db().scalar(
        select(func.count(ServicePoint.id)).where(ServicePoint.verified.is_(False))
    )
    by_region: dict[str, list[gazetteer.Province]] = {r.code: [] for r in gazetteer.regions()}
    for item in gazetteer.provinces():
        by_region.setdefault(item.region, []).append(item)
    regions = {region.code: region.name_fr for region in gazetteer.regions()}
    return render_template(
        "console/directory.html",
        rows=rows,
        partner=partner,
        province=province,
        partners=_partners(),
        regions=[(regions.get(code, code), items) for code, items in by_region.items()],
        unverified=unverified or 0,
        manager=_is_manager(),
        limit=PER_PAGE,
        active="directory",
    )


# -- a point's form ---------------------------------------------------------------------


def _checked(form: ServicePointForm, point: ServicePoint | None) -> csv_io.PointFields | None:
    """The form's values checked by csv_io's rules; problems go under their fields."""
    return checked(form, csv_io.parse_row, csv_io.find_by_code, point, PROBLEMS, CODE_TAKEN)


def _form_data(point: ServicePoint) -> dict[str, Any]:
    row: dict[str, Any] = csv_io.point_row(point)
    row["services"] = list(point.services or [])
    row["verified"] = bool(point.verified)
    row["active"] = bool(point.active)
    return row


@bp.route("/directory/new", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def directory_new() -> str | Response:
    form = ServicePointForm()
    if request.method == "POST":
        valid = form.validate_on_submit()
        fields = _checked(form, None)
        if valid and fields is not None:
            saved = csv_io.save_point(db(), fields)
            audit(
                db(),
                current_staff(),
                "directory.create",
                TARGET,
                saved.point.id,
                {"code": fields.code, "partner": fields.partner, "name": fields.name},
                ip=client_ip(),
            )
            db().commit()
            flash(f"Point ajouté à l'annuaire : {saved.point.name}.", "success")
            return redirect(url_for("console.directory"))
    return render_template("console/directory_form.html", form=form, point=None, active="directory")


@bp.route("/directory/<int:point_id>", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def directory_edit(point_id: int) -> str | Response:
    point = _point_or_404(point_id)
    form = ServicePointForm(data=_form_data(point))
    if request.method == "POST":
        valid = form.validate_on_submit()
        fields = _checked(form, point)
        if valid and fields is not None:
            saved = csv_io.save_point(db(), fields, point)
            if not saved.changes:
                flash("Aucun changement.", "info")
                return redirect(url_for("console.directory"))
            changes = audit_changes(saved.changes)
            audit(
                db(),
                current_staff(),
                "directory.update",
                TARGET,
                point.id,
                {"code": fields.code, "changes": changes},
                ip=client_ip(),
            )
            db().commit()
            flash(f"Point modifié : {saved.point.name}.", "success")
            return redirect(url_for("console.directory"))
    return render_template(
        "console/directory_form.html", form=form, point=point, active="directory"
    )


# -- CSV --------------------------------------------------------------------------------


@bp.route("/directory/import", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def directory_import() -> str:
    return import_page(
        "console/directory_import.html",
        lambda data: csv_io.import_points(db(), data),
        "directory.import",
        TARGET,
        columns=csv_io.COLUMNS,
        services=SERVICE_LABELS,
        active="directory",
    )


@bp.get("/directory/export.csv")
@roles_required(ADMIN, STAFF)
def directory_export() -> Response:
    points = db().scalars(select(ServicePoint).order_by(ServicePoint.code, ServicePoint.id))
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return csv_download(csv_io.export_points(points), f"service_points-{stamp}.csv")


@bp.app_template_filter("service_label")
def service_label(code: str) -> str:
    return SERVICE_LABELS.get(code, code)
