"""The SQL pieces that differ between SQLite and PostgreSQL, and percentiles in SQL.

- `local_bucket(ts, period)`: the day ("2026-11-29"), week (its Monday) or month
  ("2026-11") of a UTC timestamp in Morocco's calendar, as text, the same on both.
- `seconds_between(a, b)`: b - a in seconds, as a float.
- `percentiles(...)`: p50/p90 of a value per group, ranked by window functions in the
  database; only the two rows around each percentile come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    case,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.reports.periods import DAY, MONTH, WEEK, Period


class _LocalKey(FunctionElement[str]):
    """(timestamp, offset in seconds) -> text key; subclasses name the unit."""

    type = String()
    inherit_cache = True


class _LocalDay(_LocalKey):
    inherit_cache = True


class _LocalWeek(_LocalKey):
    inherit_cache = True


class _LocalMonth(_LocalKey):
    inherit_cache = True


_SQLITE_FORMATS = {
    _LocalDay: "strftime('%Y-%m-%d', {jd})",
    _LocalWeek: "date({jd}, '-6 days', 'weekday 1')",  # the Monday on or before
    _LocalMonth: "strftime('%Y-%m', {jd})",
}
_POSTGRES_FORMATS = {
    _LocalDay: "to_char({ts}, 'YYYY-MM-DD')",
    _LocalWeek: "to_char(date_trunc('week', {ts}), 'YYYY-MM-DD')",
    _LocalMonth: "to_char({ts}, 'YYYY-MM')",
}


def _arguments(element: _LocalKey, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    ts, offset = list(element.clauses)
    return compiler.process(ts, **kw), compiler.process(offset, **kw)


@compiles(_LocalKey, "sqlite")
def _local_key_sqlite(element: _LocalKey, compiler: SQLCompiler, **kw: Any) -> str:
    ts, offset = _arguments(element, compiler, **kw)
    # SQLite keeps the UTC time as text; julianday() reads it, days are added as fractions.
    jd = f"(julianday({ts}) + ({offset}) / 86400.0)"
    return _SQLITE_FORMATS[type(element)].format(jd=jd)


@compiles(_LocalKey, "postgresql")
def _local_key_postgresql(element: _LocalKey, compiler: SQLCompiler, **kw: Any) -> str:
    ts, offset = _arguments(element, compiler, **kw)
    local = f"(({ts} AT TIME ZONE 'UTC') + ({offset}) * INTERVAL '1 second')"
    return _POSTGRES_FORMATS[type(element)].format(ts=local)


_UNITS: dict[str, type[_LocalKey]] = {DAY: _LocalDay, WEEK: _LocalWeek, MONTH: _LocalMonth}


def utc_offset(ts: ColumnElement[datetime], period: Period) -> ColumnElement[int]:
    """Morocco's offset (seconds) at `ts`, for timestamps inside the period."""
    spans = period.offsets()
    if len(spans) == 1:
        return literal(spans[0][1], Integer)
    # Spans are ordered: the first whose end is after ts holds it.
    whens = [(ts < spans[n + 1][0], spans[n][1]) for n in range(len(spans) - 1)]
    return case(*whens, else_=spans[-1][1])


def local_bucket(ts: ColumnElement[datetime], period: Period) -> ColumnElement[str]:
    return _UNITS[period.unit](ts, utc_offset(ts, period))


class seconds_between(FunctionElement[float]):  # (named like the SQL function it is)
    """b - a in seconds (NULL when either is NULL)."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({b}) - julianday({a})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({b} - {a}))"


def percentiles(
    session: Session,
    value: ColumnElement[float],
    where: Iterable[ColumnElement[bool]],
    group: ColumnElement[Any] | None = None,
    qs: Sequence[int] = (50, 90),
) -> dict[Any, dict[int, float]]:
    """{group: {q: value}} for each percentile q (0-100) of `value` among the rows that
    match `where` (NULL values left out), interpolated like PostgreSQL's percentile_cont.
    Without `group`, the one key is None."""
    key = group if group is not None else literal(0, Integer)
    values = select(key.label("g"), value.label("v")).where(*where, value.is_not(None)).subquery()
    partition = values.c.g if group is not None else None
    ranked = select(
        values.c.g,
        values.c.v,
        (func.row_number().over(partition_by=partition, order_by=values.c.v) - 1).label("i"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()
    # Integer division floors on both databases: the rank below the percentile, and the
    # one above it to interpolate with.
    wanted = [ranked.c.i.between((ranked.c.n - 1) * q // 100, (ranked.c.n - 1) * q // 100 + 1)
              for q in qs]  # fmt: skip
    rows = session.execute(
        select(ranked.c.g, ranked.c.i, ranked.c.n, ranked.c.v).where(or_(*wanted))
    ).all()
    found: dict[Any, dict[int, float]] = {}
    sizes: dict[Any, int] = {}
    for g, i, n, v in rows:
        found.setdefault(g, {})[int(i)] = float(v)
        sizes[g] = int(n)
    result: dict[Any, dict[int, float]] = {}
    for g, ranks in found.items():
        n = sizes[g]
        result[None if group is None else g] = {
            q: _interpolate(ranks, (n - 1) * q // 100, (n - 1) * q / 100) for q in qs
        }
    return result


def _interpolate(ranks: dict[int, float], low: int, exact: float) -> float:
    below = ranks[low]
    above = ranks.get(low + 1, below)
    return below + (above - below) * (exact - low)


def without_jit(session: Session) -> None:
    """PostgreSQL compiles queries it thinks costly (JIT): for these, which read tens of
    thousands of rows once, compiling costs more than it saves (see make bench-reports).
    For this transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
