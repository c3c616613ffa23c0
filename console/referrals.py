"""Referrals in the console: the partner's counsellors see new ones and move them on."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from bot.db import utcnow
from bot.orientation import queries
from bot.orientation.models import Referral
from bot.orientation.services import StatusError, point_of, set_status
from bot.phones import mask
from bot.staff.audit import audit
from bot.staff.models import ADMIN, COUNSELLOR, STAFF
from console.auth import client_ip, current_staff, roles_required
from console.blueprint import bp
from webhooks.context import db

STATUS_LABELS = {
    Referral.PROPOSED: "proposée",
    Referral.ACCEPTED: "nouvelle (elle attend un appel)",
    Referral.CONTACTED: "contactée",
    Referral.CLOSED: "close",
}
ACTION_LABELS = {Referral.CONTACTED: "Je l'ai contactée", Referral.CLOSED: "Clore"}
TARGET = "referral"


@bp.get("/referrals")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def referrals() -> str:
    status = request.args.get("status", Referral.ACCEPTED)
    if status not in (*Referral.STATUSES, "all"):
        abort(400)
    found = queries.visible_referrals(db(), current_staff(), None if status == "all" else status)
    return render_template(
        "console/referrals.html",
        referrals=[(referral, point_of(db(), referral)) for referral in found],
        status=status,
        status_labels=STATUS_LABELS,
        action_labels=ACTION_LABELS,
        next_statuses=Referral.NEXT,
        mask=mask,
        active="referrals",
    )


@bp.post("/referrals/<int:referral_id>/status")
@roles_required(ADMIN, STAFF, COUNSELLOR)
def referral_status(referral_id: int) -> Response:
    referral = db().get(Referral, referral_id)
    staff = current_staff()
    if referral is None or not queries.can_see(staff, referral):
        abort(404)
    status = request.form.get("status", "")
    before = referral.status
    try:
        set_status(referral, status, utcnow(), staff.id, reason=request.form.get("reason"))
    except StatusError:
        flash("Ce changement n'est pas possible depuis ce statut.", "error")
        return redirect(url_for("console.referrals", status=before))
    audit(
        db(), staff, "referral.status", TARGET, referral.id,
        {"from": before, "to": status, "partner": referral.partner}, ip=client_ip(),
    )  # fmt: skip
    db().commit()
    flash(f"Orientation {STATUS_LABELS[status]}.", "success")
    return redirect(url_for("console.referrals", status=before))
