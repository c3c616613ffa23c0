"""`minajliki report`: the dashboard's tables as CSV files or one workbook, and the
anonymised dataset, for a period; a wrong option says what is wrong."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot.cli import main
from tests.support.reports import build

PERIOD = ["--from", "2026-03-16", "--to", "2026-03-29"]


def run(database_url: str, *args: str):  # type: ignore[no-untyped-def]
    env = {"DATABASE_URL": database_url, "MINAJLIKI_PSEUDONYM_KEY": "cli study key"}
    return CliRunner().invoke(main, ["report", *args], env=env)


def test_csv_and_xlsx_reports_and_the_dataset(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    build(session)
    result = run(database_url, *PERIOD, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in (tmp_path / "csv").iterdir())
    assert "referrals.csv" in files and "key_figures.csv" in files and len(files) == 14
    with (tmp_path / "csv" / "messages_by_channel.csv").open(encoding="utf-8") as file:
        assert list(csv.reader(file))[-1] == ["Total", "5", "9", "14"]

    result = run(database_url, *PERIOD, "--out", str(tmp_path / "q1.xlsx"), "--partner", "anapec")
    assert result.exit_code == 0, result.output
    assert "report du 16/03/2026 au 29/03/2026" in result.output
    workbook = load_workbook(tmp_path / "q1.xlsx", read_only=True)
    referrals = list(workbook["referrals"].iter_rows(values_only=True))
    assert ("ANAPEC", 0, 1, 1, 1, 3) in referrals
    assert not any(row and row[0] == "RESOFEM" for row in referrals)
    about = {row[0]: row[1] for row in workbook["rapport"].iter_rows(values_only=True) if row[0]}
    assert about["Partenaire"] == "ANAPEC"

    out = tmp_path / "study.csv"
    result = run(database_url, *PERIOD, "--anonymised", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 6 and {row["province"] for row in rows} >= {"fes", "rabat"}
    result = run(database_url, *PERIOD, "--anonymised", "--out", str(tmp_path / "s.xlsx"))
    sheet = load_workbook(tmp_path / "s.xlsx", read_only=True)["dataset"]
    pseudonyms = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(pseudonyms) == sorted(row["pseudonym"] for row in rows)  # one key, one id


def test_a_bad_period_or_province_is_refused(database_url: str, tmp_path: Path) -> None:
    result = run(database_url, "--from", "2026-03-29", "--to", "2026-03-01")
    assert result.exit_code == 2 and "--to is before --from" in result.output
    result = run(database_url, *PERIOD, "--province", "atlantis")
    assert result.exit_code == 2 and "unknown province" in result.output
    result = run(database_url, "--from", "29/03/2026", "--to", "2026-04-01")
    assert result.exit_code == 2 and "dates are YYYY-MM-DD" in result.output
