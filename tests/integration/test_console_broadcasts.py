"""Broadcasts in the staff console, through Flask on SQLite and PostgreSQL: the compose form
and its French messages, the preview's figures, submit and approval by a second person,
pause, resume, cancel, resend to the failed, live counts (JSON), the CSV export, the test
to oneself, and counsellors kept out."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries import reachability
from bot.broadcasts import audience
from bot.broadcasts.models import Broadcast
from bot.db import utcnow
from bot.messaging.models import SMS, Message
from bot.messaging.processing import send_pending
from bot.messaging.services import record_status
from bot.staff.models import AuditLog, StaffUser
from tests.support.broadcasts import broadcast, tick_until_quiet
from tests.support.console import csrf_token, login, make_staff, signed_in
from tests.support.fakes import FakeSender, RecordingEnqueue
from tests.support.trainings import registered_woman, training

DARIJA = "كاين تكوين جديد ف فاس نهار السبت. كتبي «تكوينات» باش تسجلي."
FRENCH = "Nouvelle formation à Fès samedi. Écrivez « formations » pour vous inscrire."
MY_PHONE = "+212611223344"


def form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Formation Fès",
        "text_fr": FRENCH,
        "text_ar": "",
        "text_ary": DARIJA,
        "text_ary_Latn": "",
        "missing_language": "french",
        "content_sid": "",
        "content_variables": "",
        "provinces": ["fes"],
        "registered_only": "y",
        "registered_from": "",
        "registered_to": "",
        "training_id": "",
        "training_status": "",
        "referral_partner": "",
        "referral_status": "",
        "send_at": "",
    }
    values.update(overrides)
    return values


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def token(client: FlaskClient) -> str:
    return csrf_token(client, "/console/")


def post(client: FlaskClient, path: str, **data: object):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": token(client)})


def error_of(page: str, field: str) -> str | None:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return found.group(1) if found else None


def flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash [a-z]+" role="status" dir="auto">(.*?)</p>', page, re.S)


def all_broadcasts(session: Session) -> list[Broadcast]:
    session.expire_all()
    return list(session.scalars(select(Broadcast).order_by(Broadcast.id)))


def audit_actions(session: Session) -> list[str]:
    session.expire_all()
    query = select(AuditLog.action).where(AuditLog.action.like("broadcast.%"))
    return list(session.scalars(query.order_by(AuditLog.id)))


def saved(client: FlaskClient, session: Session, **overrides: object) -> Broadcast:
    """A broadcast written through the form; returns it (the response led to its page)."""
    response = post(client, "/console/broadcasts/new", **form(**overrides))
    assert response.status_code == 302, error_summary(text(response))
    made = all_broadcasts(session)[-1]
    assert response.headers["Location"].endswith(f"/console/broadcasts/{made.id}")
    return made


def error_summary(page: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)


def sent_broadcast(session: Session, author: StaffUser, women: int = 5) -> Broadcast:
    """A broadcast already sent to `women` women in Fès, by a fake Twilio."""
    now = utcnow()
    for _ in range(women):
        registered_woman(session, now)
    made = broadcast(session, author, now, segment=audience.Segment(provinces=("fes",)))
    sender = FakeSender()
    for beneficiary_id in tick_until_quiet(session, now):
        send_pending(session, beneficiary_id, sender, now)
    return made


def messages_of(session: Session, made: Broadcast) -> list[Message]:
    session.expire_all()
    query = select(Message).where(Message.broadcast_id == made.id).order_by(Message.id)
    return list(session.scalars(query))


# -- the compose form -------------------------------------------------------------------------


def test_the_form_says_what_is_wrong_in_french_next_to_each_field(
    client: FlaskClient, session: Session
) -> None:
    signed_in(client, session, "staff")
    page = text(client.get("/console/broadcasts/new"))
    for language, direction in (("fr", "ltr"), ("ar", "rtl"), ("ary", "rtl")):
        assert f'<textarea data-sms-count="text_{language}-count" dir="{direction}"' in page
    assert '<small class="sms-count" id="text_ary-count" aria-live="polite">vide</small>' in page
    assert 'type="datetime-local"' in page and "broadcasts.js" in page

    response = post(
        client,
        "/console/broadcasts/new",
        **form(
            name=" ",
            text_fr="",
            text_ary="",
            text_ar="مرحبا",
            content_sid="HXnothex",
            content_variables="1=Fès\nsamedi",
            training_status="attended",
            registered_from="2026-12-10",
            registered_to="2026-12-01",
            send_at="demain matin",
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert error_of(page, "name") == "Donnez-lui un nom."
    assert error_of(page, "text_fr").startswith("Écrivez aussi le texte en français")  # type: ignore[union-attr]
    assert error_of(page, "content_sid").startswith("Un Content SID commence par HX")  # type: ignore[union-attr]
    assert error_of(page, "content_variables").startswith("Une variable par ligne")  # type: ignore[union-attr]
    assert error_of(page, "training_id") == "Choisissez la session de formation."
    assert error_of(page, "registered_to") == "Cette date vient avant celle du début."
    assert error_of(page, "send_at") == "Une date et une heure, par exemple 2026-12-01 10:00."
    assert all_broadcasts(session) == []

    # No text at all; a text too long; a time gone; a rule unknown.
    page = text(
        post(
            client,
            "/console/broadcasts/new",
            **form(
                text_fr="",
                text_ary="",
                text_ar="",
                send_at=(utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            ),
        )
    )
    assert error_of(page, "text_fr") == "Écrivez le message, dans au moins une langue."
    assert error_of(page, "send_at").startswith("Cette heure est passée")  # type: ignore[union-attr]
    page = text(post(client, "/console/broadcasts/new", **form(text_ary="ب" * 1601)))
    assert error_of(page, "text_ary").startswith("Trop long : 1600 caractères")  # type: ignore[union-attr]
    assert error_of(page, "text_fr") is None
    page = text(
        post(client, "/console/broadcasts/new", **form(missing_language="nobody", tracks=["x"]))
    )
    assert error_of(page, "missing_language") and error_of(page, "tracks")
    # A Content SID with variables and French left out is fine.
    made = saved(
        client,
        session,
        text_fr="",
        missing_language="skip",
        content_sid="HX" + "ab" * 16,
        content_variables="1=Fès\n2= samedi 10 h ",
    )
    assert made.content_variables == {"1": "Fès", "2": "samedi 10 h"}
    assert made.texts == {"ary": DARIJA} and made.missing_language == "skip"


def test_a_saved_broadcast_shows_its_preview_figures(client: FlaskClient, session: Session) -> None:
    staff = signed_in(client, session, "staff")
    now = utcnow()
    for _ in range(3):
        registered_woman(session, now, language="fr", channel=SMS)
    for _ in range(2):
        registered_woman(session, now, language="ary")  # WhatsApp, wrote an hour ago
    registered_woman(session, now, province="rabat")  # elsewhere
    reachability.opt_out(session, registered_woman(session, now), source="keyword")
    session.commit()
    course = training(session, now + timedelta(days=3))

    made = saved(
        client,
        session,
        text_fr="a" * 150 + "\r\n" + "b" * 10,  # 161 with one LF: two SMS
        registered_from=(now - timedelta(days=30)).strftime("%Y-%m-%d"),
        send_at=(now + timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M"),
    )
    assert made.status == Broadcast.DRAFT and made.created_by_id == staff.id
    assert made.texts["fr"].count("\n") == 1 and "\r" not in made.texts["fr"]
    assert made.segment["provinces"] == ["fes"] and made.send_at is not None
    assert audit_actions(session) == ["broadcast.create"]

    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert '<strong id="recipients-total">5</strong>' in page
    assert '<strong id="left-out">1</strong>' in page
    assert '<strong id="sms-segments">6</strong>' in page  # 3 women × 2 SMS
    # Default prices: 6 SMS × 0.30 + 2 WhatsApp messages in the window × 0.005.
    assert '<strong id="cost">1,81\xa0USD</strong>' in page
    fr = re.search(r'<tr data-language="fr">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert '"sms">3<' in fr and '"encoding">GSM-7<' in fr and '"segments">2<' in fr
    assert '"units">161<' in fr
    ary = re.search(r'<tr data-language="ary">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert '"whatsapp-open">2<' in ary and '"encoding">UCS-2<' in ary
    assert '"segments">1<' in ary
    assert "Fès" in page and f'dir="rtl" lang="ary">{DARIJA}' in page
    assert "Programmer pour le" in page  # its time is to come

    # Edited: the form comes back filled in; an unchanged form changes nothing.
    edit = text(client.get(f"/console/broadcasts/{made.id}/edit"))
    assert DARIJA in edit and 'value="fes" checked' in edit
    unchanged = form(
        text_fr=made.texts["fr"],
        registered_from=made.segment["registered_from"],
        send_at=re.search(r'name="send_at"[^>]*value="([^"]+)"', edit).group(1),  # type: ignore[union-attr]
        training_id="",
    )
    response = post(client, f"/console/broadcasts/{made.id}/edit", **unchanged)
    assert response.status_code == 302
    assert audit_actions(session) == ["broadcast.create"]
    response = post(
        client,
        f"/console/broadcasts/{made.id}/edit",
        **{**unchanged, "training_id": str(course.id), "training_status": "enrolled"},
    )
    assert response.status_code == 302
    assert audit_actions(session) == ["broadcast.create", "broadcast.update"]
    assert all_broadcasts(session)[-1].segment["training_id"] == course.id
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert '<strong id="recipients-total">0</strong>' in page  # nobody in that session


def test_the_list_shows_status_author_time_recipients_and_delivered_share(
    client: FlaskClient, session: Session
) -> None:
    staff = signed_in(client, session, "staff", name="Salma")
    made = sent_broadcast(session, staff, women=4)
    for m, status in zip(
        messages_of(session, made), ("delivered", "read", "failed", "sent"), strict=True
    ):
        record_status(session, m.twilio_sid, status, None, None)
    session.commit()
    draft = saved(client, session, name="Brouillon de décembre")

    page = text(client.get("/console/broadcasts"))
    row = re.search(rf'<tr data-id="{made.id}".*?</tr>', page, re.S).group(0)  # type: ignore[union-attr]
    assert "en cours d'envoi" in row and "Salma" in row
    assert ">4<" in row and "50\u202f%" in row  # 2 of the 4 that left were delivered
    row = re.search(rf'<tr data-id="{draft.id}".*?</tr>', page, re.S).group(0)  # type: ignore[union-attr]
    assert "brouillon" in row and "dès son lancement" in row
    assert 'aria-current="page">Diffusions</a>' in page


# -- its life ---------------------------------------------------------------------------------


def test_submitted_without_approval_it_is_sending_and_the_web_sends_nothing(
    client: FlaskClient, session: Session, enqueued: RecordingEnqueue
) -> None:
    signed_in(client, session, "staff")
    registered_woman(session, utcnow())
    made = saved(client, session)
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert "Envoyer maintenant" in page and "Soumettre pour approbation" not in page

    response = post(client, f"/console/broadcasts/{made.id}/submit")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "C'est parti" in flashes(page)[0]
    assert all_broadcasts(session)[-1].status == Broadcast.SENDING
    assert audit_actions(session) == ["broadcast.create", "broadcast.submit"]
    assert enqueued.calls == []  # the beat tick takes it from here
    assert 'id="tracking"' in page and 'id="preview"' not in page
    # Sent once: a second submit is refused in words.
    page = text(client.get(post(client, f"/console/broadcasts/{made.id}/submit").location))
    assert flashes(page) == ["Seul un brouillon se lance ou se soumet pour approbation."]
    # And it cannot be edited any more.
    response = client.get(f"/console/broadcasts/{made.id}/edit")
    assert response.status_code == 302
    assert "ne se modifie plus" in flashes(text(client.get(response.location)))[0]


def test_nobody_in_the_segment_means_nothing_to_send(client: FlaskClient, session: Session) -> None:
    signed_in(client, session, "staff")
    made = saved(client, session, provinces=["oujda_angad"])
    page = text(client.get(post(client, f"/console/broadcasts/{made.id}/submit").location))
    assert flashes(page)[0].startswith("Personne ne correspond à ce public")
    assert all_broadcasts(session)[-1].status == Broadcast.DRAFT


def approval_on(app: Flask) -> None:
    runtime = app.extensions["minajliki"]
    runtime.settings = runtime.settings.with_overrides(broadcast_approval="on")


def test_with_approval_a_second_person_approves_and_the_author_cannot(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    approval_on(app)
    author = signed_in(client, session, "staff", email="author@minajliki.example.org")
    registered_woman(session, utcnow())
    made = saved(client, session)
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert "Soumettre pour approbation" in page and "Envoyer maintenant" not in page

    page = text(client.get(post(client, f"/console/broadcasts/{made.id}/submit").location))
    assert flashes(page)[0].startswith("Soumise pour approbation")
    assert all_broadcasts(session)[-1].status == Broadcast.AWAITING_APPROVAL
    assert "que vous" in page  # she is told someone else approves it
    page = text(client.get(post(client, f"/console/broadcasts/{made.id}/approve").location))
    assert flashes(page) == [
        "Une autre personne de l'équipe doit l'approuver : on n'approuve pas sa propre diffusion."
    ]
    assert all_broadcasts(session)[-1].status == Broadcast.AWAITING_APPROVAL

    reviewer = app.test_client()
    other = make_staff(session, "admin", email="reviewer@minajliki.example.org")
    assert login(reviewer, other.email).status_code == 302
    # Sent back with a word, then submitted again and approved.
    post(reviewer, f"/console/broadcasts/{made.id}/reject", reason="Ajoutez l'heure.")
    assert all_broadcasts(session)[-1].status == Broadcast.DRAFT
    assert "Renvoyée en brouillon : Ajoutez l'heure." in text(
        client.get(f"/console/broadcasts/{made.id}")
    )
    post(client, f"/console/broadcasts/{made.id}/submit")
    response = post(reviewer, f"/console/broadcasts/{made.id}/approve")
    assert "C'est parti" in flashes(text(reviewer.get(response.location)))[0]
    approved = all_broadcasts(session)[-1]
    assert approved.status == Broadcast.SENDING
    assert approved.approved_by_id == other.id and approved.created_by_id == author.id
    assert audit_actions(session) == [
        "broadcast.create",
        "broadcast.submit",
        "broadcast.reject",
        "broadcast.submit",
        "broadcast.approve",
    ]
    # The audit log says it in words.
    log = text(reviewer.get("/console/audit"))
    assert "Diffusion approuvée" in log and "Diffusion renvoyée à son autrice" in log
    assert '<dt>statut</dt><dd dir="auto">en cours d\'envoi</dd>' in log
    assert f"diffusion #{made.id}" in log


def test_pause_resume_and_cancel_with_its_confirmation(
    client: FlaskClient, session: Session
) -> None:
    staff = signed_in(client, session, "staff")
    for _ in range(3):
        registered_woman(session, utcnow())
    made = broadcast(session, staff, utcnow())
    tick_until_quiet(session, utcnow(), rate=1)  # written, one released
    base = f"/console/broadcasts/{made.id}"

    assert "Mettre en pause" in text(client.get(base))
    page = text(client.get(post(client, base + "/pause").location))
    assert flashes(page)[0].startswith("En pause")
    assert all_broadcasts(session)[-1].status == Broadcast.PAUSED and "Reprendre" in page
    page = text(client.get(post(client, base + "/pause").location))
    assert flashes(page) == ["Seule une diffusion programmée ou en cours se met en pause."]
    post(client, base + "/resume")
    assert all_broadcasts(session)[-1].status == Broadcast.SENDING

    page = text(client.get(post(client, base + "/cancel").location))
    assert flashes(page) == ["Cochez la case pour confirmer l'annulation."]
    assert all_broadcasts(session)[-1].status == Broadcast.SENDING
    page = text(client.get(post(client, base + "/cancel", confirm="yes").location))
    assert flashes(page) == ["Diffusion annulée : 3 message(s) pas encore partis ne partiront pas."]
    assert all_broadcasts(session)[-1].status == Broadcast.CANCELED
    assert 'id="cancel-form"' not in page and "Mettre en pause" not in page
    assert {m.status for m in messages_of(session, made)} == {"canceled"}
    assert audit_actions(session) == [
        "broadcast.pause",
        "broadcast.resume",
        "broadcast.cancel",
    ]
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None and entry.details == {"status": "canceled", "unsent": 3}


def test_resend_to_those_it_failed_for_makes_a_draft_of_them(
    client: FlaskClient, session: Session
) -> None:
    staff = signed_in(client, session, "staff")
    made = sent_broadcast(session, staff, women=3)
    first, second, third = messages_of(session, made)
    record_status(session, first.twilio_sid, "delivered", None, None)
    record_status(session, second.twilio_sid, "failed", 30008, "Unknown")
    record_status(session, third.twilio_sid, "undelivered", 30003, "Unreachable")
    session.commit()

    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert "Renvoyer à celles pour qui elle a échoué (2)" in page
    response = post(client, f"/console/broadcasts/{made.id}/resend")
    copy = all_broadcasts(session)[-1]
    assert copy.id != made.id and response.location.endswith(f"/console/broadcasts/{copy.id}")
    assert copy.status == Broadcast.DRAFT and copy.resend_of_id == made.id
    assert audience.Segment.from_dict(copy.segment).failed_of == made.id
    assert copy.texts == made.texts
    page = text(client.get(response.location))
    assert flashes(page)[0].startswith("Brouillon prêt")
    assert '<strong id="recipients-total">2</strong>' in page
    assert f"la diffusion n° {made.id} a échoué" in page
    # Edited, it still goes to the failed only.
    edit = text(client.get(f"/console/broadcasts/{copy.id}/edit"))
    assert f"la diffusion n° {made.id} a échoué" in edit
    post(
        client,
        f"/console/broadcasts/{copy.id}/edit",
        **form(name="Renvoi", provinces=[], registered_only="", text_ary=""),
    )
    assert audience.Segment.from_dict(all_broadcasts(session)[-1].segment).failed_of == made.id
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "broadcast.resend")).one()
    assert entry.target_id == str(copy.id) and entry.details == {"of": made.id}


# -- tracking ---------------------------------------------------------------------------------


def test_counts_json_follows_the_status_callbacks(client: FlaskClient, session: Session) -> None:
    staff = signed_in(client, session, "staff")
    made = sent_broadcast(session, staff, women=5)
    url = f"/console/broadcasts/{made.id}/counts.json"
    data = client.get(url).get_json()
    assert data["buckets"]["queued"] == 5 and data["total"] == 5 and data["recipients"] == 5
    assert data["status"] == "sending" and data["status_label"] == "en cours d'envoi"

    for m, (status, code) in zip(
        messages_of(session, made)[:4],
        (("delivered", None), ("read", None), ("failed", 30008), ("undelivered", 30003)),
        strict=True,
    ):
        record_status(session, m.twilio_sid, status, code, None)
    session.commit()
    data = client.get(url).get_json()
    assert data["buckets"] == {
        "waiting": 0,
        "queued": 1,
        "sent": 0,
        "delivered": 1,
        "read": 1,
        "failed": 1,
        "undelivered": 1,
        "canceled": 0,
    }
    assert data["left"] == 4
    assert data["rates"] == {"delivered": 0.5, "read": 0.25, "failed": 0.5}
    assert data["rate_labels"]["delivered"] == "50\u202f%"
    assert data["errors"] == [
        {"code": 30003, "count": 1, "label": "téléphone injoignable (éteint, hors réseau)"},
        {"code": 30008, "count": 1, "label": "erreur inconnue de l'opérateur"},
    ]
    assert sum(part["width"] for part in data["bar"]) == 1000
    assert [part["bucket"] for part in data["bar"]][:3] == ["waiting", "queued", "sent"]

    # The page shows the same figures without any script.
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert '<strong data-bucket="delivered">1</strong>' in page
    assert '<strong data-rate="failed">50\u202f%</strong>' in page
    assert "téléphone injoignable" in page and 'data-poll="' + url + '"' in page


def test_the_csv_export_has_a_row_per_recipient_with_masked_phones(
    client: FlaskClient, session: Session
) -> None:
    staff = signed_in(client, session, "staff")
    made = sent_broadcast(session, staff, women=3)
    failed = messages_of(session, made)[0]
    record_status(session, failed.twilio_sid, "failed", 30008, "Unknown")
    session.commit()
    phones = [m.beneficiary.phone for m in messages_of(session, made)]

    response = client.get(f"/console/broadcasts/{made.id}/recipients.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert f"diffusion-{made.id}-destinataires-" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffmessage_id,phone,")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert all(phone not in body for phone in phones)
    assert all("*" in row["phone"] and row["province"] == "fes" for row in rows)
    assert rows[0]["status"] == "failed" and rows[0]["error_code"] == "30008"
    assert rows[1]["status"] == "queued" and rows[1]["channel"] == "whatsapp"
    assert rows[1]["sent_at"].endswith(("+01:00", "+00:00"))  # Morocco's time


# -- a test to oneself ------------------------------------------------------------------------


def test_a_test_goes_to_her_own_phone_through_the_runtime_sender(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    staff = signed_in(client, session, "staff")
    staff.phone = MY_PHONE
    session.commit()
    sender = FakeSender()
    app.extensions["minajliki"].sender = sender
    made = saved(client, session)
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert "+2126*****344" in page and 'id="trial-form"' in page

    response = post(
        client, f"/console/broadcasts/{made.id}/trial", language="ary", channel="whatsapp"
    )
    assert response.location.endswith(f"/console/broadcasts/{made.id}#trial")
    assert sender.sent == [(MY_PHONE, DARIJA)]
    page = text(client.get(response.location))
    assert flashes(page) == [f"Test envoyé au +2126*****344 : SMfake{1:030d}, statut « queued »."]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "broadcast.trial")).one()
    assert entry.details == {"language": "ary", "channel": "whatsapp", "status": "queued"}
    assert MY_PHONE not in str(entry.details)
    session.expire_all()
    assert session.scalars(select(Message)).all() == []  # she is not a beneficiary

    sender.down = True
    page = text(
        client.get(
            post(
                client, f"/console/broadcasts/{made.id}/trial", language="fr", channel="sms"
            ).location
        )
    )
    assert flashes(page) == ["Twilio ne répond pas pour l'instant : réessayez dans un moment."]
    sender.down, sender.status = False, Message.FAILED
    page = text(
        client.get(
            post(
                client, f"/console/broadcasts/{made.id}/trial", language="fr", channel="sms"
            ).location
        )
    )
    assert flashes(page)[0].startswith("Twilio a refusé le test")


def test_without_a_phone_she_is_told_and_nothing_is_sent(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    signed_in(client, session, "staff")
    sender = FakeSender()
    app.extensions["minajliki"].sender = sender
    made = saved(client, session)
    page = text(client.get(f"/console/broadcasts/{made.id}"))
    assert 'id="trial-form"' not in page and "pas de numéro de téléphone" in page
    response = post(
        client, f"/console/broadcasts/{made.id}/trial", language="fr", channel="whatsapp"
    )
    assert "pas de numéro de téléphone" in flashes(text(client.get(response.location)))[0]
    assert sender.sent == []


# -- who may ----------------------------------------------------------------------------------


def test_counsellors_get_403_on_every_broadcast_page(client: FlaskClient, session: Session) -> None:
    author = make_staff(session, "staff")
    made = sent_broadcast(session, author, women=1)
    signed_in(client, session, "counsellor")
    assert 'href="/console/broadcasts"' not in text(client.get("/console/"))
    base = f"/console/broadcasts/{made.id}"
    for path in (
        "/console/broadcasts",
        "/console/broadcasts/new",
        base,
        base + "/edit",
        base + "/counts.json",
        base + "/recipients.csv",
    ):
        assert client.get(path).status_code == 403, path
    for action in ("submit", "approve", "reject", "pause", "resume", "cancel", "resend", "trial"):
        assert post(client, f"{base}/{action}", confirm="yes").status_code == 403, action
    assert post(client, "/console/broadcasts/new", **form()).status_code == 403
    assert all_broadcasts(session)[-1].status == Broadcast.SENDING
    assert audit_actions(session) == []


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_find_broadcasts_in_the_menu(
    client: FlaskClient, session: Session, role: str
) -> None:
    signed_in(client, session, role)
    page = text(client.get("/console/"))
    assert 'href="/console/broadcasts"' in page and ">Diffusions</a>" in page


def test_an_unknown_broadcast_is_404(client: FlaskClient, session: Session) -> None:
    signed_in(client, session, "staff")
    assert client.get("/console/broadcasts/999999").status_code == 404
    assert client.get("/console/broadcasts/999999/counts.json").status_code == 404
