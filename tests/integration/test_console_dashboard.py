"""The dashboard in the console: who sees which figures, the exports and their audit."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.beneficiaries.models import Beneficiary
from bot.staff.models import AuditLog
from tests.support.console import signed_in
from tests.support.reports import build

PERIOD = "from=2026-03-16&to=2026-03-29"


def section(page: str, key: str) -> str:
    found = re.search(rf'<section class="card figures[^"]*" id="{key}".*?</section>', page, re.S)
    assert found, key
    return found.group(0)


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_staff_see_every_figure_with_charts_and_tables(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    build(session)
    signed_in(client, session, "staff")
    response = client.get(f"/console/dashboard?{PERIOD}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers and "<script" not in page
    referrals = section(page, "referrals")
    assert "<svg" in referrals and 'role="img"' in referrals
    assert ">ANAPEC</th>" in referrals and ">RESOFEM</th>" in referrals
    broadcasts = section(page, "broadcasts")
    assert "Salon de l&#39;emploi" in broadcasts and "60\u202f%" in broadcasts
    handoffs = section(page, "handoffs")
    assert (
        "20\u202fmin" in handoffs and "51\u202fmin" in handoffs and "3\u202fh\u202f36" in handoffs
    )
    assert 'data-value="6"' in page  # confirmed registrations, a key figure
    # Filtered by province and partner.
    page = client.get(f"/console/dashboard?{PERIOD}&province=fes&partner=RESOFEM").get_data(
        as_text=True
    )
    assert ">ANAPEC</th>" not in section(page, "referrals")
    assert ">RESOFEM</th>" in section(page, "referrals")


def test_a_counsellor_sees_only_her_partners_figures_and_not_the_dataset(  # type: ignore[no-untyped-def]
    client, session: Session
) -> None:
    build(session)
    signed_in(client, session, "counsellor", partner="ANAPEC", provinces=["fes", "meknes"])
    page = client.get(f"/console/dashboard?{PERIOD}&partner=RESOFEM&province=rabat").get_data(
        as_text=True
    )
    assert "Les chiffres de votre partenaire" in page and "vos provinces : Fès, Meknès" in page
    assert 'value="rabat"' not in page  # only hers to choose from
    # Looking at one of hers, she can still choose the other.
    meknes = client.get(f"/console/dashboard?{PERIOD}&province=meknes").get_data(as_text=True)
    assert 'value="meknes" selected' in meknes and '<option value="fes" >' in meknes
    assert ">ANAPEC</th>" not in section(meknes, "referrals")  # W1's is in Fès
    assert 'name="partner"' not in page  # no partner to choose
    assert ">RESOFEM</th>" not in section(page, "referrals")
    # Her exports are hers too, whatever the address asks.
    rows = csv_rows(client.get(f"/console/dashboard/export/referrals.csv?{PERIOD}&partner=RESOFEM"))
    assert rows[1:] == [["ANAPEC", "0", "1", "0", "0", "1"], ["Total", "0", "1", "0", "0", "1"]]
    assert client.get(f"/console/dashboard/anonymised.csv?{PERIOD}").status_code == 403
    assert client.get(f"/console/dashboard/anonymised.xlsx?{PERIOD}").status_code == 403


def test_exports_are_csv_and_xlsx_and_are_audited(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    build(session)
    signed_in(client, session, "admin")
    rows = csv_rows(client.get(f"/console/dashboard/export/trainings.csv?{PERIOD}"))
    assert rows[-1] == ["Total", "6", "4", "1", "1", "3", "2", "66.7", "2", "2", "50.0"]
    response = client.get(f"/console/dashboard/export/all.xlsx?{PERIOD}")
    assert response.status_code == 200
    assert (
        'filename="minajliki-all-2026-03-16-2026-03-29.xlsx"'
        in response.headers["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert "opt_out" in workbook.sheetnames and "key_figures" in workbook.sheetnames
    one = load_workbook(
        io.BytesIO(client.get(f"/console/dashboard/export/opt_out.xlsx?{PERIOD}").data)
    )
    assert one.sheetnames == ["rapport", "opt_out"]
    assert client.get(f"/console/dashboard/export/nothing.csv?{PERIOD}").status_code == 404
    assert client.get(f"/console/dashboard/export/all.csv?{PERIOD}").status_code == 404
    dataset = csv_rows(client.get(f"/console/dashboard/anonymised.csv?{PERIOD}"))
    assert dataset[0][:2] == ["pseudonym", "registered_on"] and len(dataset) == 7
    phones = {w.phone for w in session.scalars(select(Beneficiary))}
    assert not phones & {cell for row in dataset for cell in row}
    xlsx = load_workbook(
        io.BytesIO(client.get(f"/console/dashboard/anonymised.xlsx?{PERIOD}").data),
        read_only=True,
    )
    assert len(list(xlsx["dataset"].iter_rows(values_only=True))) == 7
    entries = list(session.scalars(select(AuditLog).where(AuditLog.action.like("report.%"))))
    assert [(e.action, e.details["table"], e.details["format"]) for e in entries] == [
        ("report.export", "trainings", "csv"),
        ("report.export", "all", "xlsx"),
        ("report.export", "opt_out", "xlsx"),
        ("report.dataset", "anonymised", "csv"),
        ("report.dataset", "anonymised", "xlsx"),
    ]
    assert entries[0].details["from"] == "2026-03-16"
    assert "Chiffres exportés" in client.get("/console/audit").get_data(as_text=True)


def test_a_bad_period_is_said_and_replaced(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, session, "staff")
    page = client.get("/console/dashboard?from=2026-03-29&to=2026-03-01&province=atlantis")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "La fin de la période est avant son début" in text
    assert "Province inconnue" in text
    assert "du 31/01/2026 au 01/03/2026" in text
    assert "Rien pour cette période." in text


def test_strangers_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/console/dashboard", "/console/dashboard/export/all.xlsx",
                 "/console/dashboard/anonymised.csv"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
