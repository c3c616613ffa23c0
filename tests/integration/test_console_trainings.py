"""Training sessions in the staff console, through Flask: the list, the form, CSV import and
export, who may do what, and attendance (with the follow-up after "absent")."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.messaging.models import Message
from bot.staff.models import AuditLog
from bot.trainings import csv_io, services
from bot.trainings.models import Enrollment, TrainingSession
from tests.support.console import csrf_token, make_staff, signed_in
from tests.support.fakes import RecordingEnqueue
from tests.support.trainings import registered_woman, training

MOROCCO = ZoneInfo("Africa/Casablanca")


def form(**overrides: str) -> dict[str, str]:
    values = {column: "" for column in csv_io.COLUMNS}
    values.update(
        code="RESOFEM-FES-01",
        partner="RESOFEM",
        topic="gestion",
        track="business",
        province="fes",
        title_fr="Tenir ses comptes",
        title_ary="كيفاش تحسبي المداخيل والمصاريف",
        description_fr="Un cahier de caisse, pas à pas.",
        starts_at="2027-02-17T10:00",  # Ramadan 2027: Morocco is on UTC+0
        ends_at="2027-02-17T12:00",
        place="Maison des associations, Fès",
        capacity="12",
    )
    values.update(overrides)
    return values


def all_sessions(session: Session) -> list[TrainingSession]:
    session.expire_all()
    return list(session.scalars(select(TrainingSession).order_by(TrainingSession.id)))


def audit_actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def last_audit(session: Session) -> AuditLog:
    session.expire_all()
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None
    return entry


def notices_of(session: Session) -> list[Message]:
    session.expire_all()
    query = select(Message).where(Message.kind == Message.TRAINING_NOTICE).order_by(Message.id)
    return list(session.scalars(query))


def token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client, "/console/")


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_upcoming_sessions_with_seats_and_waiting(client, session) -> None:
    signed_in(client, session, "staff")
    now = utcnow()
    soon = training(session, now + timedelta(days=2), capacity=1, province="casablanca")
    online = training(session, now + timedelta(days=3), province=None)
    over = training(session, now - timedelta(days=3))
    for minutes in range(3):
        woman = registered_woman(session, now)
        services.enroll(session, soon.id, woman, now + timedelta(minutes=minutes))
    session.commit()

    page = text(client.get("/console/trainings"))
    assert 'aria-current="page">Formations</a>' in page
    assert soon.title("fr") in page and online.title("fr") in page
    assert over.title("fr") not in page
    assert page.index(soon.title("fr")) < page.index(online.title("fr"))  # soonest first
    assert "Casablanca" in page and "Toutes / en ligne" in page
    assert '<span class="seats">1/1</span>' in page and '<span class="waiting">2</span>' in page
    local = soon.starts_at.astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")
    assert local in page
    for link in ("new", "import", "export.csv"):
        assert f'href="/console/trainings/{link}"' in page

    past = text(client.get("/console/trainings?when=past"))
    assert over.title("fr") in past and soon.title("fr") not in past


def test_every_role_finds_the_trainings_in_the_menu(client, session) -> None:
    signed_in(client, session, "counsellor")
    page = text(client.get("/console/"))
    assert 'href="/console/trainings"' in page and "Formations" in page


# -- the form ---------------------------------------------------------------------------------


def test_staff_create_a_session_through_the_form(client, session: Session) -> None:
    signed_in(client, session, "staff")
    page = text(client.get("/console/trainings/new"))
    assert 'type="datetime-local"' in page and 'dir="auto"' in page
    assert '<option value="fes">Fès</option>' in page

    response = client.post(
        "/console/trainings/new",
        data={**form(), "csrf_token": csrf_token(client, "/console/trainings/new")},
    )
    assert response.status_code == 302, text(response)
    (created,) = all_sessions(session)
    assert (created.code, created.partner, created.track, created.province) == (
        "RESOFEM-FES-01",
        "RESOFEM",
        "business",
        "fes",
    )
    # Morocco's 10:00 in Ramadan 2027, whatever its offset is then.
    assert created.starts_at == datetime(2027, 2, 17, 10, 0, tzinfo=MOROCCO).astimezone(UTC)
    assert created.titles == {"fr": "Tenir ses comptes", "ary": "كيفاش تحسبي المداخيل والمصاريف"}
    assert created.capacity == 12
    entry = last_audit(session)
    assert (entry.action, entry.target_id) == ("training.create", str(created.id))


def test_the_form_says_what_is_wrong_in_french_and_saves_nothing(client, session) -> None:
    signed_in(client, session, "admin")
    data = form(title_fr="", title_ary="", ends_at="2027-02-17T09:00", place="", capacity="0")
    response = client.post("/console/trainings/new", data={**data, "csrf_token": token(client)})
    page = text(response)
    assert response.status_code == 200
    for message in (
        "Donnez un titre, dans au moins une des quatre langues.",
        "La fin doit venir après le début.",
        "Indiquez un lieu ou un lien en ligne.",
        "Un nombre entier de places, au moins 1.",
    ):
        assert message in page
    data = form(online_url="ftp://example.org")
    page = text(client.post("/console/trainings/new", data={**data, "csrf_token": token(client)}))
    assert "Une adresse web commençant par http:// ou https://." in page
    assert all_sessions(session) == []


def test_a_code_already_taken_is_refused(client, session: Session) -> None:
    signed_in(client, session, "staff")
    training(session, utcnow() + timedelta(days=2), code="RESOFEM-FES-01")
    response = client.post("/console/trainings/new", data={**form(), "csrf_token": token(client)})
    assert "Une autre session porte déjà ce code." in text(response)
    assert len(all_sessions(session)) == 1


def test_staff_edit_a_session_and_a_raised_capacity_seats_the_next_woman(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    signed_in(client, session, "staff")
    now = utcnow()
    course = training(session, now + timedelta(days=4), capacity=1, code="T-EDIT")
    first, second, third = (registered_woman(session, now) for _ in range(3))
    for minutes, woman in enumerate((first, second, third)):
        services.enroll(session, course.id, woman, now + timedelta(minutes=minutes))
    session.commit()

    page = text(client.get(f"/console/trainings/{course.id}"))
    local = course.starts_at.astimezone(MOROCCO).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page and 'value="T-EDIT"' in page

    data = {**csv_io.session_row(course), "csrf_token": token(client)}
    data.update(title_fr="Monter son projet, pas à pas", capacity="2")
    response = client.post(f"/console/trainings/{course.id}", data=data)
    assert response.status_code == 302, text(response)

    (edited,) = all_sessions(session)
    assert (edited.title("fr"), edited.capacity) == ("Monter son projet, pas à pas", 2)
    assert edited.starts_at == course.starts_at  # its time did not move
    waiting = session.scalars(select(Enrollment).where(Enrollment.status == "waitlisted")).all()
    assert [e.beneficiary_id for e in waiting] == [third.id]
    assert enqueued.calls == [second.id]  # told about her seat by the worker
    notices = session.scalars(select(Message).where(Message.kind == Message.TRAINING_NOTICE))
    assert [m.beneficiary_id for m in notices] == [second.id]
    entry = last_audit(session)
    assert entry.action == "training.update"
    assert entry.details["changes"]["capacity"] == ["1", "2"]
    assert set(entry.details["changes"]) == {"title_fr", "capacity"}

    # The same values again: nothing to record.
    client.post(f"/console/trainings/{course.id}", data={**data, "csrf_token": token(client)})
    assert audit_actions(session).count("training.update") == 1


def test_staff_moving_a_session_tells_the_women_with_a_seat(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    signed_in(client, session, "staff")
    now = utcnow()
    course = training(session, now + timedelta(days=4), code="T-MOVE")
    woman = registered_woman(session, now, language="ary")
    services.enroll(session, course.id, woman, now)
    session.commit()

    data = {**csv_io.session_row(course), "csrf_token": token(client)}
    moved = course.starts_at + timedelta(days=1)
    data.update(
        starts_at=moved.astimezone(MOROCCO).strftime("%Y-%m-%dT%H:%M"),
        ends_at=(moved + timedelta(hours=2)).astimezone(MOROCCO).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(f"/console/trainings/{course.id}", data=data, follow_redirects=True)

    assert "1 femme inscrite est prévenue du nouvel horaire ou lieu." in text(response)
    [notice] = session.scalars(select(Message).where(Message.kind == Message.TRAINING_NOTICE))
    assert notice.beneficiary_id == woman.id and notice.body.startswith("كاين تبديل")
    assert enqueued.calls == [woman.id]  # the worker sends it
    entry = last_audit(session)
    assert entry.action == "training.update" and entry.details["told"] == [
        session.scalars(select(Enrollment.id)).one()
    ]


def test_cancelling_a_session_tells_the_women_in_it(client, session: Session, enqueued) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, session, "admin")
    now = utcnow()
    course = training(session, now + timedelta(days=4))
    woman = registered_woman(session, now)
    services.enroll(session, course.id, woman, now)
    session.commit()

    assert client.post(f"/console/trainings/{course.id}/cancel").status_code == 400  # no token
    response = client.post(
        f"/console/trainings/{course.id}/cancel", data={"csrf_token": token(client)}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(TrainingSession, course.id).canceled_at is not None  # type: ignore[union-attr]
    place = session.scalars(select(Enrollment)).one()
    assert (place.status, place.canceled_by) == ("canceled", Enrollment.SESSION_CANCELED)
    [notice] = session.scalars(select(Message).where(Message.kind == "training_notice")).all()
    assert notice.beneficiary_id == woman.id and course.title("fr") in notice.body
    assert enqueued.calls == [woman.id]
    assert audit_actions(session)[-1] == "training.cancel"
    assert "annulée" in text(client.get("/console/trainings"))


# -- CSV ----------------------------------------------------------------------------------------


def csv_text(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_io.COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in csv_io.COLUMNS])
    return out.getvalue()


def upload(client, content: str | bytes, name: str = "sessions.csv"):  # type: ignore[no-untyped-def]
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        "/console/trainings/import",
        data={"file": (io.BytesIO(data), name), "csrf_token": token(client)},
        content_type="multipart/form-data",
    )


def test_an_import_with_a_bad_row_imports_the_others_and_shows_the_error(
    client, session: Session
) -> None:
    signed_in(client, session, "staff")
    good = {**form(), "starts_at": "2027-02-17 10:00", "ends_at": "2027-02-17 12:00"}
    bad = {**good, "code": "BAD-1", "province": "Atlantis"}
    response = upload(client, csv_text(good, bad))
    page = text(response)
    assert response.status_code == 200
    assert '<strong class="created">1</strong>' in page
    assert '<strong class="rejected">1</strong>' in page
    assert '<tr data-line="3" data-column="province">' in page
    assert "no Moroccan province matches &#39;Atlantis&#39;" in page
    assert [s.code for s in all_sessions(session)] == ["RESOFEM-FES-01"]
    entry = last_audit(session)
    assert entry.action == "training.import"
    assert (entry.details["created"], entry.details["errors"]) == (["RESOFEM-FES-01"], 1)


def test_the_import_page_needs_a_file(client, session: Session) -> None:
    signed_in(client, session, "staff")
    assert "Le format du fichier" in text(client.get("/console/trainings/import"))
    response = client.post("/console/trainings/import", data={"csrf_token": token(client)})
    assert "Choisissez un fichier." in text(response)


def test_export_downloads_every_session_and_imports_back_unchanged(
    client, session: Session
) -> None:
    signed_in(client, session, "admin")
    now = utcnow()
    training(session, now + timedelta(days=2), code="ONE")
    training(session, now - timedelta(days=20), code="OLD", province=None)
    response = client.get("/console/trainings/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # Excel then reads the Arabic as UTF-8
    content = data.decode("utf-8-sig")
    assert content.splitlines()[0] == ",".join(csv_io.COLUMNS)
    assert [line.split(",")[0] for line in content.splitlines()[1:]] == ["OLD", "ONE"]

    page = text(upload(client, data))
    assert '<strong class="unchanged">2</strong>' in page
    assert '<strong class="updated">0</strong>' in page


# -- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console/trainings/new",
        "/console/trainings/{id}",
        "/console/trainings/import",
        "/console/trainings/export.csv",
    ],
)
def test_counsellors_cannot_manage_sessions(client, session: Session, path: str) -> None:
    course = training(session, utcnow() + timedelta(days=2))
    signed_in(client, session, "counsellor", partner="RESOFEM")
    assert client.get(path.format(id=course.id)).status_code == 403
    response = client.post(path.format(id=course.id), data={**form(), "csrf_token": token(client)})
    assert response.status_code in (403, 405)
    cancel_path = f"/console/trainings/{course.id}/cancel"
    cancel = client.post(cancel_path, data={"csrf_token": token(client)})
    assert cancel.status_code == 403
    assert len(all_sessions(session)) == 1 and all_sessions(session)[0].canceled_at is None


def test_a_counsellor_sees_her_partners_sessions_only(client, session: Session) -> None:
    now = utcnow()
    ours = training(session, now + timedelta(days=2))  # partner "resofem"
    theirs = training(session, now + timedelta(days=2), code="ANAPEC-1")
    theirs.partner = "ANAPEC"
    session.commit()
    signed_in(client, session, "counsellor", partner="RESOFEM")

    page = text(client.get("/console/trainings"))
    assert ours.title("fr") in page and theirs.title("fr") not in page
    assert "/console/trainings/new" not in page and "Modifier" not in page
    assert client.get(f"/console/trainings/{ours.id}/enrollments").status_code == 200
    assert client.get(f"/console/trainings/{theirs.id}/enrollments").status_code == 404


def test_strangers_are_sent_to_the_login_page(client, session: Session) -> None:
    for path in ("/console/trainings", "/console/trainings/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


# -- enrollments and attendance ------------------------------------------------------------------


def started_session_with_women(session: Session) -> tuple[TrainingSession, list[Enrollment]]:
    """A session that began an hour ago; two women with a seat and one waiting."""
    now = utcnow()
    course = training(session, now - timedelta(hours=1), capacity=2)
    women = [registered_woman(session, now) for _ in range(3)]
    women[2].first_name = "Zineb"
    before = now - timedelta(days=2)
    enrollments = [
        services.enroll(session, course.id, woman, before + timedelta(minutes=i)).enrollment
        for i, woman in enumerate(women)
    ]
    session.commit()
    return course, [e for e in enrollments if e is not None]


def test_the_enrollments_page_lists_seats_then_the_waiting_list(client, session) -> None:
    course, (first, _second, _waiting) = started_session_with_women(session)
    first.confirmed_at = utcnow() - timedelta(days=1)
    session.commit()
    signed_in(client, session, "counsellor", partner="RESOFEM")
    page = text(client.get(f"/console/trainings/{course.id}/enrollments"))
    assert page.index(first.beneficiary.first_name) < page.index("Zineb")  # type: ignore[arg-type]
    assert "+2126*****" in page and first.beneficiary.phone not in page  # masked
    assert page.count('value="absent"') == 2  # buttons for the women with a seat only
    assert '<td data-label="Position">1</td>' in page
    assert '<td data-label="A confirmé">oui</td>' in page


def test_marking_absent_twice_sends_one_follow_up_and_hands_her_to_the_worker(
    client, session: Session, enqueued: RecordingEnqueue
) -> None:
    course, (first, _second, _waiting) = started_session_with_women(session)
    counsellor = signed_in(client, session, "counsellor", partner="RESOFEM")
    path = f"/console/trainings/{course.id}/enrollments/{first.id}/attendance"

    for _ in range(2):
        response = client.post(path, data={"attendance": "absent", "csrf_token": token(client)})
        assert response.status_code == 302

    session.expire_all()
    notices = session.scalars(
        select(Message).where(
            Message.kind == Message.TRAINING_NOTICE,
            Message.beneficiary_id == first.beneficiary_id,
        )
    ).all()
    assert len(notices) == 1 and notices[0].direction == Message.OUTBOUND
    assert first.beneficiary_id in enqueued.calls
    marked = session.get(Enrollment, first.id)
    assert marked is not None
    assert (marked.attendance, marked.attendance_marked_by_id) == ("absent", counsellor.id)
    assert audit_actions(session)[-2:] == ["training.attendance", "training.attendance"]

    # "Attended" after all: marked, and no message.
    client.post(path, data={"attendance": "attended", "csrf_token": token(client)})
    session.expire_all()
    assert session.get(Enrollment, first.id).attendance == "attended"  # type: ignore[union-attr]
    assert notices_of(session) == notices


def test_attendance_needs_the_session_to_have_started_and_a_seat(client, session) -> None:
    course, (_first, _second, waiting) = started_session_with_women(session)
    later = training(session, utcnow() + timedelta(days=2))
    woman = registered_woman(session, utcnow())
    early = services.enroll(session, later.id, woman, utcnow()).enrollment
    session.commit()
    assert early is not None
    signed_in(client, session, "staff")

    response = client.post(
        f"/console/trainings/{later.id}/enrollments/{early.id}/attendance",
        data={"attendance": "absent", "csrf_token": token(client)},
    )
    assert response.status_code == 302
    response = client.post(
        f"/console/trainings/{course.id}/enrollments/{waiting.id}/attendance",
        data={"attendance": "absent", "csrf_token": token(client)},
    )
    assert response.status_code == 302
    # An enrollment of another session under this one's address: not found.
    wrong = client.post(
        f"/console/trainings/{course.id}/enrollments/{early.id}/attendance",
        data={"attendance": "absent", "csrf_token": token(client)},
    )
    assert wrong.status_code == 404
    session.expire_all()
    assert all(e.attendance is None for e in session.scalars(select(Enrollment)))
    assert notices_of(session) == []


def test_a_counsellor_of_another_partner_cannot_mark_attendance(client, session) -> None:
    course, (first, _second, _waiting) = started_session_with_women(session)
    make_staff(session, "admin")
    signed_in(client, session, "counsellor", partner="ANAPEC")
    response = client.post(
        f"/console/trainings/{course.id}/enrollments/{first.id}/attendance",
        data={"attendance": "absent", "csrf_token": token(client)},
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Enrollment, first.id).attendance is None  # type: ignore[union-attr]
