"""Broadcasts in the console: the list, the compose form, a broadcast's page (preview, a
test sent to oneself, submit, approve or reject, pause, resume, cancel, resend to those it
failed for), its live counts (JSON polled by static/broadcasts.js) and its recipients' CSV.

Admins and programme staff only: a counsellor gets 403 on every page. The web process
never sends a broadcast (only the test to oneself): it changes the status, and the
worker's beat tick (bot.broadcasts.tasks) takes up what is due. Every change is audited
in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import audience, services, tracking, trial
from bot.broadcasts.models import Broadcast
from bot.broadcasts.preview import Preview, preview
from bot.broadcasts.pricing import Prices
from bot.broadcasts.sms_parts import SmsCount
from bot.broadcasts.sms_parts import count as sms_count
from bot.db import utcnow
from bot.messaging.models import CHANNELS, SMS, WHATSAPP, Message
from bot.messaging.senders import TransientSendError
from bot.messaging.window import parse_templates
from bot.phones import mask
from bot.staff.audit import audit
from bot.staff.models import ADMIN, STAFF, StaffUser
from bot.trainings.csv_io import MOROCCO, from_local, local_text
from bot.trainings.models import TrainingSession
from console import labels
from console.auth import client_ip, current_staff, roles_required
from console.blueprint import bp
from console.csv_views import csv_stream
from console.forms import (
    BROADCAST_TEXT_LABELS,
    CHANNEL_LABELS,
    REFERRAL_STATUS_LABELS,
    RTL_LANGUAGES,
    SEGMENT_LANGUAGE_LABELS,
    SEGMENT_TRACK_LABELS,
    TRAINING_STATUS_LABELS,
    BroadcastForm,
)
from webhooks.context import db, runtime

MANAGERS = (ADMIN, STAFF)
PER_PAGE = 50
TARGET = "broadcast"
TRAINING_CHOICES = 200  # sessions offered in the segment's list, latest first
REASON_LIMIT = 500
BAR_WIDTH = 1000  # the bar's SVG units (widths are attributes: the CSP forbids inline styles)

# French words for bot.broadcasts' problem codes, and the field each goes under.
PROBLEMS: dict[str, tuple[str, str]] = {
    "name_required": ("name", "Donnez-lui un nom."),
    "text_required": ("text_fr", "Écrivez le message, dans au moins une langue."),
    "french_required": (
        "text_fr",
        "Écrivez aussi le texte en français : les femmes sans texte dans leur langue le "
        "reçoivent. Ou choisissez de les laisser de côté.",
    ),
    "missing_rule_invalid": ("missing_language", "Choisissez une des deux règles."),
    "content_sid_invalid": (
        "content_sid",
        "Un Content SID commence par HX, suivi de 32 caractères 0-9 ou a-f.",
    ),
    "content_sid_required": (
        "content_sid",
        "Des variables sans modèle : donnez le Content SID du modèle, ou effacez les variables.",
    ),
    "variables_invalid": (
        "content_variables",
        "Une variable par ligne : son numéro, le signe =, sa valeur (par exemple 1=Fès).",
    ),
    "track_invalid": ("tracks", "Orientation inconnue."),
    "language_invalid": ("languages", "Langue inconnue."),
    "channel_invalid": ("channels", "Canal inconnu."),
    "training_status_invalid": ("training_status", "Choix inconnu."),
    "training_required": ("training_id", "Choisissez la session de formation."),
    "referral_status_invalid": ("referral_status", "Statut d'orientation inconnu."),
    "dates_reversed": ("registered_to", "Cette date vient avant celle du début."),
    # The console's own checks.
    "training_unknown": ("training_id", "Session inconnue."),
    "send_at_invalid": ("send_at", "Une date et une heure, par exemple 2026-12-01 10:00."),
    "send_at_past": (
        "send_at",
        "Cette heure est passée : laissez vide pour envoyer dès son lancement.",
    ),
}
TOO_LONG = f"Trop long : {services.MAX_TEXT} caractères au plus (la limite d'un message)."
DATE_INVALID = "Une date, par exemple 2026-12-01."

# BroadcastError codes met on the buttons, as flash messages.
REFUSALS = {
    "not_editable": "Cette diffusion est lancée : elle ne se modifie plus.",
    "not_draft": "Seul un brouillon se lance ou se soumet pour approbation.",
    "not_awaiting_approval": "Cette diffusion n'attend pas d'approbation.",
    "second_person_required": (
        "Une autre personne de l'équipe doit l'approuver : on n'approuve pas sa propre diffusion."
    ),
    "not_running": "Seule une diffusion programmée ou en cours se met en pause.",
    "not_paused": "Cette diffusion n'est pas en pause.",
    "finished": "Cette diffusion est déjà terminée ou annulée.",
    "not_sent": "Cette diffusion n'est pas encore partie : personne ne l'a manquée.",
}
NO_PHONE = (
    "Votre compte n'a pas de numéro de téléphone : demandez à un·e administrateur·rice de "
    "l'ajouter (Comptes), puis recommencez."
)
NOBODY = "Personne ne correspond à ce public : rien à envoyer. Élargissez le public."


def _now() -> datetime:
    return utcnow()


def _broadcast_or_404(broadcast_id: int) -> Broadcast:
    broadcast = db().get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    return broadcast


def _page(broadcast: Broadcast, anchor: str | None = None) -> Response:
    return redirect(url_for("console.broadcast_page", broadcast_id=broadcast.id, _anchor=anchor))


def _refused(error: services.BroadcastError) -> None:
    flash(REFUSALS.get(error.code, error.code), "error")


def _started(broadcast: Broadcast) -> bool:
    """Its recipients are written (or being written): counts, not a preview, tell its story."""
    return broadcast.started_at is not None


# -- the list ---------------------------------------------------------------------------


@bp.get("/broadcasts")
@roles_required(ADMIN, STAFF)
def broadcasts() -> str:
    rows = list(
        db().scalars(
            select(Broadcast)
            .options(selectinload(Broadcast.created_by))
            .order_by(Broadcast.id.desc())
            .limit(PER_PAGE)
        )
    )
    counts = {b.id: tracking.status_counts(db(), b.id) for b in rows if _started(b)}
    return render_template(
        "console/broadcasts.html",
        rows=rows,
        counts=counts,
        limit=PER_PAGE,
        active="broadcasts",
    )


# -- the compose form -------------------------------------------------------------------


def _training_choices(chosen: int | None) -> list[SelectChoice]:
    query = select(TrainingSession).order_by(
        TrainingSession.starts_at.desc(), TrainingSession.id.desc()
    )
    sessions = list(db().scalars(query.limit(TRAINING_CHOICES)))
    if chosen is not None and all(t.id != chosen for t in sessions):
        older = db().get(TrainingSession, chosen)
        if older is not None:
            sessions.append(older)
    return [SelectChoice("", "Aucune condition")] + [
        SelectChoice(str(t.id), f"{t.title('fr')} — {labels.local_time(t.starts_at)} ({t.code})")
        for t in sessions
    ]


def _form_data(broadcast: Broadcast) -> dict[str, Any]:
    """A broadcast as the form shows it (its send time as a datetime-local input wants)."""
    draft = services.draft_of(broadcast)
    segment = draft.segment
    variables = draft.content_variables or {}
    data: dict[str, Any] = {
        "name": draft.name,
        "missing_language": draft.missing_language,
        "content_sid": draft.content_sid or "",
        "content_variables": "\n".join(
            f"{key}={value}"
            for key, value in sorted(variables.items(), key=lambda kv: (len(kv[0]), kv[0]))
        ),
        "provinces": list(segment.provinces),
        "tracks": list(segment.tracks),
        "languages": list(segment.languages),
        "channels": list(segment.channels),
        "registered_only": segment.registered_only,
        "registered_from": segment.registered_from.isoformat() if segment.registered_from else "",
        "registered_to": segment.registered_to.isoformat() if segment.registered_to else "",
        "training_id": "" if segment.training_id is None else str(segment.training_id),
        "training_status": segment.training_status or "",
        "referral_partner": segment.referral_partner or "",
        "referral_status": segment.referral_status or "",
        "send_at": local_text(draft.send_at, "T") if draft.send_at else "",
    }
    for language in audience.LANGUAGES:
        data[f"text_{language}"] = draft.texts.get(language, "")
    return data


def _error(form: BroadcastForm, name: str, message: str) -> None:
    """One message per field: the form's own check comes first."""
    field = getattr(form, name)
    if not field.errors:
        field.errors = [*field.errors, message]


def _date(form: BroadcastForm, name: str) -> date | None:
    text = (getattr(form, name).data or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    _error(form, name, DATE_INVALID)
    return None


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _variables(text: str) -> dict[str, str] | None:
    """Lines "1=Fès" → {"1": "Fès"}; None when a line has no "="."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            return None
        found[key.strip()] = value.strip()
    return found


def _draft(form: BroadcastForm, failed_of: int | None, now: datetime) -> services.Draft | None:
    """The form's values as a Draft, checked by bot.broadcasts.services; every problem goes
    under its field in French. None when there is one."""
    problems: list[str] = []
    registered_from = _date(form, "registered_from")
    registered_to = _date(form, "registered_to")
    training_id: int | None = None
    raw_training = (form.training_id.data or "").strip()
    if raw_training:
        if raw_training.isdigit() and db().get(TrainingSession, int(raw_training)) is not None:
            training_id = int(raw_training)
        else:
            problems.append("training_unknown")
    send_at: datetime | None = None
    raw_send_at = (form.send_at.data or "").strip()
    if raw_send_at:
        send_at = from_local(raw_send_at)
        if send_at is None:
            problems.append("send_at_invalid")
        elif send_at <= now:
            problems.append("send_at_past")
    variables = _variables(form.content_variables.data or "")
    if variables is None:
        problems.append("variables_invalid")
    # A textarea sends its line breaks as CRLF: one LF is one character less in an SMS.
    texts = {lang: _lines(getattr(form, f"text_{lang}").data or "") for lang in audience.LANGUAGES}
    draft = services.Draft(
        name=form.name.data or "",
        texts=texts,
        segment=audience.Segment(
            provinces=tuple(form.provinces.data or ()),
            tracks=tuple(form.tracks.data or ()),
            languages=tuple(form.languages.data or ()),
            channels=tuple(form.channels.data or ()),
            registered_only=bool(form.registered_only.data),
            registered_from=registered_from,
            registered_to=registered_to,
            training_id=training_id,
            training_status=form.training_status.data or None,
            referral_partner=form.referral_partner.data or None,
            referral_status=form.referral_status.data or None,
            failed_of=failed_of,
        ),
        missing_language=form.missing_language.data or "",
        content_sid=(form.content_sid.data or "").strip() or None,
        content_variables=variables or {},
        send_at=send_at,
    )
    problems += services.problems(draft)
    for code in dict.fromkeys(problems):
        if code == "text_too_long":
            for language, text in texts.items():
                if len(text.strip()) > services.MAX_TEXT:
                    _error(form, f"text_{language}", TOO_LONG)
        elif code in PROBLEMS:
            name, message = PROBLEMS[code]
            _error(form, name, message)
        else:
            form.form_errors.append(code)
    return None if problems or form.errors or form.form_errors else draft


def _snapshot(broadcast: Broadcast) -> dict[str, Any]:
    """What the form changes, to tell an edit from a form sent again unchanged."""
    return {
        "name": broadcast.name,
        "texts": dict(broadcast.texts or {}),
        "missing_language": broadcast.missing_language,
        "content_sid": broadcast.content_sid,
        "content_variables": dict(broadcast.content_variables or {}),
        "segment": dict(broadcast.segment or {}),
        "send_at": broadcast.send_at,
    }


def _compose(broadcast: Broadcast | None) -> str | Response:
    """The form, new or editing; saved, it leads to the broadcast's page and its preview."""
    failed_of = None
    if broadcast is not None:
        failed_of = audience.Segment.from_dict(broadcast.segment).failed_of
        form = BroadcastForm(data=_form_data(broadcast))
    else:
        form = BroadcastForm()
    chosen = (form.training_id.data or "").strip()
    form.training_id.choices = _training_choices(int(chosen) if chosen.isdigit() else None)
    if request.method == "POST":
        valid = form.validate_on_submit()
        draft = _draft(form, failed_of, _now())
        if valid and draft is not None:
            staff = current_staff()
            before = _snapshot(broadcast) if broadcast is not None else None
            try:
                saved = services.save(db(), draft, staff, broadcast)
            except services.BroadcastError as error:  # it was launched meanwhile
                db().rollback()
                _refused(error)
                assert broadcast is not None  # a new one has no status to refuse
                return _page(broadcast)
            db().flush()
            if before is None:
                details: dict[str, Any] = {"name": saved.name, "languages": sorted(saved.texts)}
                audit(db(), staff, "broadcast.create", TARGET, saved.id, details, ip=client_ip())
                flash("Diffusion enregistrée. Vérifiez l'aperçu, puis lancez-la.", "success")
            else:
                after = _snapshot(saved)
                changed = [key for key in after if after[key] != before[key]]
                if not changed:
                    db().rollback()  # nothing to approve again
                    flash("Aucun changement.", "info")
                    return _page(saved)
                details = {"name": saved.name, "changed": changed}
                audit(db(), staff, "broadcast.update", TARGET, saved.id, details, ip=client_ip())
                flash("Diffusion modifiée. Vérifiez l'aperçu, puis lancez-la.", "success")
            db().commit()
            return _page(saved)
    return render_template(
        "console/broadcast_form.html",
        form=form,
        broadcast=broadcast,
        failed_of=failed_of,
        text_fields=[
            (language, getattr(form, f"text_{language}"), _sms_count(form, language))
            for language in audience.LANGUAGES
        ],
        rtl=RTL_LANGUAGES,
        quiet_hint=_quiet_hint(),
        active="broadcasts",
    )


def _quiet_hint() -> str:
    quiet = runtime().settings.quiet_hours.strip()
    if quiet.lower() == "off":
        return ""
    return f" Rien ne part pendant les heures calmes ({quiet}) : elle attend leur fin."


def _sms_count(form: BroadcastForm, language: str) -> SmsCount:
    """The counter under a textarea, as the server counts it (the script updates it)."""
    return sms_count(_lines(getattr(form, f"text_{language}").data or "").strip())


@bp.route("/broadcasts/new", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def broadcast_new() -> str | Response:
    return _compose(None)


@bp.route("/broadcasts/<int:broadcast_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN, STAFF)
def broadcast_edit(broadcast_id: int) -> str | Response:
    broadcast = _broadcast_or_404(broadcast_id)
    if broadcast.status not in Broadcast.EDITABLE:
        flash(REFUSALS["not_editable"], "error")
        return _page(broadcast)
    return _compose(broadcast)


# -- a broadcast's page -----------------------------------------------------------------


def _preview(broadcast: Broadcast, now: datetime) -> Preview:
    settings = runtime().settings
    return preview(
        db(),
        broadcast,
        now,
        Prices.parse(settings.prices),
        parse_templates(settings.whatsapp_templates),
        sms_available=bool(settings.twilio_sms_from),
    )


def _trial_channels() -> list[str]:
    """The channels a test can go on: those with a sender number (both in outbox mode)."""
    settings = runtime().settings
    numbers = {WHATSAPP: settings.twilio_whatsapp_from, SMS: settings.twilio_sms_from}
    if not settings.twilio_enabled:
        return list(CHANNELS)
    return [channel for channel in CHANNELS if numbers.get(channel)] or list(CHANNELS)


def _segment_words(
    segment: audience.Segment, training: TrainingSession | None
) -> list[tuple[str, str]]:
    """The segment in words, one condition a line."""

    def listed(values: tuple[str, ...], words: dict[str, str]) -> str:
        return ", ".join(words.get(v, v) for v in values)

    lines: list[tuple[str, str]] = []
    if segment.failed_of is not None:
        lines.append(
            ("Renvoi", f"aux femmes pour qui la diffusion n° {segment.failed_of} a échoué")
        )
    lines.append(
        (
            "Provinces",
            ", ".join(labels.province_name(p) for p in segment.provinces) or "toutes",
        )
    )
    if segment.tracks:
        lines.append(("Orientation", listed(segment.tracks, SEGMENT_TRACK_LABELS)))
    if segment.languages:
        lines.append(("Langue", listed(segment.languages, SEGMENT_LANGUAGE_LABELS)))
    if segment.channels:
        lines.append(("Canal", listed(segment.channels, CHANNEL_LABELS)))
    if segment.registered_only:
        lines.append(("Inscription", "terminée"))
    if segment.registered_from or segment.registered_to:
        start = segment.registered_from.strftime("%d/%m/%Y") if segment.registered_from else "…"
        end = segment.registered_to.strftime("%d/%m/%Y") if segment.registered_to else "…"
        lines.append(("Inscrites", f"du {start} au {end}"))
    if segment.training_id is not None:
        title = training.title("fr") if training is not None else f"n° {segment.training_id}"
        place = TRAINING_STATUS_LABELS.get(segment.training_status or "", "")
        lines.append(("Session", f"{title} — {place.lower()}"))
    if segment.referral_partner or segment.referral_status:
        status = REFERRAL_STATUS_LABELS.get(segment.referral_status or "", "")
        partner = segment.referral_partner or "tout partenaire"
        lines.append(("Orientée vers", f"{partner} — {status.lower()}"))
    return lines


@dataclass(frozen=True)
class BarPart:
    bucket: str
    x: int
    width: int


def _bar(counts: tracking.Counts) -> list[BarPart]:
    """Each bucket's stretch of the bar, in BAR_WIDTH units, in tracking.BUCKETS order."""
    parts, x = [], 0
    for bucket in tracking.BUCKETS:
        n = counts.by_bucket[bucket]
        width = round(BAR_WIDTH * n / counts.total) if counts.total else 0
        width = min(width, BAR_WIDTH - x)
        parts.append(BarPart(bucket, x, width))
        x += width
    return parts


def _rates(counts: tracking.Counts) -> dict[str, float]:
    return {
        "delivered": counts.rate("delivered", "read"),  # a message read was delivered
        "read": counts.rate("read"),
        "failed": counts.rate("failed", "undelivered"),
    }


@bp.get("/broadcasts/<int:broadcast_id>")
@roles_required(ADMIN, STAFF)
def broadcast_page(broadcast_id: int) -> str:
    broadcast = _broadcast_or_404(broadcast_id)
    now = _now()
    settings = runtime().settings
    seen = None
    if not _started(broadcast) and broadcast.status != Broadcast.CANCELED:
        seen = _preview(broadcast, now)
    counts = tracking.status_counts(db(), broadcast.id) if _started(broadcast) else None
    segment = audience.Segment.from_dict(broadcast.segment)
    training = db().get(TrainingSession, segment.training_id) if segment.training_id else None
    staff = current_staff()
    return render_template(
        "console/broadcast.html",
        broadcast=broadcast,
        preview=seen,
        counts=counts,
        bar=_bar(counts) if counts is not None else [],
        rates=_rates(counts) if counts is not None else {},
        buckets=tracking.BUCKETS,
        segment=segment,
        training=training,
        approval=settings.approval_required,
        rate_text=f"{settings.broadcast_rate:g}",
        segment_words=_segment_words(segment, training),
        due=broadcast.send_at is None or broadcast.send_at <= now,
        trial_languages=[lang for lang in audience.LANGUAGES if (broadcast.texts or {}).get(lang)],
        trial_channels=_trial_channels(),
        channel_labels=CHANNEL_LABELS,
        text_labels=BROADCAST_TEXT_LABELS,
        rtl=RTL_LANGUAGES,
        my_phone=mask(staff.phone) if staff.phone else None,
        mine=broadcast.created_by_id == staff.id,
        bar_width=BAR_WIDTH,
        active="broadcasts",
    )


@bp.get("/broadcasts/<int:broadcast_id>/counts.json")
@roles_required(ADMIN, STAFF)
def broadcast_counts(broadcast_id: int) -> Response:
    """What the page's script polls: where the sending stands."""
    broadcast = _broadcast_or_404(broadcast_id)
    counts = tracking.status_counts(db(), broadcast.id)
    rates = _rates(counts)
    return jsonify(
        status=broadcast.status,
        status_label=labels.broadcast_status(broadcast.status),
        recipients=broadcast.recipients,
        fanned_out=broadcast.fanned_out,
        total=counts.total,
        left=counts.left,
        buckets=counts.by_bucket,
        rates=rates,
        rate_labels={key: labels.percent(value) for key, value in rates.items()},
        errors=[
            {"code": code, "count": n, "label": labels.twilio_error(code)}
            for code, n in counts.by_error
        ],
        bar=[{"bucket": p.bucket, "x": p.x, "width": p.width} for p in _bar(counts)],
    )


@bp.get("/broadcasts/<int:broadcast_id>/recipients.csv")
@roles_required(ADMIN, STAFF)
def broadcast_recipients(broadcast_id: int) -> Response:
    """One row per recipient (phones masked), streamed: 10,000 rows stay small in memory."""
    broadcast = _broadcast_or_404(broadcast_id)

    def moment(value: datetime | None) -> str:
        return value.astimezone(MOROCCO).isoformat(timespec="seconds") if value else ""

    def rows() -> Iterator[tuple[object, ...]]:
        for row in tracking.recipient_rows(db(), broadcast_id):
            yield (
                row.message_id,
                row.phone,
                row.province or "",
                row.language or "",
                row.channel,
                row.status,
                "" if row.error_code is None else row.error_code,
                moment(row.sent_at),
                moment(row.updated_at),
            )

    stamp = _now().astimezone(MOROCCO).strftime("%Y%m%d-%H%M")
    return csv_stream(
        tracking.RecipientRow.HEADER, rows, f"diffusion-{broadcast.id}-destinataires-{stamp}.csv"
    )


# -- a test to oneself ------------------------------------------------------------------


@bp.post("/broadcasts/<int:broadcast_id>/trial")
@roles_required(ADMIN, STAFF)
def broadcast_trial(broadcast_id: int) -> Response:
    """Sent now, from the web process, to her own phone only: she is not a beneficiary and
    nothing is stored as a message."""
    broadcast = _broadcast_or_404(broadcast_id)
    staff = current_staff()
    language = request.form.get("language", "fr")
    channel = request.form.get("channel", "")
    if language not in audience.LANGUAGES or channel not in CHANNELS:
        flash("Choisissez une langue et un canal.", "error")
        return _page(broadcast, "trial")
    if not staff.phone:
        flash(NO_PHONE, "error")
        return _page(broadcast, "trial")
    try:
        result = trial.send_trial(runtime().sender, broadcast, staff.phone, language, channel)
    except TransientSendError:
        flash("Twilio ne répond pas pour l'instant : réessayez dans un moment.", "error")
        return _page(broadcast, "trial")
    details = {"language": language, "channel": channel, "status": result.status}
    audit(db(), staff, "broadcast.trial", TARGET, broadcast.id, details, ip=client_ip())
    db().commit()
    _trial_flash(staff, result.status, result.sid, result.error_code, result.error_message)
    return _page(broadcast, "trial")


def _trial_flash(
    staff: StaffUser, status: str, sid: str | None, code: int | None, reason: str | None
) -> None:
    if status == Message.OUTBOX:
        flash("Pas de compte Twilio (mode boîte d'envoi) : le test n'est pas parti.", "info")
    elif code is not None or status in (Message.FAILED, Message.UNDELIVERED) or not sid:
        words = labels.twilio_error(code) if code is not None else ""
        flash(
            f"Twilio a refusé le test : {words or reason or status}"
            + (f" (erreur {code})." if code is not None else "."),
            "error",
        )
    else:
        flash(f"Test envoyé au {mask(staff.phone or '')} : {sid}, statut « {status} ».", "success")


# -- its life: submit, approve, reject, pause, resume, cancel, resend -------------------


def _audited(broadcast: Broadcast, action: str, **details: Any) -> None:
    audit(
        db(),
        current_staff(),
        action,
        TARGET,
        broadcast.id,
        {"status": broadcast.status, **details},
        ip=client_ip(),
    )
    db().commit()


def _nobody(broadcast: Broadcast) -> bool:
    """No woman would get it if it went now."""
    query = audience.recipients(
        audience.Segment.from_dict(broadcast.segment),
        broadcast.texts or {},
        broadcast.missing_language,
        func.count(Beneficiary.id),
    )
    return not db().scalar(query)


def _going_flash(broadcast: Broadcast) -> None:
    if broadcast.status == Broadcast.AWAITING_APPROVAL:
        flash(
            "Soumise pour approbation : une autre personne de l'équipe doit l'approuver.",
            "success",
        )
    elif broadcast.status == Broadcast.SCHEDULED:
        flash(
            f"Programmée pour le {labels.local_time(broadcast.send_at)} (heure du Maroc).",
            "success",
        )
    else:
        rate = runtime().settings.broadcast_rate
        flash(
            f"C'est parti : les messages partent au rythme de {rate:g} par seconde et par "
            "numéro. Suivez-les ci-dessous.",
            "success",
        )


@bp.post("/broadcasts/<int:broadcast_id>/submit")
@roles_required(ADMIN, STAFF)
def broadcast_submit(broadcast_id: int) -> Response:
    broadcast = _broadcast_or_404(broadcast_id)
    now = _now()
    due = broadcast.send_at is None or broadcast.send_at <= now
    if broadcast.status == Broadcast.DRAFT and due and _nobody(broadcast):
        flash(NOBODY, "error")
        return _page(broadcast)
    try:
        services.submit(db(), broadcast, current_staff(), now, runtime().settings.approval_required)
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    _audited(broadcast, "broadcast.submit")
    _going_flash(broadcast)
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/approve")
@roles_required(ADMIN, STAFF)
def broadcast_approve(broadcast_id: int) -> Response:
    broadcast = _broadcast_or_404(broadcast_id)
    try:
        services.approve(
            db(), broadcast, current_staff(), _now(), runtime().settings.approval_required
        )
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    _audited(broadcast, "broadcast.approve")
    _going_flash(broadcast)
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/reject")
@roles_required(ADMIN, STAFF)
def broadcast_reject(broadcast_id: int) -> Response:
    """Back to its author as a draft, with the reviewer's reason on its page."""
    broadcast = _broadcast_or_404(broadcast_id)
    reason = " ".join(request.form.get("reason", "").split())[:REASON_LIMIT]
    try:
        services.reject(db(), broadcast)
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    broadcast.note = reason or None
    _audited(broadcast, "broadcast.reject", **({"reason": reason} if reason else {}))
    flash("Renvoyée en brouillon à son autrice.", "success")
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/pause")
@roles_required(ADMIN, STAFF)
def broadcast_pause(broadcast_id: int) -> Response:
    broadcast = _broadcast_or_404(broadcast_id)
    try:
        services.pause(db(), broadcast)
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    _audited(broadcast, "broadcast.pause")
    flash("En pause : plus aucun message ne part (ceux déjà confiés à Twilio arrivent).", "success")
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/resume")
@roles_required(ADMIN, STAFF)
def broadcast_resume(broadcast_id: int) -> Response:
    broadcast = _broadcast_or_404(broadcast_id)
    try:
        services.resume(db(), broadcast, _now())
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    _audited(broadcast, "broadcast.resume")
    flash("Reprise là où elle s'était arrêtée.", "success")
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/cancel")
@roles_required(ADMIN, STAFF)
def broadcast_cancel(broadcast_id: int) -> Response:
    broadcast = _broadcast_or_404(broadcast_id)
    if request.form.get("confirm") != "yes":
        flash("Cochez la case pour confirmer l'annulation.", "error")
        return _page(broadcast, "cancel")
    try:
        unsent = services.cancel(db(), broadcast, _now())
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    _audited(broadcast, "broadcast.cancel", unsent=unsent)
    flash(f"Diffusion annulée : {unsent} message(s) pas encore partis ne partiront pas.", "success")
    return _page(broadcast)


@bp.post("/broadcasts/<int:broadcast_id>/resend")
@roles_required(ADMIN, STAFF)
def broadcast_resend(broadcast_id: int) -> Response:
    """A new draft for the women it failed for; she checks it and launches it herself."""
    broadcast = _broadcast_or_404(broadcast_id)
    staff = current_staff()
    try:
        copy = services.resend_failed(db(), broadcast, staff)
    except services.BroadcastError as error:
        _refused(error)
        return _page(broadcast)
    db().flush()
    audit(db(), staff, "broadcast.resend", TARGET, copy.id, {"of": broadcast.id}, ip=client_ip())
    db().commit()
    flash(
        "Brouillon prêt pour les femmes pour qui elle a échoué : vérifiez-le, puis lancez-le.",
        "success",
    )
    return _page(copy)


@bp.app_template_filter("money")
def money_filter(value: Any, currency: str) -> str:
    return labels.money(value, currency)


@bp.app_template_filter("broadcast_status")
def broadcast_status_filter(status: str) -> str:
    return labels.broadcast_status(status)


@bp.app_template_filter("percent")
def percent_filter(share: float) -> str:
    return labels.percent(share)


@bp.app_template_filter("twilio_error")
def twilio_error_filter(code: int) -> str:
    return labels.twilio_error(code)


@bp.app_template_filter("bucket_label")
def bucket_label_filter(bucket: str) -> str:
    return labels.BUCKET_LABELS.get(bucket, bucket)
