"""A report as tables: what the dashboard draws, and what every export writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bot.reports.filters import Scope

# Kinds of column: how a value is shown and exported.
TEXT = "text"
COUNT = "count"
PERCENT = "percent"  # 0-100, None when there is nothing to divide by
MINUTES = "minutes"
HOURS = "hours"
NUMBER = "number"  # a key figure, whose unit is in its row


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    key: str  # the export's file and sheet name
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    note: str = ""  # what is counted, in a sentence

    def values(self, key: str) -> list[object]:
        index = next(n for n, column in enumerate(self.columns) if column.key == key)
        return [row[index] for row in self.rows]

    def row(self, label: object) -> dict[str, object]:
        """The row whose first cell is `label`, by column key (tests, key figures)."""
        for row in self.rows:
            if row[0] == label:
                return {column.key: value for column, value in zip(self.columns, row, strict=True)}
        raise KeyError(label)


@dataclass(frozen=True)
class Report:
    scope: Scope
    generated_at: datetime
    tables: tuple[Table, ...] = field(default_factory=tuple)

    def __getitem__(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole in percent; None when there is no whole."""
    if not whole:
        return None
    return 100.0 * (part or 0) / whole
