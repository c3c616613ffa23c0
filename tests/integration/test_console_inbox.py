"""The counsellors' inbox through Flask: the list, who sees what, and what she does with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.handoffs import services
from bot.handoffs.models import Handoff, HandoffNote
from bot.i18n import render
from bot.messaging.models import Conversation, Message
from bot.staff.models import AuditLog, StaffUser
from console.labels import language_label
from tests.integration.test_processing import outbound, receive
from tests.support.console import csrf_token, login, make_staff, signed_in
from tests.support.fakes import RecordingEnqueue

TWILIO_MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM0123/Media/ME0123"


def waiting(  # type: ignore[no-untyped-def]
    session: Session,
    phone: str,
    name: str | None = None,
    province: str | None = "fes",
    situation: str | None = "job_seeker",
    reason: str = Handoff.REQUESTED,
    priority: bool = False,
    body: str = "salam",
    minutes_ago: int = 0,
    language: str | None = None,
):
    """Her message, then a handoff routed by her province and situation (job_seeker: ANAPEC,
    business_idea: RESOFEM, None: any partner)."""
    message = receive(session, body, phone=phone)
    beneficiary = message.beneficiary
    beneficiary.first_name = name
    beneficiary.province = province
    beneficiary.situation = situation
    beneficiary.language = language
    handoff, opened = services.open_handoff(session, message.conversation, reason, priority)
    assert opened
    handoff.created_at = utcnow() - timedelta(minutes=minutes_ago)
    session.commit()
    return handoff


def actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def last_audit(session: Session) -> AuditLog:
    session.expire_all()
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None
    return entry


def listed(client) -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get("/console/api/inbox")
    assert response.status_code == 200
    return [row["id"] for row in response.get_json()["handoffs"]]


def fresh(session: Session, handoff: Handoff) -> Handoff:
    session.expire_all()
    found = session.get(Handoff, handoff.id)
    assert found is not None
    return found


def token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client, "/console/")


# -- the list --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_inbox_lists_open_handoffs_priority_first_then_the_longest_waiting(
    client, session: Session, role: str
) -> None:
    signed_in(client, session, role)
    recent = waiting(session, "+212600000001", "Amina", minutes_ago=5)
    oldest = waiting(session, "+212600000002", "Badia", minutes_ago=45, reason=Handoff.MEDIA)
    urgent = waiting(
        session, "+212600000003", "Chaima", reason=Handoff.DISTRESS, priority=True, minutes_ago=1
    )
    claimed = waiting(session, "+212600000004", "Dounia", minutes_ago=20)
    services.claim(session, claimed, make_staff(session, "counsellor").id)
    gone = waiting(session, "+212600000005", "Ghita", minutes_ago=90)
    services.resolve(session, gone, by="counsellor", notice=None)
    session.commit()

    assert listed(client) == [urgent.id, oldest.id, claimed.id, recent.id]
    page = client.get("/console/").get_data(as_text=True)
    positions = [page.index(name) for name in ("Chaima", "Badia", "Dounia", "Amina")]
    assert positions == sorted(positions)
    assert "Ghita" not in page
    assert "Détresse — prioritaire" in page and 'class="card handoff priority"' in page

    rows = {row["id"]: row for row in client.get("/console/api/inbox").get_json()["handoffs"]}
    assert rows[urgent.id]["priority"] is True and rows[oldest.id]["priority"] is False
    assert rows[oldest.id]["name"] == "Badia"
    assert rows[oldest.id]["reason"] == "Message vocal, photo ou document"
    assert rows[oldest.id]["url"] == f"/console/handoffs/{oldest.id}"
    assert 44 <= rows[oldest.id]["waiting_minutes"] <= 46
    assert (rows[claimed.id]["status"], rows[claimed.id]["assigned"]) == (
        "claimed",
        claimed.assigned_to_id,
    )
    assert (rows[recent.id]["language"], rows[recent.id]["province"]) == (
        language_label("fr"),
        "fes",
    )


def test_without_a_name_she_is_shown_by_her_masked_number(client, session: Session) -> None:
    signed_in(client, session, "staff")
    waiting(session, "+212612345678")
    [row] = client.get("/console/api/inbox").get_json()["handoffs"]
    assert "+212612345678" not in row["name"] and row["name"].endswith("78")
    assert "+212612345678" not in client.get("/console/").get_data(as_text=True)


# -- who sees what ---------------------------------------------------------------------


@pytest.fixture
def four(session: Session) -> dict[str, Handoff]:
    """An ANAPEC and an any-partner handoff in Fès, a RESOFEM one in Fès, an ANAPEC one in
    Casablanca."""
    return {
        "anapec_fes": waiting(session, "+212600000011", "Amal"),
        "anyone_fes": waiting(session, "+212600000012", "Basma", situation=None),
        "resofem_fes": waiting(session, "+212600000013", "Chama", situation="business_idea"),
        "anapec_casa": waiting(session, "+212600000014", "Dina", province="casablanca"),
    }


def test_a_counsellor_sees_her_partners_handoffs_in_her_provinces(
    client, session: Session, four: dict[str, Handoff]
) -> None:
    assert (four["resofem_fes"].partner, four["anyone_fes"].partner) == ("RESOFEM", None)
    signed_in(client, session, "counsellor")  # ANAPEC, Fès
    assert listed(client) == [four["anapec_fes"].id, four["anyone_fes"].id]
    page = client.get("/console/").get_data(as_text=True)
    assert "Amal" in page and "Basma" in page
    assert "Chama" not in page and "Dina" not in page
    for key in ("anapec_fes", "anyone_fes"):
        handoff_id = four[key].id
        assert client.get(f"/console/handoffs/{handoff_id}").status_code == 200
        assert client.get(f"/console/api/handoffs/{handoff_id}/messages").status_code == 200


@pytest.mark.parametrize("key", ["resofem_fes", "anapec_casa"])
def test_another_partners_or_provinces_handoff_does_not_exist_for_her(
    client, session: Session, enqueued: RecordingEnqueue, four: dict[str, Handoff], key: str
) -> None:
    signed_in(client, session, "counsellor")  # ANAPEC, Fès
    handoff_id = four[key].id
    form = {"csrf_token": token(client), "body": "Salam", "staff_id": "1"}
    assert client.get(f"/console/handoffs/{handoff_id}").status_code == 404
    assert client.get(f"/console/api/handoffs/{handoff_id}/messages").status_code == 404
    for action in ("reply", "claim", "resolve", "notes", "assign"):
        response = client.post(f"/console/handoffs/{handoff_id}/{action}", data=form)
        assert response.status_code == 404, action
    assert handoff_id not in listed(client)
    found = fresh(session, four[key])
    assert (found.status, found.assigned_to_id) == (Handoff.OPEN, None)
    assert found.conversation.status == Conversation.STATUS_HELD
    assert outbound(session) == [] and enqueued.calls == []
    assert session.scalars(select(HandoffNote)).all() == []
    assert not any(a.startswith("handoff.") for a in actions(session))


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_programme_staff_see_every_handoff(
    client, session: Session, four: dict[str, Handoff], role: str
) -> None:
    signed_in(client, session, role)
    assert sorted(listed(client)) == sorted(h.id for h in four.values())
    for handoff in four.values():
        assert client.get(f"/console/handoffs/{handoff.id}").status_code == 200


def test_a_counsellor_without_provinces_sees_nothing(client, session, four) -> None:  # type: ignore[no-untyped-def]
    staff = make_staff(session, "counsellor")
    staff.provinces = []
    session.commit()
    assert login(client, staff.email).status_code == 302
    assert listed(client) == []
    assert client.get(f"/console/handoffs/{four['anapec_fes'].id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/console/",
        "/console/api/inbox",
        "/console/handoffs/1",
        "/console/api/handoffs/1/messages",
        "/console/conversations",
        "/console/media/1/0",
    ],
)
def test_strangers_are_sent_to_the_login_page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_an_unknown_handoff_is_404(client, session: Session) -> None:
    signed_in(client, session, "admin")
    assert client.get("/console/handoffs/999999").status_code == 404
    assert client.get("/console/api/handoffs/999999/messages").status_code == 404
    assert (
        client.post(
            "/console/handoffs/999999/claim", data={"csrf_token": token(client)}
        ).status_code
        == 404
    )


# -- claiming and assigning ------------------------------------------------------------


def test_a_counsellor_claims_a_handoff(client, session: Session) -> None:
    handoff = waiting(session, "+212600000021", "Amal")
    me = signed_in(client, session, "counsellor")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert 'id="claim"' in page
    assert 'name="staff_id"' not in page  # counsellors do not assign
    response = client.post(
        f"/console/handoffs/{handoff.id}/claim",
        data={"csrf_token": csrf_token(client, f"/console/handoffs/{handoff.id}")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/console/handoffs/{handoff.id}"
    found = fresh(session, handoff)
    assert (found.status, found.assigned_to_id) == (Handoff.CLAIMED, me.id)
    assert found.claimed_at is not None
    entry = last_audit(session)
    assert (entry.action, entry.staff_user_id, entry.target_type, entry.target_id) == (
        "handoff.claim",
        me.id,
        "handoff",
        str(handoff.id),
    )
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert "Vous avez pris cette conversation." in page
    assert 'id="claim"' not in page and "prise en charge" in page


@pytest.mark.parametrize(("role", "action"), [("counsellor", "claim"), ("staff", "assign")])
def test_a_resolved_handoff_cannot_be_claimed_nor_assigned_again(
    client, session: Session, role: str, action: str
) -> None:
    """A page left open after a colleague gave her back to the bot."""
    handoff = waiting(session, "+212600000022", "Amal")
    nadia = make_staff(session, "counsellor", email="nadia@anapec.ma")
    signed_in(client, session, role)
    form = {"csrf_token": token(client), "staff_id": str(nadia.id)}
    services.resolve(session, handoff, by="counsellor", notice=None)
    session.commit()
    response = client.post(f"/console/handoffs/{handoff.id}/{action}", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cette conversation est close." in page
    found = fresh(session, handoff)
    assert (found.status, found.assigned_to_id) == (Handoff.RESOLVED, None)
    assert found.conversation.status == Conversation.STATUS_BOT
    assert listed(client) == []
    assert f"handoff.{action}" not in actions(session)


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_staff_assign_a_handoff_to_a_counsellor_who_can_see_it(
    client, session: Session, role: str
) -> None:
    handoff = waiting(session, "+212600000023", "Amal")
    boss = signed_in(client, session, role)
    nadia = make_staff(session, "counsellor", email="nadia@anapec.ma", name="Nadia")
    make_staff(session, "counsellor", email="salma@resofem.ma", name="Salma", partner="RESOFEM")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert ">Nadia</option>" in page and ">Salma</option>" in page
    response = client.post(
        f"/console/handoffs/{handoff.id}/assign",
        data={"csrf_token": token(client), "staff_id": str(nadia.id)},
    )
    assert response.status_code == 302
    found = fresh(session, handoff)
    assert (found.status, found.assigned_to_id) == (Handoff.CLAIMED, nadia.id)
    entry = last_audit(session)
    assert (entry.action, entry.staff_user_id, entry.details) == (
        "handoff.assign",
        boss.id,
        {"to": nadia.id},
    )
    assert "Conversation confiée à Nadia." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.mark.parametrize("target", ["resofem", "casablanca", "inactive", "garbage", "unknown"])
def test_staff_cannot_assign_it_to_someone_who_cannot_see_it(
    client, session: Session, target: str
) -> None:
    handoff = waiting(session, "+212600000024", "Amal")
    signed_in(client, session, "staff")
    others = {
        "resofem": make_staff(session, "counsellor", email="r@x.ma", partner="RESOFEM").id,
        "casablanca": make_staff(
            session, "counsellor", email="c@x.ma", provinces=["casablanca"]
        ).id,
        "inactive": make_staff(session, "counsellor", email="i@x.ma").id,
    }
    inactive = session.get(StaffUser, others["inactive"])
    assert inactive is not None
    inactive.active = False
    session.commit()
    staff_id = {"garbage": "nadia", "unknown": "999999"}.get(target) or str(others[target])
    response = client.post(
        f"/console/handoffs/{handoff.id}/assign",
        data={"csrf_token": token(client), "staff_id": staff_id},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cette personne ne peut pas recevoir cette conversation." in page
    found = fresh(session, handoff)
    assert (found.status, found.assigned_to_id) == (Handoff.OPEN, None)
    assert "handoff.assign" not in actions(session)


def test_a_counsellor_cannot_assign(client, session: Session) -> None:
    handoff = waiting(session, "+212600000025", "Amal")
    me = signed_in(client, session, "counsellor")
    response = client.post(
        f"/console/handoffs/{handoff.id}/assign",
        data={"csrf_token": token(client), "staff_id": str(me.id)},
    )
    assert response.status_code == 403
    found = fresh(session, handoff)
    assert (found.status, found.assigned_to_id) == (Handoff.OPEN, None)


# -- replying --------------------------------------------------------------------------


def test_her_reply_is_queued_for_her_and_the_worker_is_woken(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    handoff = waiting(session, "+212600000031", "Amal", language="ary_Latn")
    me = signed_in(client, session, "counsellor")
    page_path = f"/console/handoffs/{handoff.id}"
    form = {"csrf_token": csrf_token(client, page_path), "body": "Salam Amal, ana Nadia."}
    response = client.post(f"{page_path}/reply", data=form)
    assert response.status_code == 302 and response.headers["Location"] == page_path
    [message] = outbound(session)
    assert (message.kind, message.body, message.status, message.language) == (
        Message.AGENT,
        "Salam Amal, ana Nadia.",
        Message.PENDING,
        "ary_Latn",
    )
    assert (message.conversation_id, message.beneficiary_id) == (
        handoff.conversation_id,
        handoff.beneficiary_id,
    )
    assert enqueued.calls == [handoff.beneficiary_id]
    found = fresh(session, handoff)
    assert found.first_response_at is not None
    assert (found.status, found.assigned_to_id) == (Handoff.CLAIMED, me.id)  # she has it now
    entry = last_audit(session)
    assert (entry.action, entry.staff_user_id, entry.details) == (
        "handoff.reply",
        me.id,
        {"message": message.id},
    )
    page = client.get(page_path).get_data(as_text=True)
    assert "Message envoyé." in page and "Salam Amal, ana Nadia." in page


def test_a_second_reply_keeps_the_first_response_time(client, session: Session) -> None:
    handoff = waiting(session, "+212600000032", "Amal")
    signed_in(client, session, "counsellor")
    form = {"csrf_token": token(client), "body": "Salam"}
    client.post(f"/console/handoffs/{handoff.id}/reply", data=form)
    first = fresh(session, handoff).first_response_at
    client.post(f"/console/handoffs/{handoff.id}/reply", data={**form, "body": "Labas?"})
    assert fresh(session, handoff).first_response_at == first
    assert [m.body for m in outbound(session)] == ["Salam", "Labas?"]


def test_a_reply_asked_for_as_json_answers_with_the_message(client, session: Session) -> None:
    handoff = waiting(session, "+212600000033", "Amal")
    signed_in(client, session, "counsellor")
    response = client.post(
        f"/console/handoffs/{handoff.id}/reply",
        data={"csrf_token": token(client), "body": "Salam"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    [message] = outbound(session)
    body = response.get_json()["message"]
    assert (body["id"], body["body"], body["kind"], body["direction"]) == (
        message.id,
        "Salam",
        "agent",
        "out",
    )


@pytest.mark.parametrize("body", ["", "   \n  ", "\x00"])
def test_an_empty_reply_is_not_sent(
    client, session: Session, enqueued: RecordingEnqueue, body: str
) -> None:
    handoff = waiting(session, "+212600000034", "Amal")
    signed_in(client, session, "counsellor")
    response = client.post(
        f"/console/handoffs/{handoff.id}/reply", data={"csrf_token": token(client), "body": body}
    )
    assert response.status_code == 302
    assert "Le message est vide." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert outbound(session) == [] and enqueued.calls == []
    assert fresh(session, handoff).first_response_at is None
    assert "handoff.reply" not in actions(session)


def test_no_reply_once_she_is_back_with_the_bot(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    handoff = waiting(session, "+212600000035", "Amal")
    signed_in(client, session, "counsellor")
    form = {"csrf_token": token(client), "body": "Salam"}
    services.resolve(session, handoff, by="idle", notice=None)
    session.commit()
    response = client.post(f"/console/handoffs/{handoff.id}/reply", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cette conversation est close." in page
    assert 'id="reply"' not in page  # no form on a closed conversation
    assert outbound(session) == [] and enqueued.calls == []


def test_a_reply_without_the_csrf_token_is_refused(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    handoff = waiting(session, "+212600000036", "Amal")
    signed_in(client, session, "counsellor")
    for action in ("reply", "claim", "resolve", "notes"):
        response = client.post(f"/console/handoffs/{handoff.id}/{action}", data={"body": "Salam"})
        assert response.status_code == 400, action
    bad = {"csrf_token": "not-a-token", "body": "Salam"}
    assert client.post(f"/console/handoffs/{handoff.id}/reply", data=bad).status_code == 400
    assert outbound(session) == [] and enqueued.calls == []
    assert fresh(session, handoff).status == Handoff.OPEN


# -- notes -----------------------------------------------------------------------------


def test_notes_are_shown_to_counsellors_and_never_sent_to_her(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    handoff = waiting(session, "+212600000041", "Amal")
    me = signed_in(client, session, "counsellor")
    page_path = f"/console/handoffs/{handoff.id}"
    assert "Aucune note." in client.get(page_path).get_data(as_text=True)
    form = {"csrf_token": token(client), "body": "3 enfants, cherche un stage à Fès"}
    response = client.post(f"{page_path}/notes", data=form)
    assert response.status_code == 302 and response.headers["Location"] == page_path
    page = client.get(page_path).get_data(as_text=True)
    assert "Note ajoutée." in page and "3 enfants, cherche un stage à Fès" in page
    [note] = session.scalars(select(HandoffNote)).all()
    assert (note.handoff_id, note.author_id) == (handoff.id, me.id)
    assert outbound(session) == [] and enqueued.calls == []
    assert actions(session)[-1] == "handoff.note"
    empty = client.post(f"{page_path}/notes", data={**form, "body": "  "})
    assert "La note est vide." in client.get(empty.headers["Location"]).get_data(as_text=True)
    assert len(session.scalars(select(HandoffNote)).all()) == 1


# -- giving her back to the bot --------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "ary_Latn", None])
def test_resolving_gives_her_back_to_the_bot_with_a_notice_in_her_language(
    client, session: Session, enqueued: RecordingEnqueue, language: str | None
) -> None:
    handoff = waiting(session, "+212600000051", "Amal", language=language)
    me = signed_in(client, session, "counsellor")
    response = client.post(
        f"/console/handoffs/{handoff.id}/resolve", data={"csrf_token": token(client)}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    found = fresh(session, handoff)
    assert (found.status, found.resolved_by) == (Handoff.RESOLVED, "counsellor")
    assert found.resolved_at is not None
    assert found.conversation.status == Conversation.STATUS_BOT
    [notice] = outbound(session)
    her_language = language or "fr"
    expected = render("utter_handoff_resolved", her_language)
    assert expected
    assert (notice.kind, notice.body, notice.language, notice.status) == (
        Message.NOTICE,
        expected,
        her_language,
        Message.PENDING,
    )
    assert enqueued.calls == [handoff.beneficiary_id]
    entry = last_audit(session)
    assert (entry.action, entry.staff_user_id, entry.target_id) == (
        "handoff.resolve",
        me.id,
        str(handoff.id),
    )
    assert "Conversation rendue à l&#39;assistante." in client.get("/console/").get_data(
        as_text=True
    )
    assert listed(client) == []
    # Resolving twice (two tabs) tells her once.
    client.post(f"/console/handoffs/{handoff.id}/resolve", data={"csrf_token": token(client)})
    assert len(outbound(session)) == 1 and enqueued.calls == [handoff.beneficiary_id]


# -- taking over a conversation from the bot -------------------------------------------


def chatting(  # type: ignore[no-untyped-def]
    session: Session, phone: str, name: str, province: str | None, situation: str | None = None
):
    message = receive(session, "salam", phone=phone)
    message.beneficiary.first_name = name
    message.beneficiary.province = province
    message.beneficiary.situation = situation
    session.commit()
    return message.conversation


def test_a_counsellor_takes_over_a_conversation_and_the_bot_falls_silent(
    client, session: Session
) -> None:
    conversation = chatting(session, "+212600000061", "Amal", "fes", "job_seeker")
    me = signed_in(client, session, "counsellor")
    page = client.get("/console/conversations").get_data(as_text=True)
    assert "Amal" in page
    response = client.post(
        f"/console/conversations/{conversation.id}/take-over",
        data={"csrf_token": csrf_token(client, "/console/conversations")},
    )
    assert response.status_code == 302
    session.expire_all()
    [handoff] = session.scalars(select(Handoff)).all()
    assert response.headers["Location"] == f"/console/handoffs/{handoff.id}"
    assert (handoff.reason, handoff.status, handoff.assigned_to_id) == (
        Handoff.TAKEN_OVER,
        Handoff.CLAIMED,
        me.id,
    )
    assert handoff.conversation.status == Conversation.STATUS_HELD
    assert actions(session)[-1] == "conversation.take_over"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "le bot se tait" in page.get_data(as_text=True)
    assert "Reprise par une conseillère" in page.get_data(as_text=True)
    assert listed(client) == [handoff.id]
    # Held: no longer among the bot's conversations.
    assert "Amal" not in client.get("/console/conversations").get_data(as_text=True)


def test_a_counsellor_sees_and_takes_over_only_conversations_she_could_then_open(
    client, session: Session
) -> None:
    mine = chatting(session, "+212600000062", "Amal", "fes", "job_seeker")
    anyone = chatting(session, "+212600000063", "Basma", "fes")
    elsewhere = chatting(session, "+212600000064", "Dina", "casablanca", "job_seeker")
    nowhere = chatting(session, "+212600000065", "Farah", None)
    resofem = chatting(session, "+212600000066", "Chama", "fes", "business_idea")
    signed_in(client, session, "counsellor")  # ANAPEC, Fès
    page = client.get("/console/conversations").get_data(as_text=True)
    assert "Amal" in page and "Basma" in page
    for name in ("Dina", "Farah", "Chama"):
        assert name not in page
    form = {"csrf_token": token(client)}
    for conversation in (elsewhere, nowhere, resofem):
        response = client.post(f"/console/conversations/{conversation.id}/take-over", data=form)
        assert response.status_code == 404
    assert session.scalars(select(Handoff)).all() == []
    session.expire_all()
    assert {c.status for c in (mine, anyone, elsewhere, nowhere, resofem)} == {
        Conversation.STATUS_BOT
    }
    assert client.post("/console/conversations/999999/take-over", data=form).status_code == 404


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_staff_see_every_conversation(client, session: Session, role: str) -> None:
    chatting(session, "+212600000067", "Amal", "fes")
    chatting(session, "+212600000068", "Dina", "casablanca")
    chatting(session, "+212600000069", "Farah", None)
    signed_in(client, session, role)
    page = client.get("/console/conversations").get_data(as_text=True)
    assert "Amal" in page and "Dina" in page and "Farah" in page


# -- the thread ------------------------------------------------------------------------


def test_polling_returns_only_the_newer_messages(client, session: Session) -> None:
    handoff = waiting(session, "+212600000071", "Amal", body="salam")
    first = session.scalars(select(Message).order_by(Message.id)).one()
    second = receive(session, "wach kayn chi wa7ed?", phone="+212600000071")
    signed_in(client, session, "counsellor")
    path = f"/console/api/handoffs/{handoff.id}/messages"
    everything = client.get(path).get_json()
    assert [m["body"] for m in everything["messages"]] == ["salam", "wach kayn chi wa7ed?"]
    assert everything["status"] == "open"
    client.post(
        f"/console/handoffs/{handoff.id}/reply", data={"csrf_token": token(client), "body": "Salam"}
    )
    newer = client.get(path, query_string={"after": first.id}).get_json()["messages"]
    assert [(m["direction"], m["kind"], m["body"]) for m in newer] == [
        ("in", "reply", "wach kayn chi wa7ed?"),
        ("out", "agent", "Salam"),
    ]
    assert newer[0]["id"] == second.id
    last = newer[-1]["id"]
    assert client.get(path, query_string={"after": last}).get_json()["messages"] == []
    assert len(client.get(path, query_string={"after": "x"}).get_json()["messages"]) == 3
    assert client.get(path).get_json()["status"] == "claimed"


def test_her_words_are_never_read_as_html(client, session: Session) -> None:
    attack = "<script>alert(1)</script>"
    handoff = waiting(
        session, "+212600000072", '<img src=x onerror="alert(2)">', body=attack, language="fr"
    )
    note = "<b>gras</b>"
    signed_in(client, session, "counsellor")
    client.post(
        f"/console/handoffs/{handoff.id}/notes", data={"csrf_token": token(client), "body": note}
    )
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert attack not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert note not in page and "&lt;b&gt;gras&lt;/b&gt;" in page
    inbox = client.get("/console/").get_data(as_text=True)
    assert "<img src=x" not in inbox and "&lt;img src=x" in inbox
    # The JSON carries her words as they are; the page's script shows them as text.
    messages = client.get(f"/console/api/handoffs/{handoff.id}/messages").get_json()["messages"]
    assert messages[0]["body"] == attack


def test_outside_the_whatsapp_window_she_is_warned(client, session: Session) -> None:
    message = receive(session, "salam", phone="+212600000073", channel="whatsapp")
    message.beneficiary.province = "fes"
    message.conversation.last_inbound_at = utcnow() - timedelta(hours=25)
    handoff, _ = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    session.commit()
    signed_in(client, session, "counsellor")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert "Plus de 24 h depuis son dernier message WhatsApp" in page


# -- her voice notes and photos --------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """requests.get in console.inbox records its calls and answers like Twilio would."""
    import console.inbox

    calls: list[dict[str, Any]] = []

    class Fetched:
        status_code = 200
        content = b"OggS fake voice note"
        headers = {"Content-Type": "audio/ogg"}  # noqa: RUF012

    def fake_get(url: str, **kwargs: Any) -> Fetched:
        calls.append({"url": url, **kwargs})
        return Fetched()

    monkeypatch.setattr(console.inbox.requests, "get", fake_get)
    return calls


@pytest.fixture
def twilio_client(settings, engine, enqueued):  # type: ignore[no-untyped-def]
    """A client of the app with a Twilio account configured."""
    from webhooks import create_app

    app = create_app(
        settings.with_overrides(
            twilio_account_sid="AC" + "0" * 32,
            twilio_auth_token="twilio-token-0123456789",
            twilio_sms_from="+15005550006",
            public_url="http://bot.example.org",
        ),
        enqueue=enqueued,
    )
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["minajliki"].engine.dispose()


def with_media(session: Session, url: str, phone: str = "+212600000081", **kwargs: Any):  # type: ignore[no-untyped-def]
    handoff = waiting(session, phone, "Amal", reason=Handoff.MEDIA, body="", **kwargs)
    message = session.scalars(
        select(Message).where(Message.conversation_id == handoff.conversation_id)
    ).one()
    message.media = [{"url": url, "content_type": "audio/ogg"}]
    session.commit()
    return handoff, message


def test_media_is_404_without_a_twilio_account(
    client, session: Session, no_network: list[dict[str, Any]]
) -> None:
    handoff, message = with_media(session, TWILIO_MEDIA)
    signed_in(client, session, "admin")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert f'src="/console/media/{message.id}/0"' in page
    assert TWILIO_MEDIA not in page  # the page never links to Twilio itself
    assert client.get(f"/console/media/{message.id}/0").status_code == 404
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/2010-04-01/Media/ME1",
        "https://api.twilio.com.evil.example/Media/ME1",
        "http://api.twilio.com/2010-04-01/Media/ME1",
        "file:///etc/passwd",
        "",
    ],
)
def test_media_is_never_fetched_from_an_address_twilio_did_not_give(
    twilio_client, session: Session, no_network: list[dict[str, Any]], url: str
) -> None:
    _, message = with_media(session, url)
    signed_in(twilio_client, session, "admin")
    assert twilio_client.get(f"/console/media/{message.id}/0").status_code == 404
    assert no_network == []


def test_media_is_fetched_from_twilio_with_the_account_and_never_stored(
    twilio_client, session: Session, no_network: list[dict[str, Any]]
) -> None:
    _, message = with_media(session, TWILIO_MEDIA)
    signed_in(twilio_client, session, "counsellor")
    response = twilio_client.get(f"/console/media/{message.id}/0")
    assert response.status_code == 200
    assert response.data == b"OggS fake voice note" and response.mimetype == "audio/ogg"
    assert "no-store" in response.headers["Cache-Control"]
    [call] = no_network
    assert call["url"] == TWILIO_MEDIA
    assert call["auth"] == ("AC" + "0" * 32, "twilio-token-0123456789")
    assert twilio_client.get(f"/console/media/{message.id}/1").status_code == 404
    assert twilio_client.get("/console/media/999999/0").status_code == 404
    assert len(no_network) == 1


def test_media_of_a_handoff_she_cannot_see_is_404(
    twilio_client, session: Session, no_network: list[dict[str, Any]]
) -> None:
    _, message = with_media(session, TWILIO_MEDIA, province="casablanca")
    signed_in(twilio_client, session, "counsellor")  # ANAPEC, Fès
    assert twilio_client.get(f"/console/media/{message.id}/0").status_code == 404
    assert no_network == []


def test_media_of_a_conversation_never_handed_off_is_404(
    twilio_client, session: Session, no_network: list[dict[str, Any]]
) -> None:
    message = receive(session, "", phone="+212600000082")
    message.media = [{"url": TWILIO_MEDIA, "content_type": "image/jpeg"}]
    session.commit()
    signed_in(twilio_client, session, "admin")
    assert twilio_client.get(f"/console/media/{message.id}/0").status_code == 404
    assert no_network == []


def test_the_conversation_page_shows_her_trainings_to_come(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    from bot.trainings import services as trainings
    from tests.support.trainings import training

    handoff = waiting(session, "+212600000555", name="Latifa")
    course = training(session, utcnow() + timedelta(days=3))
    trainings.enroll(session, course.id, handoff.beneficiary, utcnow())
    session.commit()
    signed_in(client, session, "staff")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert course.title("fr") in page and "inscrite" in page


def test_the_conversation_page_shows_where_her_referrals_stand(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    from bot.orientation import services as orientation
    from bot.orientation.advice import advise

    handoff = waiting(session, "+212600000556", name="Zineb")
    referrals = orientation.propose(session, handoff.beneficiary, {}, advise({}), utcnow())
    orientation.accept(referrals[:1], utcnow())
    session.commit()
    signed_in(client, session, "staff")
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert "ANAPEC — nouvelle (elle attend un appel)" in page and "RESOFEM — proposée" in page
