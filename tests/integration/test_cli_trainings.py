"""`minajliki import-trainings`: the example file imports; a bad row is named and fails."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.settings import PROJECT_ROOT
from bot.trainings.models import TrainingSession

EXAMPLE = PROJECT_ROOT / "bot" / "data" / "training_sessions.example.csv"


def run(database_url: str, path: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        main, ["import-trainings", str(path)], env={"DATABASE_URL": database_url}
    )


def test_the_example_file_imports_and_again_changes_nothing(
    database_url: str, session: Session
) -> None:
    first = run(database_url, EXAMPLE)
    assert first.exit_code == 0, first.output
    assert "6 created, 0 updated, 0 unchanged, 0 errors" in first.output
    again = run(database_url, EXAMPLE)
    assert "0 created, 0 updated, 6 unchanged, 0 errors" in again.output
    assert session.scalar(select(func.count(TrainingSession.id))) == 6


def test_a_bad_row_is_named_with_its_line_and_the_command_fails(
    database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,partner,topic,track,province,title_fr,starts_at,ends_at,place,capacity\n"
        "OK-1,ANAPEC,CV,job,fes,Écrire son CV,2027-01-10 10:00,2027-01-10 12:00,Agence,10\n"
        "BAD-1,ANAPEC,CV,job,fes,CV,2027-01-10 10:00,2027-01-10 09:00,Agence,10\n",
        encoding="utf-8",
    )
    result = run(database_url, bad)
    assert result.exit_code == 1
    assert "1 created" in result.output
    assert "line 3, ends_at: ends_at must be after starts_at" in result.output
