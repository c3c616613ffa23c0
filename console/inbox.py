"""The counsellors' inbox: waiting conversations, one conversation, and what to do with it.

Counsellors see their partner's handoffs in their provinces (bot.handoffs.inbox); admins
and programme staff see all. Every action is audited. The pages poll small JSON views,
so new handoffs and messages appear without a reload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.db import utcnow
from bot.handoffs import inbox as queries
from bot.handoffs import services
from bot.handoffs.models import Handoff, HandoffNote
from bot.handoffs.notices import RESOLVED_NOTICE
from bot.i18n import gettext, localise_values, render
from bot.messaging.models import WHATSAPP, Conversation, Message
from bot.orientation.services import her_referrals
from bot.phones import mask
from bot.registration.services import answers
from bot.responses import CANNED_REPLIES
from bot.staff.audit import audit
from bot.staff.models import COUNSELLOR, StaffUser
from bot.trainings.services import my_enrollments
from console.auth import client_ip, current_staff
from console.blueprint import bp
from console.labels import language_label
from console.referrals import STATUS_LABELS as REFERRAL_LABELS
from webhooks.context import db, enqueue, runtime

WHATSAPP_WINDOW = timedelta(hours=24)
REASONS = {
    Handoff.REQUESTED: "A demandé une personne",
    Handoff.MISUNDERSTOOD: "Le bot ne la comprend pas",
    Handoff.MEDIA: "Message vocal, photo ou document",
    Handoff.DISTRESS: "Détresse — prioritaire",
    Handoff.TAKEN_OVER: "Reprise par une conseillère",
}


def _handoff_or_404(handoff_id: int) -> Handoff:
    handoff = db().get(Handoff, handoff_id)
    if handoff is None or not queries.can_see(current_staff(), handoff):
        abort(404)  # not hers to see: as if it did not exist
    return handoff


def _summary(handoff: Handoff) -> dict[str, Any]:
    beneficiary = handoff.beneficiary
    waiting = utcnow() - handoff.created_at
    return {
        "id": handoff.id,
        "url": url_for("console.handoff", handoff_id=handoff.id),
        "name": beneficiary.first_name or beneficiary.profile_name or mask(beneficiary.phone),
        "reason": REASONS.get(handoff.reason, handoff.reason),
        "priority": handoff.priority,
        "status": handoff.status,
        "assigned": handoff.assigned_to_id,
        "language": language_label(beneficiary.reply_language),
        "province": beneficiary.province,
        "waiting_minutes": int(waiting.total_seconds() // 60),
    }


@bp.get("/")
def inbox() -> str:
    staff = current_staff()
    rows = [_summary(h) for h in queries.visible_handoffs(db(), staff)]
    return render_template("console/inbox.html", staff=staff, rows=rows, active="inbox")


@bp.get("/api/inbox")
def inbox_json() -> Response:
    return jsonify(handoffs=[_summary(h) for h in queries.visible_handoffs(db(), current_staff())])


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "kind": message.kind,
        "body": message.body,
        "status": message.status,
        "language": message.language,
        "at": message.created_at.isoformat(),
        "media": [
            {
                "url": url_for("console.media", message_id=message.id, index=i),
                "type": item.get("content_type") or "",
            }
            for i, item in enumerate(message.media or [])
        ],
    }


@bp.get("/handoffs/<int:handoff_id>")
def handoff(handoff_id: int) -> str:
    found = _handoff_or_404(handoff_id)
    session = db()
    language = found.beneficiary.reply_language
    profile = localise_values(answers(found.beneficiary), "fr")
    notes = session.scalars(
        select(HandoffNote).where(HandoffNote.handoff_id == found.id).order_by(HandoffNote.id)
    ).all()
    counsellors: list[StaffUser] = []
    if current_staff().role != COUNSELLOR:
        counsellors = list(
            session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
        )
    return render_template(
        "console/handoff.html",
        handoff=found,
        reason=REASONS.get(found.reason, found.reason),
        profile=profile,
        beneficiary=found.beneficiary,
        phone=mask(found.beneficiary.phone),
        messages=[  # "at" as a datetime: the page shows it in Morocco's time (local_time)
            {**_message_json(m), "at": m.created_at}
            for m in queries.conversation_messages(session, found.conversation_id)
        ],
        notes=notes,
        trainings=my_enrollments(session, found.beneficiary, utcnow()),
        referrals=her_referrals(session, found.beneficiary_id),
        referral_labels=REFERRAL_LABELS,
        canned={key: gettext(text, language) for key, text in CANNED_REPLIES.items()},
        outside_window=_outside_whatsapp_window(found.conversation),
        counsellors=counsellors,
        active="inbox",
    )


def _outside_whatsapp_window(conversation: Conversation) -> bool:
    """WhatsApp refuses free text 24 h after her last message: the sender falls back to a
    template or SMS (bot.messaging.window); the counsellor is told before she writes."""
    last = conversation.last_inbound_at
    return conversation.channel == WHATSAPP and (last is None or utcnow() - last > WHATSAPP_WINDOW)


@bp.get("/api/handoffs/<int:handoff_id>/messages")
def handoff_messages(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    after = request.args.get("after", "0")
    after_id = int(after) if after.isdigit() else 0
    rows = queries.conversation_messages(db(), found.conversation_id, after_id)
    return jsonify(messages=[_message_json(m) for m in rows], status=found.status)


def _done(handoff_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("console.handoff", handoff_id=handoff_id))


@bp.post("/handoffs/<int:handoff_id>/claim")
def claim(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    staff = current_staff()
    if found.status == Handoff.RESOLVED:  # a page left open after she went back to the bot
        flash("Cette conversation est close.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    services.claim(db(), found, staff.id)
    audit(db(), staff, "handoff.claim", "handoff", found.id, ip=client_ip())
    db().commit()
    return _done(found.id, "Vous avez pris cette conversation.")


@bp.post("/handoffs/<int:handoff_id>/assign")
def assign(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    staff = current_staff()
    if staff.role == COUNSELLOR:
        abort(403)
    if found.status == Handoff.RESOLVED:
        flash("Cette conversation est close.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    raw = request.form.get("staff_id", "")
    target = db().get(StaffUser, int(raw)) if raw.isdigit() else None
    if target is None or not target.active or not queries.can_see(target, found):
        flash("Cette personne ne peut pas recevoir cette conversation.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    services.claim(db(), found, target.id)
    audit(db(), staff, "handoff.assign", "handoff", found.id, {"to": target.id}, ip=client_ip())
    db().commit()
    return _done(found.id, f"Conversation confiée à {target.name}.")


@bp.post("/handoffs/<int:handoff_id>/reply")
def reply(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    staff = current_staff()
    if found.status == Handoff.RESOLVED:
        flash("Cette conversation est close.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    try:
        message = services.reply(db(), found, staff.id, request.form.get("body", ""))
    except ValueError:
        flash("Le message est vide.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    db().flush()
    audit(
        db(), staff, "handoff.reply", "handoff", found.id, {"message": message.id}, ip=client_ip()
    )
    db().commit()
    enqueue(found.beneficiary_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(message=_message_json(message))
    return _done(found.id, "Message envoyé.")


@bp.post("/handoffs/<int:handoff_id>/notes")
def add_note(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    staff = current_staff()
    try:
        services.add_note(db(), found, staff.id, request.form.get("body", ""))
    except ValueError:
        flash("La note est vide.", "error")
        return redirect(url_for("console.handoff", handoff_id=found.id))
    audit(db(), staff, "handoff.note", "handoff", found.id, ip=client_ip())
    db().commit()
    return _done(found.id, "Note ajoutée.")


@bp.post("/handoffs/<int:handoff_id>/resolve")
def resolve(handoff_id: int) -> Response:
    found = _handoff_or_404(handoff_id)
    staff = current_staff()
    if found.status != Handoff.RESOLVED:
        notice = render(RESOLVED_NOTICE, found.beneficiary.reply_language)
        services.resolve(db(), found, by="counsellor", notice=notice)
        audit(db(), staff, "handoff.resolve", "handoff", found.id, ip=client_ip())
        db().commit()
        enqueue(found.beneficiary_id)
    flash("Conversation rendue à l'assistante.", "success")
    return redirect(url_for("console.inbox"))


def _may_take_over(staff: StaffUser, conversation: Conversation) -> bool:
    """Hers to take over: the handoff it opens is one she can see (bot.handoffs.inbox)."""
    beneficiary = conversation.beneficiary
    if not staff.sees_province(beneficiary.province):
        return False
    return staff.sees_every_province or services.partner_for(beneficiary) in (None, staff.partner)


@bp.get("/conversations")
def conversations() -> str:
    """Recent conversations with the bot, to take one over."""
    staff = current_staff()
    rows = (
        db()
        .scalars(
            select(Conversation)
            .where(Conversation.status == Conversation.STATUS_BOT)
            .order_by(Conversation.last_inbound_at.desc().nulls_last())
            .limit(100)
        )
        .all()
    )
    visible = [c for c in rows if _may_take_over(staff, c)]
    return render_template(
        "console/conversations.html", conversations=visible, mask=mask, active="conversations"
    )


@bp.post("/conversations/<int:conversation_id>/take-over")
def take_over(conversation_id: int) -> Response:
    conversation = db().get(Conversation, conversation_id)
    staff = current_staff()
    if conversation is None or not _may_take_over(staff, conversation):
        abort(404)
    found = services.take_over(db(), conversation, staff.id)
    db().flush()
    audit(db(), staff, "conversation.take_over", "handoff", found.id, ip=client_ip())
    db().commit()
    return _done(found.id, "Vous avez repris cette conversation : le bot se tait.")


@bp.get("/media/<int:message_id>/<int:index>")
def media(message_id: int, index: int) -> Response:
    """Her voice note or photo, fetched from Twilio with the account's credentials."""
    message = db().get(Message, message_id)
    if message is None or index >= len(message.media or []):
        abort(404)
    active = queries.active_handoff_for_view(db(), message.conversation_id)
    if active is None or not queries.can_see(current_staff(), active):
        abort(404)
    url = str(message.media[index].get("url") or "")
    settings = runtime().settings
    allowed = ("https://api.twilio.com/", (settings.twilio_api_base_url or "").rstrip("/") + "/")
    if not settings.twilio_enabled or not url.startswith(tuple(a for a in allowed if a != "/")):
        abort(404)  # never fetch an address Twilio did not give
    try:
        fetched = requests.get(
            url,
            auth=(settings.twilio_account_sid or "", settings.twilio_auth_token or ""),
            timeout=15,
        )
    except requests.RequestException:
        abort(502)
    if fetched.status_code != 200:
        abort(502)
    kind = str(message.media[index].get("content_type") or fetched.headers.get("Content-Type"))
    return Response(fetched.content, mimetype=kind, headers={"Cache-Control": "private, no-store"})
