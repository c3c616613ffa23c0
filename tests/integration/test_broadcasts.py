"""Broadcasts on SQLite and PostgreSQL with an injected clock: segments, preview, approval,
fan-out and the sending rate, quiet hours, opt-out, cancel and resume, status counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.beneficiaries import reachability
from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import audience, services, tracking
from bot.broadcasts.dispatch import tick
from bot.broadcasts.models import MISSING_SKIP, Broadcast
from bot.broadcasts.preview import preview
from bot.broadcasts.pricing import Prices
from bot.messaging.models import SMS, Conversation, Message
from bot.messaging.processing import drain, send_pending
from bot.messaging.quiet_hours import QuietHours
from bot.messaging.services import InboundMessage, record_status, store_inbound
from bot.orientation.models import Referral
from bot.trainings.models import BUSINESS, JOB, Enrollment
from tests.support.broadcasts import TEXTS, broadcast, staff_member, tick_until_quiet
from tests.support.fakes import FakeRasa, FakeSender
from tests.support.trainings import registered_woman, training

# Tuesday 1 December 2026, 10:00 UTC = 11:00 in Casablanca.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NIGHT = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Casablanca
QUIET = QuietHours.parse("21:00-08:00")
PRICES = Prices.parse("sms=0.10, whatsapp_template=0.05, whatsapp_session=0.01, currency=MAD")


def ids(
    session: Session, segment: audience.Segment, texts: dict[str, str] | None = None
) -> set[int]:
    query = audience.recipients(segment, texts or TEXTS, "french", Beneficiary.id)
    return set(session.scalars(query))


def broadcast_messages(session: Session, broadcast_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.broadcast_id == broadcast_id).order_by(Message.id)
        )
    )


def last_wrote(session: Session, her: Beneficiary, when: datetime) -> None:
    conversation = session.scalar(select(Conversation).where(Conversation.beneficiary_id == her.id))
    assert conversation is not None
    conversation.last_inbound_at = when
    session.commit()


# -- segments ---------------------------------------------------------------------------------


def test_segments_filter_on_province_track_language_channel_and_registration(
    session: Session,
) -> None:
    fes_job = registered_woman(session, NOW, province="fes", goal="find_job")
    fes_business = registered_woman(session, NOW, province="fes", language="ary")
    rabat_sms = registered_woman(session, NOW, province="rabat", channel=SMS, language="ar")
    newcomer = registered_woman(session, NOW, province="rabat", language="ary_Latn")
    newcomer.registered_at = NOW - timedelta(hours=2)
    unregistered = registered_woman(session, NOW, province="fes")
    unregistered.registered_at = None
    session.commit()

    assert ids(session, audience.Segment()) == {
        fes_job.id,
        fes_business.id,
        rabat_sms.id,
        newcomer.id,
    }
    assert unregistered.id in ids(session, audience.Segment(registered_only=False))
    assert ids(session, audience.Segment(provinces=("fes",))) == {fes_job.id, fes_business.id}
    assert ids(session, audience.Segment(tracks=(JOB,))) == {fes_job.id}
    assert fes_business.id in ids(session, audience.Segment(tracks=(BUSINESS,)))
    assert ids(session, audience.Segment(languages=("ar", "ary"))) == {
        fes_business.id,
        rabat_sms.id,
    }
    assert ids(session, audience.Segment(channels=(SMS,))) == {rabat_sms.id}
    # Registration dates are Morocco days, both ends included.
    today = date(2026, 12, 1)
    assert ids(session, audience.Segment(registered_from=today)) == {newcomer.id}
    assert newcomer.id not in ids(
        session, audience.Segment(registered_to=today - timedelta(days=1))
    )


def test_segments_on_a_training_and_on_referrals(session: Session) -> None:
    enrolled, waiting, attended, absent, other = (registered_woman(session, NOW) for _ in range(5))
    course = training(session, NOW - timedelta(days=3), capacity=5)
    for woman, status, attendance in (
        (enrolled, Enrollment.ENROLLED, None),
        (waiting, Enrollment.WAITLISTED, None),
        (attended, Enrollment.ENROLLED, Enrollment.ATTENDED),
        (absent, Enrollment.ENROLLED, Enrollment.ABSENT),
    ):
        session.add(
            Enrollment(
                session_id=course.id, beneficiary_id=woman.id, status=status, attendance=attendance
            )
        )
    session.add(Referral(beneficiary_id=other.id, partner="ANAPEC", status=Referral.CONTACTED))
    session.add(Referral(beneficiary_id=enrolled.id, partner="RESOFEM", status=Referral.PROPOSED))
    session.commit()

    def on(status: str | None) -> set[int]:
        return ids(session, audience.Segment(training_id=course.id, training_status=status))

    assert on(None) == {enrolled.id, waiting.id, attended.id, absent.id}
    assert on("enrolled") == {enrolled.id, attended.id, absent.id}
    assert on("waitlisted") == {waiting.id}
    assert on("attended") == {attended.id}
    assert on("absent") == {absent.id}
    assert ids(session, audience.Segment(referral_partner="ANAPEC")) == {other.id}
    assert ids(session, audience.Segment(referral_status=Referral.PROPOSED)) == {enrolled.id}
    assert (
        ids(session, audience.Segment(referral_partner="ANAPEC", referral_status=Referral.PROPOSED))
        == set()
    )


def test_only_women_who_may_receive_it_are_chosen(session: Session) -> None:
    fine = registered_woman(session, NOW)
    opted_out = registered_woman(session, NOW)
    reachability.opt_out(session, opted_out, source="keyword")
    paused = registered_woman(session, NOW)
    paused.sending_paused_at = NOW
    erasing = registered_woman(session, NOW)
    erasing.erasure_requested_at = NOW
    refused = registered_woman(session, NOW)
    refused.consent = Beneficiary.CONSENT_REFUSED
    never_wrote = Beneficiary(
        phone="+212699999999", consent=Beneficiary.CONSENT_GIVEN, registered_at=NOW
    )
    session.add(never_wrote)
    session.commit()

    assert ids(session, audience.Segment()) == {fine.id}
    left_out = session.scalar(audience.left_out(audience.Segment(), func.count(Beneficiary.id)))
    assert left_out == 4  # the one who never wrote has no channel: not counted at all


def test_the_missing_language_rule(session: Session) -> None:
    french = registered_woman(session, NOW, language="fr")
    darija = registered_woman(session, NOW, language="ary")
    texts = {"fr": "Bonjour", "ar": "مرحبا"}
    author = staff_member(session)
    skipping = broadcast(session, author, NOW, texts=texts, missing_language=MISSING_SKIP)
    in_french = broadcast(session, author, NOW, texts=texts)
    tick_until_quiet(session, NOW)

    assert [m.beneficiary_id for m in broadcast_messages(session, skipping.id)] == [french.id]
    sent = {
        m.beneficiary_id: (m.language, m.body) for m in broadcast_messages(session, in_french.id)
    }
    assert sent == {french.id: ("fr", "Bonjour"), darija.id: ("fr", "Bonjour")}


# -- preview ----------------------------------------------------------------------------------


def test_preview_counts_recipients_segments_and_cost_per_language(session: Session) -> None:
    for _ in range(3):
        registered_woman(session, NOW, language="fr", channel=SMS)
    for _ in range(2):
        registered_woman(session, NOW, language="ar", channel=SMS)
    registered_woman(session, NOW, language="ar")  # wrote an hour ago: window open
    window_closed = registered_woman(session, NOW, language="ar")
    last_wrote(session, window_closed, NOW - timedelta(days=3))
    reachability.opt_out(session, registered_woman(session, NOW), source="keyword")
    session.commit()
    author = staff_member(session)
    texts = {"fr": "a" * 161, "ar": "ب" * 70}  # French: 2 segments; Arabic: 1
    draft = services.save(
        session, services.Draft(name="Preview", texts=texts, segment=audience.Segment()), author
    )
    session.commit()

    seen = preview(
        session, draft, NOW, PRICES, templates={"fr": "HX" + "0" * 32}, sms_available=True
    )

    by_language = {line.language: line for line in seen.lines}
    assert seen.recipients == 7 and seen.left_out == 1 and seen.currency == "MAD"
    fr, ar = by_language["fr"], by_language["ar"]
    assert (fr.sms, fr.whatsapp_open, fr.whatsapp_closed) == (3, 0, 0)
    assert (fr.count.encoding, fr.count.segments) == ("gsm7", 2)
    assert (ar.sms, ar.whatsapp_open, ar.whatsapp_closed) == (2, 1, 1)
    assert (ar.count.encoding, ar.count.segments) == ("ucs2", 1)
    assert seen.sms_segments == 3 * 2 + 2 * 1
    # 3 × 2 × 0.10 + 2 × 1 × 0.10 + 1 session × 0.01 + 1 template × 0.05
    assert seen.cost == Decimal("0.86")


def test_preview_without_template_prices_whatsapp_outside_the_window_as_sms(
    session: Session,
) -> None:
    her = registered_woman(session, NOW, language="fr")
    last_wrote(session, her, NOW - timedelta(days=2))
    draft = services.save(
        session,
        services.Draft(name="x", texts={"fr": "Salut"}, segment=audience.Segment()),
        staff_member(session),
    )
    seen = preview(session, draft, NOW, PRICES, templates={}, sms_available=True)
    assert seen.sms_fallback and seen.cost == Decimal("0.10")


# -- approval and scheduling --------------------------------------------------------------------


def test_a_second_person_approves_when_approval_is_required(session: Session) -> None:
    author, other = staff_member(session), staff_member(session)
    draft = services.save(
        session, services.Draft(name="x", texts={"fr": "Salut"}, segment=audience.Segment()), author
    )
    session.commit()
    services.submit(session, draft, author, NOW, approval=True)
    assert draft.status == Broadcast.AWAITING_APPROVAL
    with pytest.raises(services.BroadcastError) as refused:
        services.approve(session, draft, author, NOW, approval=True)
    assert refused.value.code == "second_person_required"

    services.approve(session, draft, other, NOW, approval=True)
    assert draft.status == Broadcast.SENDING and draft.approved_by_id == other.id


def test_a_scheduled_broadcast_starts_at_its_time(session: Session) -> None:
    registered_woman(session, NOW)
    later = NOW + timedelta(hours=3)
    made = broadcast(session, staff_member(session), NOW, send_at=later)
    assert made.status == Broadcast.SCHEDULED
    assert tick_until_quiet(session, NOW) == []
    assert tick_until_quiet(session, later)
    session.refresh(made)
    assert made.status == Broadcast.SENDING and made.started_at == later


def test_a_draft_with_problems_is_refused_with_a_code(session: Session) -> None:
    author = staff_member(session)

    def code(**changes: object) -> str:
        fields: dict[str, object] = {
            "name": "x", "texts": {"fr": "Salut"}, "segment": audience.Segment(),
        } | changes  # fmt: skip
        with pytest.raises(services.BroadcastError) as problem:
            services.save(session, services.Draft(**fields), author)  # type: ignore[arg-type]
        return problem.value.code

    assert code(name=" ") == "name_required"
    assert code(texts={}) == "text_required"
    assert code(texts={"ar": "مرحبا"}) == "french_required"
    assert code(texts={"fr": "a" * 1601}) == "text_too_long"
    assert code(content_sid="HXnothex") == "content_sid_invalid"
    assert code(segment=audience.Segment(languages=("en",))) == "language_invalid"
    assert code(segment=audience.Segment(training_status="attended")) == "training_required"


# -- sending ------------------------------------------------------------------------------------


def test_the_rate_limits_messages_released_per_sender_and_tick(session: Session) -> None:
    women = [registered_woman(session, NOW) for _ in range(5)]
    women += [registered_woman(session, NOW, channel=SMS) for _ in range(3)]
    made = broadcast(session, staff_member(session), NOW)

    first = tick(session, NOW, QUIET, rate=2)
    assert first.written == 8
    assert len(first.to_send) == 4  # two per sender
    # Nothing sent yet: at most two seconds' worth may be on their way per sender
    # (two more WhatsApp, the last SMS).
    assert len(tick(session, NOW, QUIET, rate=2).to_send) == 3
    assert tick(session, NOW, QUIET, rate=2).to_send == []
    statuses = [m.status for m in broadcast_messages(session, made.id)]
    assert statuses.count(Message.PENDING) == 7 and statuses.count(Message.WAITING) == 1


def test_nothing_is_released_in_quiet_hours_and_it_goes_in_the_morning(session: Session) -> None:
    registered_woman(session, NOW)
    made = broadcast(session, staff_member(session), NIGHT)
    assert tick_until_quiet(session, NIGHT, quiet=QUIET) == []
    assert [m.status for m in broadcast_messages(session, made.id)] == [Message.WAITING]
    morning = datetime(2026, 12, 2, 8, 1, tzinfo=UTC)  # 09:01 in Casablanca
    assert len(tick_until_quiet(session, morning, quiet=QUIET)) == 1


def test_each_woman_gets_it_once_in_her_language_and_then_it_is_done(session: Session) -> None:
    women = [registered_woman(session, NOW, language=lang) for lang in TEXTS]
    made = broadcast(session, staff_member(session), NOW)
    sender = FakeSender()
    for _ in range(3):  # ticks repeated, workers handed her twice: still once each
        for beneficiary_id in tick_until_quiet(session, NOW):
            drain(session, beneficiary_id, FakeRasa(), sender)
            drain(session, beneficiary_id, FakeRasa(), sender)
    assert sorted(body for _, body in sender.sent) == sorted(TEXTS.values())
    assert {phone for phone, _ in sender.sent} == {w.phone for w in women}
    tick(session, NOW, QUIET, rate=10)
    session.refresh(made)
    assert made.status == Broadcast.DONE and made.recipients == 4
    counts = tracking.status_counts(session, made.id)
    assert counts.by_bucket["queued"] == 4 and counts.total == 4


def test_a_second_fan_out_of_the_same_batch_is_refused_not_doubled(session: Session) -> None:
    registered_woman(session, NOW)
    made = broadcast(session, staff_member(session), NOW)
    tick(session, NOW, QUIET, rate=10)
    # A crashed tick's twin: the cursor goes back, the same woman is written again.
    made.cursor, made.fanned_out = 0, False
    session.commit()
    tick(session, NOW, QUIET, rate=10)  # IntegrityError caught: the tick carries on
    assert len(broadcast_messages(session, made.id)) == 1


def test_she_opts_out_after_it_was_written_so_it_is_cancelled(session: Session) -> None:
    her = registered_woman(session, NOW)
    made = broadcast(session, staff_member(session), NOW)
    handed = tick_until_quiet(session, NOW)
    reachability.opt_out(session, her, source="keyword")
    session.commit()
    sender = FakeSender()
    send_pending(session, handed[0], sender, NOW)
    assert sender.sent == []
    assert [m.status for m in broadcast_messages(session, made.id)] == ["canceled"]


def test_pause_resume_and_cancel(session: Session) -> None:
    for _ in range(6):
        registered_woman(session, NOW)
    made = broadcast(session, staff_member(session), NOW)
    assert len(tick(session, NOW, QUIET, rate=2).to_send) == 2
    services.pause(session, made)
    session.commit()
    assert tick_until_quiet(session, NOW) == []
    services.resume(session, made, NOW)
    session.commit()
    assert len(tick(session, NOW, QUIET, rate=2).to_send) == 2  # from where it stopped
    cancelled = services.cancel(session, made, NOW)
    session.commit()
    assert cancelled == 6  # two waiting, four released but not yet sent
    assert tick_until_quiet(session, NOW) == []
    with pytest.raises(services.BroadcastError):
        services.resume(session, made, NOW)


# -- tracking -----------------------------------------------------------------------------------


def test_status_callbacks_make_the_counts_and_a_refused_whatsapp_counts_by_its_resend(
    session: Session,
) -> None:
    women = [registered_woman(session, NOW) for _ in range(5)]
    made = broadcast(session, staff_member(session), NOW)
    sender = FakeSender()
    for beneficiary_id in tick_until_quiet(session, NOW):
        send_pending(session, beneficiary_id, sender, NOW)
    sids = {m.beneficiary_id: m.twilio_sid for m in broadcast_messages(session, made.id)}
    a, b, c, d, e = (sids[w.id] for w in women)
    record_status(session, a, "delivered", None, None)
    record_status(session, b, "read", None, None)
    record_status(session, c, "failed", 30008, "Unknown error")
    record_status(session, d, "undelivered", 30003, "Unreachable")
    record_status(session, e, "undelivered", 63016, "Outside the window")  # re-sent by SMS
    refused = session.scalar(select(Message).where(Message.twilio_sid == e))
    send_pending(session, refused.beneficiary_id, sender, NOW)
    resend = session.scalar(select(Message).where(Message.fallback_of_id == refused.id))
    record_status(session, resend.twilio_sid, "delivered", None, None)

    counts = tracking.status_counts(session, made.id)
    assert counts.by_bucket["delivered"] == 2 and counts.by_bucket["read"] == 1
    assert counts.by_bucket["failed"] == 1 and counts.by_bucket["undelivered"] == 1
    assert counts.by_error == [(30003, 1), (30008, 1)]  # 63016 was mended by the re-send
    assert counts.rate("delivered", "read") == pytest.approx(3 / 5)
    rows = list(tracking.recipient_rows(session, made.id))
    assert len(rows) == 5 and all("*" in row.phone for row in rows)

    # "Resend to those it failed for": a new draft whose segment is exactly them.
    again = services.resend_failed(session, made, None)
    session.commit()
    assert ids(session, audience.Segment.from_dict(again.segment)) == {women[2].id, women[3].id}
    assert again.status == Broadcast.DRAFT and again.resend_of_id == made.id


def test_her_reply_to_a_broadcast_goes_to_the_bot_in_her_conversation(session: Session) -> None:
    her = registered_woman(session, NOW)
    broadcast(session, staff_member(session), NOW)
    sender = FakeSender()
    for beneficiary_id in tick_until_quiet(session, NOW):
        drain(session, beneficiary_id, FakeRasa(), sender)
    store_inbound(
        session,
        InboundMessage(
            sid="SM" + "1" * 32, from_address=f"whatsapp:{her.phone}", to_address="x", body="Merci"
        ),
    )
    rasa = FakeRasa()
    drain(session, her.id, rasa, sender)
    assert len(rasa.calls) == 1 and "screen" not in rasa.calls[0][2]
    assert rasa.calls[0][0] == her.public_id and rasa.calls[0][1] == "Merci"
    assert sender.sent[-1] == (her.phone, "echo: Merci")


def test_two_workers_ticking_at_once_write_and_release_each_woman_once(
    session: Session,
    engine,  # type: ignore[no-untyped-def]
) -> None:
    import threading

    from bot.broadcasts import dispatch
    from bot.db import make_session_factory

    women = [registered_woman(session, NOW) for _ in range(25)]
    made = broadcast(session, staff_member(session), NOW)
    barrier = threading.Barrier(2)
    handed: list[int] = []
    original_batch = dispatch.FANOUT_BATCH
    dispatch.FANOUT_BATCH = 10  # several batches, so the two workers interleave

    def worker() -> None:
        own = make_session_factory(engine)()
        barrier.wait()
        for _ in range(10):
            handed.extend(tick(own, NOW, QUIET, rate=1000).to_send)
        own.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        dispatch.FANOUT_BATCH = original_batch
    session.expire_all()
    written = broadcast_messages(session, made.id)
    assert sorted(m.beneficiary_id for m in written) == sorted(w.id for w in women)
    assert sorted(handed) == sorted(w.id for w in women)  # each handed to a worker once
    assert session.get(Broadcast, made.id).recipients == 25


def test_a_cancel_that_comes_while_a_worker_holds_her_message_wins(session: Session) -> None:
    registered_woman(session, NOW)
    made = broadcast(session, staff_member(session), NOW)
    [woman] = tick_until_quiet(session, NOW)
    message = broadcast_messages(session, made.id)[0]
    assert message.status == Message.PENDING  # read as pending by a worker …
    session.execute(  # … then staff cancel, from another process
        update(Message).where(Message.id == message.id).values(status="canceled")
    )
    session.commit()
    from bot.messaging.processing import claim_for_sending

    assert not claim_for_sending(session, message)
    assert message.status == "canceled"
    sender = FakeSender()
    send_pending(session, woman, sender, NOW)
    assert sender.sent == []
