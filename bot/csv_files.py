"""Spreadsheets (CSV) in and out for the staff: what does not depend on what a row describes.

A file is UTF-8 (a BOM, as Excel writes it, is fine), with commas or semicolons (French
Excel), found from the header. Its first line names the columns, in any order and any case.
Every file has a `code` column: the staff's own reference for a row, once per file.

A bad row is reported (its line in the file, the column, what is wrong) and skipped; the
good rows are imported all the same. The feature modules (bot.trainings.csv_io,
bot.directory.csv_io) bring their columns, the checks on a row and its saving.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Literal, Protocol, TypeVar

Source = str | bytes | IO[str] | IO[bytes]
# What saving a good row did.
Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Layout:
    """A kind of file: its columns (in the export's order), those a file cannot leave out,
    what its rows are (plural, for messages) and how many rows a file may have."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    noun: str
    max_rows: int


@dataclass(frozen=True)
class Problem:
    """What is wrong with one value: `code` for a program (the console's French words),
    `message` in English for the import report."""

    column: str | None
    code: str
    message: str


@dataclass(frozen=True)
class RowError:
    """A problem of the file, with the line it is on."""

    line: int  # as in the file: the header is line 1
    column: str | None  # None: the whole row or the whole file
    message: str
    code: str


@dataclass
class ImportReport:
    """What an import did: rows created, updated or unchanged (with their codes), errors."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows read, good and bad."""
        return self.created + self.updated + self.unchanged + len(self.bad_lines)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    def reject(self, line: int, problems: Iterable[Problem]) -> None:
        """The row on this line is not imported, for these problems."""
        self.errors.extend(RowError(line, p.column, p.message, p.code) for p in problems)

    def count(self, code: str, outcome: Outcome) -> None:
        """The row with this code was saved."""
        if outcome == "created":
            self.created += 1
            self.created_codes.append(code)
        elif outcome == "updated":
            self.updated += 1
            self.updated_codes.append(code)
        else:
            self.unchanged += 1


def outcome(created: bool, changed: bool) -> Outcome:
    """A save's outcome from whether it created the record or changed it."""
    if created:
        return "created"
    return "updated" if changed else "unchanged"


# ----------------------------------------------------------------------------- values


def squeeze(text: str | None) -> str:
    """The text with each run of white space made one space, its ends trimmed (None: "")."""
    return " ".join((text or "").split())


def text_problems(
    row: Mapping[str, str], required: Iterable[str], max_lengths: Mapping[str, int]
) -> list[Problem]:
    """The required values that are empty, then the values longer than their limit."""
    problems = [Problem(c, "required", f"{c} is required") for c in required if not row[c]]
    for column, limit in max_lengths.items():
        if len(row[column]) > limit:
            problems.append(
                Problem(
                    column,
                    "too_long",
                    f"{column} is {len(row[column])} characters long; at most {limit}",
                )
            )
    return problems


# ---------------------------------------------------------------------------- reading


def read_text(source: Source, errors: list[RowError]) -> str | None:
    """The text of a file (bytes, text or a stream of either), without its BOM; None, and
    an error, when the bytes are not UTF-8."""
    data = source.read() if hasattr(source, "read") else source
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(
                RowError(
                    1,
                    None,
                    "the file is not UTF-8 text; in Excel, save it as 'CSV UTF-8'",
                    "not_utf8",
                )
            )
            return None
    return str(data).removeprefix("\ufeff")


def sniff_delimiter(header_line: str) -> str:
    """Semicolons when the header has more of them than commas (French Excel), else commas."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def match_header(
    header: Sequence[str], columns: Sequence[str], required: Sequence[str]
) -> tuple[list[str | None], list[RowError]]:
    """The column of each position (None: an empty column), and what is wrong with the
    header: required columns missing, unknown columns, columns named twice."""
    canonical = {column.lower(): column for column in columns}
    found: list[str | None] = []
    unknown: list[str] = []
    twice: list[str] = []
    for name in header:
        name = name.strip().removeprefix("\ufeff")
        if not name:
            found.append(None)
            continue
        column = canonical.get(name.lower())
        if column is None:
            unknown.append(name)
        elif column in found:
            twice.append(column)
        found.append(column)
    errors: list[RowError] = []
    missing = [c for c in required if c not in found]
    if missing:
        errors.append(
            RowError(1, None, f"missing columns: {', '.join(missing)}", "columns_missing")
        )
    if unknown:
        errors.append(
            RowError(
                1,
                None,
                f"unknown columns: {', '.join(unknown)}; the columns are {', '.join(columns)}",
                "columns_unknown",
            )
        )
    if twice:
        errors.append(
            RowError(1, None, f"columns named twice: {', '.join(twice)}", "columns_twice")
        )
    return found, errors


def read_rows(
    source: Source, layout: Layout, errors: list[RowError]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of the file with its line (as in the file: a quoted line break counts),
    as {column: value}; blank lines are skipped.

    What stops the file (not UTF-8, empty, a bad header, a row the csv module cannot read,
    more rows than the layout allows) and a row with more values than columns go to
    `errors`, as they come."""
    text = read_text(source, errors)
    if text is None:
        return
    lines = io.StringIO(text, newline="")
    header_line = lines.readline()
    if not header_line.strip():
        errors.append(
            RowError(1, None, "the file is empty: its first line must name the columns", "empty")
        )
        return
    lines.seek(0)
    reader = csv.reader(lines, delimiter=sniff_delimiter(header_line))
    found, header_errors = match_header(next(reader), layout.columns, layout.required)
    if header_errors:
        errors.extend(header_errors)
        return

    count = 0
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(RowError(line, None, f"this row cannot be read: {error}", "csv"))
            return
        if not any(value.strip() for value in record):
            continue  # a blank line
        count += 1
        if count > layout.max_rows:
            errors.append(
                RowError(
                    line,
                    None,
                    f"too many rows: at most {layout.max_rows} {layout.noun} per file; "
                    "split the file",
                    "too_many_rows",
                )
            )
            return
        if len(record) > len(found) and any(v.strip() for v in record[len(found) :]):
            errors.append(
                RowError(
                    line,
                    None,
                    f"this row has {len(record)} values but the header names {len(found)} "
                    "columns (a value with a comma or semicolon needs quotes)",
                    "extra_values",
                )
            )
            continue
        yield line, {column: value for column, value in zip(found, record, strict=False) if column}


class Coded(Protocol):
    """A row's checked values: at least its code."""

    @property
    def code(self) -> str: ...


F = TypeVar("F", bound=Coded)


def import_rows(
    source: Source,
    layout: Layout,
    report: ImportReport,
    parse: Callable[[dict[str, str]], tuple[F | None, list[Problem]]],
    save: Callable[[F], Outcome],
) -> None:
    """Read the file's rows, check each with `parse` and `save` the good ones, in order;
    a code already seen on an earlier line rejects its row. Counts and errors go to
    `report`."""
    seen: dict[str, int] = {}  # code -> the line it was first imported from
    for line, values in read_rows(source, layout, report.errors):
        fields, problems = parse(values)
        code = squeeze(values.get("code"))
        if code and code in seen:
            problems.append(
                Problem(
                    "code", "code_repeated", f"code '{code}' already appears on line {seen[code]}"
                )
            )
        if problems or fields is None:
            report.reject(line, problems)
            continue
        seen[fields.code] = line
        report.count(fields.code, save(fields))


# ---------------------------------------------------------------------------- writing


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """CSV text, comma-separated, the header first, lines ended by CRLF: what import reads."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[column] for column in columns])
    return out.getvalue()


def resolve_province(text: str, if_unknown: str = "") -> tuple[str | None, Problem | None]:
    """A `province` cell: a gazetteer code, or a province or town name that names exactly
    one province. Empty gives (None, None): each file says whether it may be. `if_unknown`
    ends the message for a name no province matches."""
    from bot import gazetteer  # the one column both files share that needs a reference

    text = text.strip()
    if not text:
        return None, None
    if gazetteer.get(text.lower()) is not None:
        return text.lower(), None
    found = gazetteer.match(text)
    if len(found) == 1:
        return found[0].code, None
    if found:
        names = ", ".join(f"{p.code} ({p.name_fr})" for p in found)
        return None, Problem(
            "province",
            "province_ambiguous",
            f"'{text}' could be any of several provinces: {names}; write the code of one",
        )
    return None, Problem(
        "province",
        "province_unknown",
        f"no Moroccan province matches '{text}'; write a province code such as "
        f"'casablanca' or 'fes' (see bot/data/gazetteer.yml){if_unknown}",
    )
