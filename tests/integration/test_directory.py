"""The points offered to a woman (bot.directory.services), on SQLite and PostgreSQL: her
province, then her region, then anywhere; by coordinates, nearest first; active only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.directory.models import ServicePoint
from bot.directory.services import distance_km, nearest_for_province, nearest_to, points_in

CASABLANCA = (33.5731, -7.5898)
RABAT = (34.0209, -6.8416)
FES = (34.0331, -5.0003)
MEKNES = (33.8935, -5.5473)
MARRAKECH = (31.6295, -7.9811)


def point(
    session: Session,
    code: str,
    *,
    partner: str = "ANAPEC",
    province: str = "fes",
    name: str | None = None,
    at: tuple[float, float] | None = None,
    verified: bool = False,
    active: bool = True,
) -> ServicePoint:
    created = ServicePoint(
        code=code,
        partner=partner,
        name=name or f"Point {code}",
        province=province,
        city=province.capitalize(),
        services=[],
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
        verified=verified,
        active=active,
    )
    session.add(created)
    session.commit()
    return created


def codes(points: list[ServicePoint]) -> list[str]:
    return [p.code for p in points]


def test_points_in_a_province_are_the_partners_active_ones_verified_first(
    session: Session,
) -> None:
    point(session, "B", name="Agence B")
    point(session, "A", name="Agence A")
    point(session, "V", name="Agence Z", verified=True)
    point(session, "OFF", name="Agence 0", active=False)
    point(session, "RES", partner="RESOFEM")
    point(session, "MEK", province="meknes")
    assert codes(points_in(session, "ANAPEC", "fes")) == ["V", "A", "B"]
    assert codes(points_in(session, "anapec", "fes")) == ["V", "A", "B"]  # any case
    assert codes(points_in(session, "RESOFEM", "fes")) == ["RES"]
    assert points_in(session, "RESOFEM", "meknes") == []


def test_her_province_comes_first(session: Session) -> None:
    point(session, "FES-1", name="Agence Fès")
    point(session, "MEK-1", province="meknes", name="Agence Meknès", verified=True)
    assert codes(nearest_for_province(session, "ANAPEC", "fes")) == ["FES-1"]


def test_without_a_point_in_her_province_her_region_then_anywhere(session: Session) -> None:
    # Ifrane (Fès-Meknès) has no point: Fès and Meknès do, Rabat is another region.
    point(session, "RABAT-1", province="rabat", name="Agence A Rabat", verified=True)
    point(session, "MEK-1", province="meknes", name="Agence Meknès")
    point(session, "FES-1", province="fes", name="Agence Fès")
    point(session, "TAZA-1", province="taza", name="Agence Taza", verified=True)
    point(session, "SEF-OFF", province="sefrou", name="Agence 0 Sefrou", active=False)
    assert codes(nearest_for_province(session, "ANAPEC", "ifrane")) == ["TAZA-1", "FES-1"]
    assert codes(nearest_for_province(session, "ANAPEC", "ifrane", limit=5)) == [
        "TAZA-1",
        "FES-1",
        "MEK-1",
    ]
    # Nothing in Souss-Massa: any point of the partner, verified first, then by name.
    assert codes(nearest_for_province(session, "ANAPEC", "tiznit", limit=3)) == [
        "RABAT-1",
        "TAZA-1",
        "FES-1",
    ]


def test_no_province_or_an_unknown_one_gives_any_point(session: Session) -> None:
    point(session, "B", province="rabat", name="B")
    point(session, "A", province="casablanca", name="A")
    assert codes(nearest_for_province(session, "ANAPEC", None)) == ["A", "B"]
    assert codes(nearest_for_province(session, "ANAPEC", "atlantis")) == ["A", "B"]
    assert codes(nearest_for_province(session, "ANAPEC", "", limit=1)) == ["A"]
    assert nearest_for_province(session, "ANAPEC", "fes", limit=0) == []
    assert nearest_for_province(session, "RESOFEM", "fes") == []


def test_the_same_question_gets_the_same_answer(session: Session) -> None:
    for code in ("C", "A", "B"):
        point(session, code, province="rabat", name="Agence ANAPEC Rabat")
    answers = {tuple(codes(nearest_for_province(session, "ANAPEC", "rabat", 3))) for _ in range(5)}
    assert len(answers) == 1  # same name: by id, the order they were added
    (answer,) = answers
    assert answer == ("C", "A", "B")


def test_nearest_to_sorts_by_distance_and_gives_it(session: Session) -> None:
    point(session, "CASA", province="casablanca", at=CASABLANCA)
    point(session, "RABAT", province="rabat", at=RABAT)
    point(session, "FES", at=FES)
    point(session, "MEKNES", province="meknes", at=MEKNES)
    point(session, "NOWHERE", province="marrakech")  # no coordinates
    point(session, "OFF", province="marrakech", at=MARRAKECH, active=False)
    point(session, "RES-MARRAKECH", partner="RESOFEM", province="marrakech", at=MARRAKECH)

    # In Salé, just across the river from Rabat.
    found = nearest_to(session, 34.0531, -6.7985, partner="ANAPEC")
    assert [p.code for p, _ in found] == ["RABAT", "CASA", "MEKNES"]
    assert found[0][1] < 10 and 80 < found[1][1] < 100
    assert found[2][1] == distance_km(34.0531, -6.7985, *MEKNES)
    assert [p.code for p, _ in nearest_to(session, *MARRAKECH, limit=2)] == [
        "RES-MARRAKECH",
        "CASA",
    ]
    assert [p.code for p, _ in nearest_to(session, *MARRAKECH, partner="resofem")] == [
        "RES-MARRAKECH"
    ]
    assert nearest_to(session, *FES, limit=0) == []


def test_nearest_to_breaks_ties_verified_first_then_by_name(session: Session) -> None:
    point(session, "B", name="B", at=FES)
    point(session, "A", name="A", at=FES)
    point(session, "V", name="Z", at=FES, verified=True)
    assert [p.code for p, _ in nearest_to(session, *FES)] == ["V", "A", "B"]
