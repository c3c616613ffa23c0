"""Charts drawn on the server as SVG (the console's CSP allows no script from elsewhere and
no inline script): this module works out the geometry, `_charts.html` draws it.

Two shapes, both made to be read on a phone: horizontal bars, one row per category with
its label above the bar (long French labels fit), stacked when there are several series;
and columns over time. Sizes are in the SVG's own units: the image scales to its box.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 320
ROW = 36  # a label line and a bar
BAR = 13
VALUE_ROOM = 64  # right of the longest bar, for its figure
COLUMNS_HEIGHT = 150
COLUMNS_TOP = 16
COLUMNS_BOTTOM = 128  # below: the time labels
MAX_TIME_LABELS = 6
LABEL_CHARS = 46  # a longer label (a broadcast's name) is cut; its title keeps it whole


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    series: int  # its colour (CSS class s0, s1, …)
    title: str  # shown on hover: "WhatsApp, reçus : 120"


@dataclass(frozen=True)
class BarRow:
    label: str
    full_label: str
    text: str  # the figure, written after the bar
    y: float  # top of the row
    segments: tuple[Segment, ...]
    end: float  # where the bar ends (its figure starts there)


@dataclass(frozen=True)
class BarChart:
    title: str
    rows: tuple[BarRow, ...]
    series: tuple[str, ...]  # legend (empty for a single series)
    height: float
    width: int = WIDTH
    bar: int = BAR
    kind: str = "bars"

    @property
    def empty(self) -> bool:
        return not self.rows


def bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[Any]]],
    text: Callable[[Sequence[Any]], str],
    series: Sequence[str] = (),
    scale: float | None = None,
) -> BarChart:
    """One bar per (label, values); several values are stacked. `text` writes a row's
    figure; `scale` is the full width's value (100 for percentages), else the largest."""
    totals = [sum(float(v or 0) for v in values) for _, values in rows]
    top = scale if scale is not None else max(totals, default=0)
    room = WIDTH - VALUE_ROOM
    drawn = []
    for n, (label, values) in enumerate(rows):
        x = 0.0
        segments = []
        for index, value in enumerate(values):
            width = room * float(value or 0) / top if top else 0.0
            if width > 0:
                name = series[index] if index < len(series) else label
                segments.append(Segment(x, width, index, f"{name} : {_plain(value)}"))
            x += width
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        drawn.append(BarRow(short, label, text(values), n * ROW, tuple(segments), x))
    return BarChart(title, tuple(drawn), tuple(series), max(len(drawn), 1) * ROW)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",").removesuffix(",0")


@dataclass(frozen=True)
class ColumnBar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class TimeLabel:
    x: float
    text: str


@dataclass(frozen=True)
class ColumnChart:
    title: str
    columns: tuple[ColumnBar, ...]
    labels: tuple[TimeLabel, ...]
    top_text: str  # the largest value, written at the top left
    width: int = WIDTH
    height: int = COLUMNS_HEIGHT
    baseline: int = COLUMNS_BOTTOM
    kind: str = "columns"

    @property
    def empty(self) -> bool:
        return not any(column.height for column in self.columns)


def columns(title: str, points: Sequence[tuple[str, Any]]) -> ColumnChart:
    """One column per (label, value), in order; a few labels spread under them."""
    top = max((float(value) for _, value in points), default=0.0)
    step = WIDTH / max(len(points), 1)
    plot = COLUMNS_BOTTOM - COLUMNS_TOP
    drawn = []
    for n, (label, value) in enumerate(points):
        height = plot * float(value) / top if top else 0.0
        drawn.append(
            ColumnBar(n * step + step * 0.1, COLUMNS_BOTTOM - height, step * 0.8, height,
                      f"{label} : {_plain(value)}")
        )  # fmt: skip
    every = max(1, math.ceil(len(points) / MAX_TIME_LABELS))
    # Labels are centred under their column, but never cut at either edge.
    marks = tuple(
        TimeLabel(min(max(n * step + step / 2, 24), WIDTH - 24), label)
        for n, (label, _) in enumerate(points)
        if n % every == 0
    )
    return ColumnChart(title, tuple(drawn), marks, _plain(top))
