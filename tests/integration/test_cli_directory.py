"""`minajliki seed-service-points` and `import-service-points`: the seed loads once and
says it is data to verify; seeding again keeps staff's corrections; a bad row fails."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.directory.models import ServicePoint


def run(database_url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": database_url})


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(ServicePoint.id))) or 0


def test_the_seed_loads_once_and_says_it_must_be_verified(
    database_url: str, session: Session
) -> None:
    first = run(database_url, "seed-service-points")
    assert first.exit_code == 0, first.output
    loaded = count(session)
    assert loaded >= 25
    assert f"{loaded} created, 0 already there (left as they are), 0 errors" in first.output
    assert "DATA TO VERIFY" in first.output

    # Staff correct one point; seeding again adds nothing and undoes nothing.
    fes = session.scalars(select(ServicePoint).where(ServicePoint.code == "ANAPEC-FES")).one()
    fes.phone, fes.verified = "+212535000000", True
    session.commit()
    again = run(database_url, "seed-service-points")
    assert again.exit_code == 0, again.output
    assert f"0 created, {loaded} already there (left as they are), 0 errors" in again.output
    assert count(session) == loaded
    session.expire_all()
    kept = session.get(ServicePoint, fes.id)
    assert kept is not None and (kept.phone, kept.verified) == ("+212535000000", True)


def test_the_help_says_the_seed_is_data_to_verify() -> None:
    result = CliRunner().invoke(main, ["seed-service-points", "--help"])
    assert result.exit_code == 0 and "DATA TO VERIFY" in " ".join(result.output.split())


def test_an_import_updates_by_code_and_a_bad_row_is_named(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    header = "code,partner,name,province,city,phone,services,latitude,longitude,verified\n"
    good = tmp_path / "good.csv"
    good.write_text(
        header + "ANAPEC-FES,ANAPEC,Agence ANAPEC Fès,fes,Fès,0535123456,cv,34.03,-5.0,oui\n",
        encoding="utf-8",
    )
    first = run(database_url, "import-service-points", str(good))
    assert first.exit_code == 0, first.output
    assert "1 created, 0 updated, 0 unchanged, 0 errors" in first.output
    again = run(database_url, "import-service-points", str(good))
    assert "0 created, 0 updated, 1 unchanged, 0 errors" in again.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + "ANAPEC-FES,ANAPEC,Agence ANAPEC Fès Centre,fes,Fès,0535123456,cv,34.03,-5.0,oui\n"
        + "ANAPEC-X,ANAPEC,Agence X,fes,Fès,0535123456,coaching,,,no\n",
        encoding="utf-8",
    )
    result = run(database_url, "import-service-points", str(bad))
    assert result.exit_code == 1
    assert "0 created, 1 updated, 0 unchanged, 1 errors" in result.output
    assert "line 3, services: coaching: RESOFEM services" in result.output
    session.expire_all()
    (point,) = session.scalars(select(ServicePoint)).all()
    assert (point.name, point.phone, point.verified) == (
        "Agence ANAPEC Fès Centre",
        "+212535123456",
        True,
    )
