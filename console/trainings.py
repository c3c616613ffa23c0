"""Training sessions: the list, a session's form, its women and their attendance, CSV.

Admins and programme staff manage every session. A counsellor sees her partner's sessions
(TrainingSession.partner, compared without case) and marks attendance in them; she cannot
create, edit, cancel, import or export. Every change is audited. The rules on a session's
values live in bot.trainings.csv_io: the form and the CSV import share them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.messaging.quiet_hours import QuietHours
from bot.phones import mask
from bot.staff.audit import audit
from bot.staff.models import ADMIN, COUNSELLOR, STAFF, StaffUser
from bot.trainings import csv_io, services
from bot.trainings.models import Enrollment, TrainingSession
from console.auth import client_ip, current_staff, roles_required
from console.blueprint import bp
from console.csv_views import audit_changes, checked, csv_download, import_page
from console.forms import TRACK_LABELS, TrainingForm
from webhooks.context import db, enqueue, runtime

MANAGERS = (ADMIN, STAFF)
PER_PAGE = 100
TARGET = "training_session"

# French words for bot.trainings.csv_io's problem codes (the import report keeps English).
PROBLEMS = {
    "required": "Champ obligatoire.",
    "too_long": "Trop long.",
    "track_invalid": "Public inconnu.",
    "province_unknown": "Province inconnue.",
    "province_ambiguous": "Plusieurs provinces portent ce nom : choisissez-en une.",
    "title_required": "Donnez un titre, dans au moins une des quatre langues.",
    "datetime_invalid": "Une date et une heure, par exemple 10/02/2027 09:30.",
    "ends_before_start": "La fin doit venir après le début.",
    "url_invalid": "Une adresse web commençant par http:// ou https://.",
    "place_required": "Indiquez un lieu ou un lien en ligne.",
    "capacity_invalid": "Un nombre entier de places, au moins 1.",
}
CODE_TAKEN = "Une autre session porte déjà ce code."


def _now() -> datetime:
    return utcnow()


def _quiet() -> QuietHours:
    return QuietHours.parse(runtime().settings.quiet_hours)


def _offsets() -> tuple[timedelta, ...]:
    return runtime().reminder_offsets


def _is_manager(staff: StaffUser) -> bool:
    return staff.role in MANAGERS


def _partner_key(partner: str | None) -> str:
    return " ".join((partner or "").split()).lower()


def _may_see(staff: StaffUser, training: TrainingSession) -> bool:
    if _is_manager(staff):
        return True
    return (
        staff.role == COUNSELLOR
        and bool(_partner_key(staff.partner))
        and _partner_key(training.partner) == _partner_key(staff.partner)
    )


def _training_or_404(training_id: int) -> TrainingSession:
    training = db().get(TrainingSession, training_id)
    if training is None or not _may_see(current_staff(), training):
        abort(404)  # another partner's session: as if it did not exist
    return training


def _visible_sessions(session: Session, staff: StaffUser, past: bool, now: datetime) -> list[Any]:
    query = select(TrainingSession)
    if not _is_manager(staff):
        query = query.where(func.lower(TrainingSession.partner) == _partner_key(staff.partner))
    if past:
        query = query.where(TrainingSession.ends_at <= now).order_by(
            TrainingSession.starts_at.desc(), TrainingSession.id.desc()
        )
    else:  # still to come or under way, soonest first
        query = query.where(TrainingSession.ends_at > now).order_by(
            TrainingSession.starts_at, TrainingSession.id
        )
    return list(session.scalars(query.limit(PER_PAGE)))


@bp.get("/trainings")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def trainings() -> str:
    staff = current_staff()
    past = request.args.get("when") == "past"
    now = _now()
    rows = _visible_sessions(db(), staff, past, now)
    counts = services.enrollment_counts(db(), [t.id for t in rows])
    return render_template(
        "console/trainings.html",
        rows=[(t, *counts[t.id]) for t in rows],
        past=past,
        now=now,
        manager=_is_manager(staff),
        staff=staff,
        limit=PER_PAGE,
        active="trainings",
    )


# -- a session's form -------------------------------------------------------------------


def _checked(form: TrainingForm, training: TrainingSession | None) -> csv_io.SessionFields | None:
    """The form's values checked by csv_io's rules; problems go under their fields."""
    return checked(form, csv_io.parse_row, csv_io.find_by_code, training, PROBLEMS, CODE_TAKEN)


def _form_data(training: TrainingSession) -> dict[str, str]:
    """A session as the form shows it (times as a datetime-local input wants them)."""
    row = csv_io.session_row(training)
    row["starts_at"] = csv_io.local_text(training.starts_at, "T")
    row["ends_at"] = csv_io.local_text(training.ends_at, "T")
    return row


def _hand_to_worker(enrollments: list[Enrollment]) -> None:
    """After the commit: the women with news (a seat, a new time) are told by the worker."""
    for beneficiary_id in dict.fromkeys(e.beneficiary_id for e in enrollments):
        enqueue(beneficiary_id)


def _told_flash(told: list[Enrollment]) -> None:
    if told:
        count = len(told)
        flash(
            f"{count} femme{'s' if count > 1 else ''} inscrite{'s' if count > 1 else ''} "
            f"{'sont prévenues' if count > 1 else 'est prévenue'} du nouvel horaire ou lieu.",
            "info",
        )


def _promoted_flash(promoted: list[Enrollment]) -> None:
    if promoted:
        count = len(promoted)
        flash(
            f"{count} femme{'s' if count > 1 else ''} de la liste d'attente "
            f"{'ont' if count > 1 else 'a'} reçu une place ; un message part.",
            "info",
        )


@bp.route("/trainings/new", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def training_new() -> str | Response:
    form = TrainingForm()
    if request.method == "POST":
        valid = form.validate_on_submit()
        fields = _checked(form, None)
        if valid and fields is not None:
            staff = current_staff()
            saved = csv_io.save_session(db(), fields, _now(), _quiet())
            audit(
                db(),
                staff,
                "training.create",
                TARGET,
                saved.training.id,
                {"code": fields.code, "partner": fields.partner},
                ip=client_ip(),
            )
            db().commit()
            flash(f"Session créée : {saved.training.title('fr')}.", "success")
            return redirect(url_for("console.trainings"))
    return render_template(
        "console/trainings_form.html", form=form, training=None, active="trainings"
    )


@bp.route("/trainings/<int:training_id>", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def training_edit(training_id: int) -> str | Response:
    training = _training_or_404(training_id)
    form = TrainingForm(data=_form_data(training))
    if request.method == "POST":
        valid = form.validate_on_submit()
        fields = _checked(form, training)
        if valid and fields is not None:
            staff = current_staff()
            saved = csv_io.save_session(db(), fields, _now(), _quiet(), training, _offsets())
            if not saved.changes:
                flash("Aucun changement.", "info")
                return redirect(url_for("console.trainings"))
            changes = audit_changes(saved.changes)
            details: dict[str, Any] = {"code": fields.code, "changes": changes}
            if saved.promoted:
                details["promoted"] = [e.id for e in saved.promoted]
            if saved.told:
                details["told"] = [e.id for e in saved.told]
            audit(db(), staff, "training.update", TARGET, training.id, details, ip=client_ip())
            db().commit()
            _hand_to_worker(saved.to_hand_over)
            flash("Session modifiée.", "success")
            _told_flash(saved.told)
            _promoted_flash(saved.promoted)
            taken = services.seats_taken(db(), saved.training)
            if taken > saved.training.capacity:
                flash(
                    f"{taken} femmes ont déjà une place pour {saved.training.capacity} places : "
                    "personne ne perd la sienne.",
                    "info",
                )
            return redirect(url_for("console.trainings"))
    taken, waiting = services.enrollment_counts(db(), [training.id])[training.id]
    return render_template(
        "console/trainings_form.html",
        form=form,
        training=training,
        taken=taken,
        waiting=waiting,
        active="trainings",
    )


@bp.post("/trainings/<int:training_id>/cancel")
@roles_required(ADMIN, STAFF)
def training_cancel(training_id: int) -> Response:
    training = _training_or_404(training_id)
    if training.canceled_at is None:
        told = services.cancel_session(db(), training, _now(), _quiet())
        audit(
            db(),
            current_staff(),
            "training.cancel",
            TARGET,
            training.id,
            {"code": training.code, "told": len(told)},
            ip=client_ip(),
        )
        db().commit()
        for enrollment in told:
            enqueue(enrollment.beneficiary_id)
        flash(
            f"Session annulée. {len(told)} femme(s) inscrite(s) ou en attente sont prévenues.",
            "success",
        )
    else:
        flash("Cette session était déjà annulée.", "info")
    return redirect(url_for("console.training_edit", training_id=training.id))


# -- her enrollment and attendance ------------------------------------------------------


def _has_started(training: TrainingSession, now: datetime) -> bool:
    return training.starts_at.astimezone(UTC) <= now


@bp.get("/trainings/<int:training_id>/enrollments")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def training_enrollments(training_id: int) -> str:
    training = _training_or_404(training_id)
    now = _now()
    enrolled, waiting = services.roster(db(), training)
    return render_template(
        "console/trainings_enrollments.html",
        training=training,
        enrolled=enrolled,
        waiting=waiting,
        started=_has_started(training, now),
        manager=_is_manager(current_staff()),
        mask=mask,
        active="trainings",
    )


@bp.post("/trainings/<int:training_id>/enrollments/<int:enrollment_id>/attendance")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def training_attendance(training_id: int, enrollment_id: int) -> Response:
    training = _training_or_404(training_id)
    enrollment = db().get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.session_id != training.id:
        abort(404)
    back = redirect(url_for("console.training_enrollments", training_id=training.id))
    answer = request.form.get("attendance")
    now = _now()
    if answer not in (Enrollment.ATTENDED, Enrollment.ABSENT):
        flash("Choisissez « Présente » ou « Absente ».", "error")
        return back
    if training.canceled_at is not None or not _has_started(training, now):
        flash("La présence se note une fois la session commencée.", "error")
        return back
    if enrollment.status != Enrollment.ENROLLED:
        flash("Seules les femmes qui avaient une place sont notées.", "error")
        return back
    staff = current_staff()
    before = enrollment.attendance
    message = services.mark_attendance(
        db(), enrollment, answer == Enrollment.ATTENDED, staff.id, now, _quiet()
    )
    db().flush()
    details: dict[str, Any] = {"session": training.id, "attendance": [before, answer]}
    if message is not None:
        details["message"] = message.id
    audit(db(), staff, "training.attendance", "enrollment", enrollment.id, details, ip=client_ip())
    db().commit()
    # The worker sends what is waiting for her (the follow-up after a first "absent").
    enqueue(enrollment.beneficiary_id)
    name = enrollment.beneficiary.first_name or mask(enrollment.beneficiary.phone)
    flash(
        f"{name} : {'présente' if answer == Enrollment.ATTENDED else 'absente'}."
        + (" Un message de suivi lui est envoyé." if message is not None else ""),
        "success",
    )
    return back


# -- CSV --------------------------------------------------------------------------------


@bp.route("/trainings/import", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def training_import() -> str:
    return import_page(
        "console/trainings_import.html",
        lambda data: csv_io.import_sessions(db(), data, _now(), _quiet(), _offsets()),
        "training.import",
        TARGET,
        more_details=_import_details,
        after_commit=_after_import,
        columns=csv_io.COLUMNS,
        active="trainings",
    )


def _import_details(report: csv_io.ImportReport) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if report.promoted:
        details["promoted"] = [e.id for e in report.promoted]
    if report.told:
        details["told"] = [e.id for e in report.told]
    return details


def _after_import(report: csv_io.ImportReport) -> None:
    _hand_to_worker(report.to_hand_over)
    _told_flash(report.told)
    _promoted_flash(report.promoted)


@bp.get("/trainings/export.csv")
@roles_required(ADMIN, STAFF)
def training_export() -> Response:
    rows = db().scalars(
        select(TrainingSession).order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    stamp = _now().astimezone(csv_io.MOROCCO).strftime("%Y%m%d-%H%M")
    return csv_download(csv_io.export_sessions(rows), f"training_sessions-{stamp}.csv")


@bp.app_template_filter("track_label")
def track_label(track: str) -> str:
    return TRACK_LABELS.get(track, track)
