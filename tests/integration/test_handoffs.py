"""Handoffs in the worker: who triggers them, bot silence while held, the way back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.handoffs import services
from bot.handoffs.models import Handoff
from bot.handoffs.office_hours import OfficeHours
from bot.i18n import render
from bot.messaging.models import Conversation, Message
from bot.messaging.processing import drain
from tests.integration.test_processing import outbound, receive
from tests.support.fakes import FakeRasa, FakeSender

ALWAYS_OPEN = OfficeHours.parse("mon-sun 00:00-23:59")
NEVER_OPEN_TODAY = OfficeHours.parse("mon-sun 00:00-00:01")


def handoffs(session: Session) -> list[Handoff]:
    return list(session.scalars(select(Handoff).order_by(Handoff.id)))


def test_media_alone_goes_to_a_counsellor_not_to_the_bot(session: Session) -> None:
    message = receive(session, "")
    message.media = [{"url": "https://api.twilio.com/media/ME1", "content_type": "audio/ogg"}]
    session.commit()
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, FakeSender(), hours=ALWAYS_OPEN)
    assert rasa.calls == []
    [handoff] = handoffs(session)
    assert (handoff.reason, handoff.status, handoff.priority) == (
        Handoff.MEDIA,
        Handoff.OPEN,
        False,
    )
    assert handoff.conversation.status == Conversation.STATUS_HELD
    assert [m.body for m in outbound(session)] == [render("utter_handoff_media", "fr")]


def test_distress_opens_a_priority_handoff_with_emergency_numbers(session: Session) -> None:
    message = receive(session, "rajli kaydrbni, 3awnini")
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, FakeSender(), hours=NEVER_OPEN_TODAY)
    assert rasa.calls == []
    [handoff] = handoffs(session)
    assert (handoff.reason, handoff.priority) == (Handoff.DISTRESS, True)
    [notice] = outbound(session)
    assert "19" in notice.body and "8350" in notice.body


def test_outside_office_hours_she_is_told_when_a_counsellor_answers(session: Session) -> None:
    message = receive(session, "")
    message.media = [{"url": "https://api.twilio.com/media/ME2", "content_type": "image/jpeg"}]
    session.commit()
    drain(session, message.beneficiary_id, FakeRasa(), FakeSender(), hours=NEVER_OPEN_TODAY)
    [notice] = outbound(session)
    when = NEVER_OPEN_TODAY.next_opening(utcnow())
    assert when is not None
    assert notice.body == render("utter_handoff_media_closed", "fr", when=when.isoformat())


def test_the_bot_stays_silent_while_a_counsellor_holds_the_conversation(session: Session) -> None:
    first = receive(session, "salam")
    handoff, opened = services.open_handoff(session, first.conversation, Handoff.REQUESTED)
    session.commit()
    assert opened
    before = handoff.last_activity_at
    second = receive(session, "wach kayn chi wa7ed?")
    rasa = FakeRasa()
    drain(session, first.beneficiary_id, rasa, FakeSender())
    assert rasa.calls == []  # neither message reached the bot
    assert outbound(session) == []
    session.refresh(handoff)
    assert handoff.last_activity_at >= before
    assert session.get(Message, second.id).status == Message.HANDLED  # type: ignore[union-attr]


def test_opening_twice_keeps_one_handoff_and_raises_its_priority(session: Session) -> None:
    message = receive(session, "salam")
    first, opened = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    again, opened_again = services.open_handoff(
        session, message.conversation, Handoff.DISTRESS, priority=True
    )
    assert opened and not opened_again and first is again and again.priority


def test_a_counsellor_reply_is_sent_by_the_worker_and_resolving_gives_her_back(
    session: Session,
) -> None:
    message = receive(session, "salam")
    handoff, _ = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    handoff.conversation.beneficiary.language = "ary_Latn"
    session.commit()
    services.reply(session, handoff, staff_id=None, body="Salam Fatima, ana Nadia.")  # type: ignore[arg-type]
    session.commit()
    sender = FakeSender()
    drain(session, message.beneficiary_id, FakeRasa(), sender)
    [sent] = [m for m in outbound(session) if m.kind == Message.AGENT]
    assert sent.body == "Salam Fatima, ana Nadia." and sent.status != Message.PENDING
    assert handoff.first_response_at is not None
    services.resolve(
        session, handoff, by="counsellor", notice=render("utter_handoff_resolved", "ary_Latn")
    )
    session.commit()
    drain(session, message.beneficiary_id, FakeRasa(), sender)
    assert handoff.conversation.status == Conversation.STATUS_BOT
    assert outbound(session)[-1].kind == Message.NOTICE
    # Back with the bot: her next message reaches Rasa again.
    receive(session, "chokran")
    rasa = FakeRasa()
    drain(session, message.beneficiary_id, rasa, sender)
    assert [text for _, text, _ in rasa.calls] == ["chokran"]


def test_idle_handoffs_are_found_for_release(session: Session) -> None:
    message = receive(session, "salam")
    handoff, _ = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    handoff.last_activity_at = utcnow() - timedelta(hours=30)
    session.commit()
    assert services.idle_handoffs(session, timedelta(hours=24)) == [handoff]
    assert services.idle_handoffs(session, timedelta(hours=48)) == []


def test_her_answers_route_the_handoff_to_a_partner(session: Session) -> None:
    message = receive(session, "salam")
    beneficiary = message.beneficiary
    beneficiary.situation, beneficiary.province = "business_idea", "fes"
    handoff, _ = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    assert (handoff.partner, handoff.province) == (services.RESOFEM, "fes")


def test_erasure_removes_counsellors_notes_about_her(session: Session) -> None:
    from bot.beneficiaries.erasure import erase
    from bot.handoffs.models import HandoffNote

    message = receive(session, "salam")
    handoff, _ = services.open_handoff(session, message.conversation, Handoff.REQUESTED)
    services.add_note(session, handoff, None, "Fatima, 3 enfants, cherche du travail à Fès")
    session.commit()
    erase(session, message.beneficiary, tracker=None)
    assert session.scalars(select(HandoffNote)).all() == []
    assert session.get(Handoff, handoff.id) is not None  # still counted
