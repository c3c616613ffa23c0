"""The service directory in the staff console, through Flask: the list and its filters, the
form, CSV import and export, the audit log, and what counsellors may not do."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import csv_io
from bot.directory.models import ServicePoint
from bot.staff.models import AuditLog
from tests.support.console import csrf_token, signed_in


def form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "code": "RESOFEM-FES",
        "partner": "resofem",
        "name": "RESOFEM — antenne Fès-Meknès",
        "province": "fes",
        "city": "Fès",
        "address": "Maison des associations, Fès",
        "phone": "05 35 12 34 56",
        "opening_hours": "lun-ven 09:00-17:00",
        "services": ["project_idea", "coaching"],
        "latitude": "34.0331",
        "longitude": "-5.0003",
        "active": "y",
    }
    values.update(overrides)
    return values


def add_point(session: Session, code: str, **values: object) -> ServicePoint:
    row = {
        "code": code,
        "partner": "ANAPEC",
        "name": f"Agence {code}",
        "province": "fes",
        "city": "Fès",
        "services": "job_search|cv",
        **values,
    }
    fields, problems = csv_io.parse_row(row)  # type: ignore[arg-type]
    assert fields is not None, problems
    saved = csv_io.save_point(session, fields)
    session.commit()
    return saved.point


def all_points(session: Session) -> list[ServicePoint]:
    session.expire_all()
    return list(session.scalars(select(ServicePoint).order_by(ServicePoint.id)))


def audit_actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def last_audit(session: Session) -> AuditLog:
    session.expire_all()
    entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry is not None
    return entry


def token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client, "/console/")


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_point_and_flags_those_to_verify(client, session) -> None:
    signed_in(client, session, "staff")
    add_point(session, "ANAPEC-FES", name="Agence ANAPEC Fès Centre", phone="0535000000")
    add_point(
        session,
        "RESOFEM-CASA",
        partner="RESOFEM",
        name="RESOFEM Casablanca",
        province="casablanca",
        city="Casablanca",
        services="coaching|networking",
        verified="yes",
    )
    page = text(client.get("/console/directory"))
    assert 'aria-current="page">Annuaire</a>' in page
    assert "Agence ANAPEC Fès Centre" in page and "RESOFEM Casablanca" in page
    assert '<td data-label="Province">Fès</td>' in page
    assert '<td data-label="Province">Casablanca</td>' in page
    assert 'href="tel:+212535000000"' in page
    assert "Recherche d&#39;emploi, CV" in page and "Coaching, Réseautage" in page
    assert page.count('<span class="badge unverified">à vérifier</span>') == 1
    assert "1 point à vérifier" in page
    for link in ("new", "import", "export.csv"):
        assert f'href="/console/directory/{link}"' in page


def test_the_list_filters_by_partner_and_province(client, session) -> None:
    signed_in(client, session, "admin")
    add_point(session, "ANAPEC-FES")
    add_point(session, "ANAPEC-RABAT", province="rabat", city="Rabat")
    add_point(session, "RESOFEM-FES", partner="RESOFEM", services="coaching")

    def shown(query: str) -> set[str]:
        page = text(client.get("/console/directory" + query))
        return {code for code in ("ANAPEC-FES", "ANAPEC-RABAT", "RESOFEM-FES") if code in page}

    assert shown("") == {"ANAPEC-FES", "ANAPEC-RABAT", "RESOFEM-FES"}
    assert shown("?partner=ANAPEC") == {"ANAPEC-FES", "ANAPEC-RABAT"}
    assert shown("?partner=resofem") == {"RESOFEM-FES"}
    assert shown("?province=fes") == {"ANAPEC-FES", "RESOFEM-FES"}
    assert shown("?partner=ANAPEC&province=rabat") == {"ANAPEC-RABAT"}
    page = text(client.get("/console/directory?partner=ANAPEC&province=rabat"))
    assert '<option value="rabat" selected>' in page and '<option value="ANAPEC" selected>' in page
    assert "Aucun point pour ce filtre." in text(client.get("/console/directory?province=tata"))


def test_counsellors_find_the_directory_in_the_menu_and_may_read_it(client, session) -> None:
    add_point(session, "ANAPEC-FES")
    signed_in(client, session, "counsellor")
    assert 'href="/console/directory"' in text(client.get("/console/"))
    page = text(client.get("/console/directory"))
    assert "Agence ANAPEC-FES" in page
    assert "/console/directory/new" not in page and "Modifier" not in page


# -- the form ---------------------------------------------------------------------------------


def test_staff_add_a_point_through_the_form(client, session: Session) -> None:
    signed_in(client, session, "staff")
    page = text(client.get("/console/directory/new"))
    assert 'name="services" value="coaching"' in page and 'type="checkbox"' in page
    assert '<option value="fes">Fès</option>' in page
    assert 'id="active" name="active" type="checkbox" value="y"' in page  # ticked by default

    response = client.post(
        "/console/directory/new",
        data={**form(), "csrf_token": csrf_token(client, "/console/directory/new")},
    )
    assert response.status_code == 302, text(response)
    (created,) = all_points(session)
    assert (created.code, created.partner, created.province, created.phone) == (
        "RESOFEM-FES",
        "RESOFEM",
        "fes",
        "+212535123456",
    )
    assert created.services == ["project_idea", "coaching"]
    assert (created.latitude, created.longitude) == (34.0331, -5.0003)
    assert (created.verified, created.active) == (False, True)
    entry = last_audit(session)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "directory.create",
        "service_point",
        str(created.id),
    )
    assert entry.details["code"] == "RESOFEM-FES"


def test_the_form_says_what_is_wrong_in_french_and_saves_nothing(client, session) -> None:
    signed_in(client, session, "admin")
    data = form(province="", phone="12", latitude="48.85", longitude="2.35", city="")
    response = client.post("/console/directory/new", data={**data, "csrf_token": token(client)})
    page = text(response)
    assert response.status_code == 200
    for message in (
        "Champ obligatoire.",
        "Un numéro comme 0522123456 ou +212522123456, ou rien.",
        "Hors du Maroc",
    ):
        assert message in page
    data = form(services=["cv"])  # an ANAPEC service for a RESOFEM point
    page = text(client.post("/console/directory/new", data={**data, "csrf_token": token(client)}))
    assert "Ces services ne sont pas ceux de ce partenaire." in page
    data = form(latitude="34.0331", longitude="")
    page = text(client.post("/console/directory/new", data={**data, "csrf_token": token(client)}))
    assert "Donnez la latitude et la longitude, ou aucune des deux." in page
    assert all_points(session) == []


def test_a_code_already_taken_is_refused(client, session: Session) -> None:
    signed_in(client, session, "staff")
    add_point(session, "RESOFEM-FES", partner="RESOFEM", services="coaching")
    response = client.post("/console/directory/new", data={**form(), "csrf_token": token(client)})
    assert "Un autre point de l&#39;annuaire porte déjà ce code." in text(response)
    assert len(all_points(session)) == 1


def test_without_a_token_nothing_is_saved(client, session: Session) -> None:
    signed_in(client, session, "staff")
    assert client.post("/console/directory/new", data=form()).status_code == 400
    assert all_points(session) == []


def test_staff_verify_and_edit_a_point(client, session: Session) -> None:
    signed_in(client, session, "staff")
    point = add_point(session, "ANAPEC-FES", address="Adresse à vérifier, Fès")

    page = text(client.get(f"/console/directory/{point.id}"))
    assert 'value="ANAPEC-FES"' in page and "À vérifier" in page
    assert 'value="job_search" checked' in page and 'value="interview" checked' not in page

    data = {
        **csv_io.point_row(point),
        "services": ["job_search", "cv", "interview"],
        "address": "12, avenue des FAR, Fès",
        "verified": "y",
        "active": "y",
        "csrf_token": token(client),
    }
    response = client.post(f"/console/directory/{point.id}", data=data)
    assert response.status_code == 302, text(response)
    (edited,) = all_points(session)
    assert edited.id == point.id
    assert (edited.address, edited.verified, edited.active) == (
        "12, avenue des FAR, Fès",
        True,
        True,
    )
    assert edited.services == ["job_search", "cv", "interview"]
    entry = last_audit(session)
    assert entry.action == "directory.update"
    assert entry.details["changes"]["verified"] == ["no", "yes"]
    assert set(entry.details["changes"]) == {"address", "services", "verified"}

    # The same values again: nothing to record.
    client.post(f"/console/directory/{point.id}", data={**data, "csrf_token": token(client)})
    assert audit_actions(session).count("directory.update") == 1

    # Unticked, "active" turns the point off: it stays in the directory.
    del data["active"]
    client.post(f"/console/directory/{point.id}", data={**data, "csrf_token": token(client)})
    assert all_points(session)[0].active is False
    assert "inactif" in text(client.get("/console/directory"))


def test_an_unknown_point_is_not_found(client, session: Session) -> None:
    signed_in(client, session, "staff")
    assert client.get("/console/directory/999999").status_code == 404


# -- CSV ----------------------------------------------------------------------------------------


def csv_text(*rows: dict[str, str]) -> str:
    lines = [",".join(csv_io.COLUMNS)]
    lines.extend(",".join(row.get(c, "") for c in csv_io.COLUMNS) for row in rows)
    return "\n".join(lines) + "\n"


def upload(client, content: str | bytes, name: str = "annuaire.csv"):  # type: ignore[no-untyped-def]
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        "/console/directory/import",
        data={"file": (io.BytesIO(data), name), "csrf_token": token(client)},
        content_type="multipart/form-data",
    )


def test_an_import_with_a_bad_row_imports_the_others_and_shows_the_error(
    client, session: Session
) -> None:
    signed_in(client, session, "staff")
    good = {
        "code": "ANAPEC-SAFI",
        "partner": "ANAPEC",
        "name": "Agence ANAPEC Safi",
        "province": "Safi",
        "city": "Safi",
        "services": "job_search|cv",
        "latitude": "32.2994",
        "longitude": "-9.2372",
    }
    bad = {**good, "code": "BAD-1", "latitude": "-9.2372", "longitude": "32.2994"}
    response = upload(client, csv_text(good, bad))
    page = text(response)
    assert response.status_code == 200
    assert '<strong class="created">1</strong>' in page
    assert '<strong class="rejected">1</strong>' in page
    assert '<tr data-line="3" data-column="latitude">' in page
    assert '<tr data-line="3" data-column="longitude">' in page
    assert "latitude -9.2372 is outside Morocco" in page
    assert [p.code for p in all_points(session)] == ["ANAPEC-SAFI"]
    entry = last_audit(session)
    assert entry.action == "directory.import"
    assert (entry.details["created"], entry.details["errors"]) == (["ANAPEC-SAFI"], 1)


def test_the_import_page_explains_the_format_and_that_the_seed_is_to_verify(
    client, session: Session
) -> None:
    signed_in(client, session, "staff")
    page = text(client.get("/console/directory/import"))
    assert "Le format du fichier" in page and "<code>job_search</code>" in page
    assert "minajliki seed-service-points" in page and "données à vérifier" in page
    response = client.post("/console/directory/import", data={"csrf_token": token(client)})
    assert "Choisissez un fichier." in text(response)


def test_export_downloads_every_point_and_imports_back_unchanged(client, session: Session) -> None:
    signed_in(client, session, "admin")
    add_point(session, "B-ONE", latitude="34.0331", longitude="-5.0003", phone="0612345678")
    add_point(session, "A-TWO", partner="Association Al Amal", services="financing", active="no")
    response = client.get("/console/directory/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    content = data.decode("utf-8-sig")
    assert content.splitlines()[0] == ",".join(csv_io.COLUMNS)
    assert [line.split(",")[0] for line in content.splitlines()[1:]] == ["A-TWO", "B-ONE"]
    assert "+212612345678" in content and "34.0331,-5.0003,no,yes" in content

    page = text(upload(client, data))
    assert '<strong class="unchanged">2</strong>' in page
    assert '<strong class="updated">0</strong>' in page


# -- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console/directory/new",
        "/console/directory/{id}",
        "/console/directory/import",
        "/console/directory/export.csv",
    ],
)
def test_counsellors_cannot_change_the_directory(client, session: Session, path: str) -> None:
    point = add_point(session, "ANAPEC-FES")
    signed_in(client, session, "counsellor")
    assert client.get(path.format(id=point.id)).status_code == 403
    data = {**form(code="ANAPEC-FES", partner="ANAPEC", services=[]), "csrf_token": token(client)}
    response = client.post(path.format(id=point.id), data=data)
    assert response.status_code in (403, 405)
    (unchanged,) = all_points(session)
    assert (unchanged.name, unchanged.partner) == ("Agence ANAPEC-FES", "ANAPEC")
    assert not [a for a in audit_actions(session) if a.startswith("directory.")]


def test_strangers_are_sent_to_the_login_page(client, session: Session) -> None:
    for path in ("/console/directory", "/console/directory/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
