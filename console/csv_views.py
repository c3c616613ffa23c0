"""What the console's pages on CSV-described records share (the service directory, training
sessions): a record's form checked by the import's rules, the import page and its audit
entry, the export's download, and changes cut short for the audit log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from flask import Response, render_template, stream_with_context
from sqlalchemy.orm import Session

from bot.csv_files import ImportReport, Problem
from bot.staff.audit import audit
from console.auth import client_ip, current_staff
from console.forms import CsvImportForm
from webhooks.context import db

AUDIT_TEXT_LIMIT = 200  # a long value (a description) is cut in the audit log
FILE_NAME_LIMIT = 100  # of the imported file's name, in the audit log


class _Fields(Protocol):
    @property
    def code(self) -> str: ...


class _Record(Protocol):
    @property
    def id(self) -> int: ...


F = TypeVar("F", bound=_Fields)
R = TypeVar("R", bound=ImportReport)


def checked(
    form: Any,
    parse_row: Callable[[dict[str, str]], tuple[F | None, list[Problem]]],
    find_by_code: Callable[[Session, str], _Record | None],
    record: _Record | None,
    words: Mapping[str, str],
    code_taken: str,
) -> F | None:
    """The form's values (`form.row()`) checked by the import's rules; problems go under
    their fields, in French (`words` by problem code). A code that another record than
    `record` (None: a new one) holds puts `code_taken` under the code."""
    fields, problems = parse_row(form.row())
    for problem in problems:
        field = getattr(form, problem.column or "", None)
        message = words.get(problem.code, problem.message)
        if field is None:
            form.form_errors.append(message)
        elif not field.errors:  # one message per field: the form's own check comes first
            field.errors = [*field.errors, message]
    if fields is None:
        return None
    other = find_by_code(db(), fields.code)
    if other is not None and (record is None or other.id != record.id):
        form.code.errors = [*form.code.errors, code_taken]
        return None
    return fields


def _short(value: str) -> str:
    return value if len(value) <= AUDIT_TEXT_LIMIT else value[: AUDIT_TEXT_LIMIT - 1] + "…"


def audit_changes(changes: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """A save's changes (column -> [before, after]) with long values cut for the audit log."""
    return {k: [_short(old), _short(new)] for k, (old, new) in changes.items()}


def import_page(
    template: str,
    run: Callable[[bytes], R],
    action: str,
    target: str,
    *,
    more_details: Callable[[R], dict[str, Any]] | None = None,
    after_commit: Callable[[R], None] | None = None,
    **context: Any,
) -> str:
    """The import page: its form, and once a file is sent, `run` on its bytes, an audit
    entry (`action` on `target`, with `more_details`), the commit, `after_commit`, and the
    report shown above an empty form."""
    form = CsvImportForm()
    report = None
    if form.validate_on_submit():
        report = run(form.file.data.read())
        details: dict[str, Any] = {
            "file": (form.file.data.filename or "")[:FILE_NAME_LIMIT],
            "created": report.created_codes,
            "updated": report.updated_codes,
            "unchanged": report.unchanged,
            "errors": len(report.bad_lines),
        }
        if more_details is not None:
            details.update(more_details(report))
        audit(db(), current_staff(), action, target, None, details, ip=client_ip())
        db().commit()
        if after_commit is not None:
            after_commit(report)
        form = CsvImportForm(formdata=None)
    return render_template(template, form=form, report=report, **context)


def csv_download(text: str, filename: str) -> Response:
    """CSV text as a file to download. With a BOM, Excel reads the accents and the Arabic
    as UTF-8; the import skips it."""
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def csv_stream(
    header: Sequence[str],
    rows: Callable[[], Iterable[Sequence[object]]],
    filename: str,
    every: int = 500,
) -> Response:
    """A large CSV file streamed as its rows are read (a broadcast's 10,000 recipients),
    with the BOM csv_download puts first. `rows` is called once streaming has begun, so
    it reads through the request's database session as the stream sees it: the one the
    request's own teardown closed is never used again (stream_with_context)."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(header)
        for number, row in enumerate(rows(), start=1):
            writer.writerow(row)
            if number % every == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )
