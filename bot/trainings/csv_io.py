"""Training sessions in and out of a spreadsheet (CSV), for programme staff.

One row per session, with a header row. UTF-8 (a BOM, as Excel writes it, is fine); commas
or semicolons (French Excel), found from the header. Times are Morocco's local time,
"YYYY-MM-DD HH:MM", converted to UTC with zoneinfo (Africa/Casablanca: UTC+1, UTC+0 during
Ramadan), never a fixed offset. `code` is the staff's own reference: a known code updates
its session, a new one creates a session.

A bad row is reported (its line in the file, the column, what is wrong) and skipped; the
good rows are imported all the same. Nothing here commits: the caller does. Reading and
writing the file itself (encoding, separator, header, line numbers) is bot.csv_files'.

The console's form goes through the same `parse_row` and `save_session`, so a session
typed in the form and one imported obey the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import csv_files
from bot.csv_files import Layout, Outcome, Problem, Source
from bot.csv_files import RowError as RowError  # re-exported: the report's errors
from bot.messaging.quiet_hours import QuietHours
from bot.trainings import services
from bot.trainings.models import ALL, TRACKS, Enrollment, TrainingSession
from bot.trainings.offsets import parse_offsets

MOROCCO = ZoneInfo("Africa/Casablanca")
TIME_FORMAT = "%Y-%m-%d %H:%M"
# Also read: what a browser's datetime-local input sends, and seconds a spreadsheet adds.
_TIME_FORMATS = (TIME_FORMAT, "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")

LANGUAGES = ("fr", "ar", "ary", "ary_Latn")
TITLE_COLUMNS = tuple(f"title_{language}" for language in LANGUAGES)
DESCRIPTION_COLUMNS = tuple(f"description_{language}" for language in LANGUAGES)
COLUMNS = (
    "code",
    "partner",
    "topic",
    "track",
    "province",
    *TITLE_COLUMNS,
    *DESCRIPTION_COLUMNS,
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
)
# Without these the file cannot describe a session; the others may be left out (empty).
REQUIRED_COLUMNS = ("code", "partner", "topic", "starts_at", "ends_at", "capacity")

# The model's String() lengths; titles and descriptions (JSON) get limits that keep a
# message short enough to read on a phone.
MAX_LENGTHS = {
    "code": 64,
    "partner": 64,
    "topic": 120,
    "place": 255,
    "online_url": 255,
    **dict.fromkeys(TITLE_COLUMNS, 200),
    **dict.fromkeys(DESCRIPTION_COLUMNS, 1000),
}
MAX_CAPACITY = 100_000
MAX_ROWS = 5000
LAYOUT = Layout(COLUMNS, REQUIRED_COLUMNS, "sessions", MAX_ROWS)


# ------------------------------------------------------------------------- the report


@dataclass
class ImportReport(csv_files.ImportReport):
    """bot.csv_files' report, with the women a raised capacity gave a seat and those
    told of a new time or place."""

    # Women moved from a waiting list to a seat by a raised capacity, and women told of a
    # new time or place: the caller commits, then hands each of them to the worker so her
    # message leaves.
    promoted: list[Enrollment] = field(default_factory=list)
    told: list[Enrollment] = field(default_factory=list)

    @property
    def promoted_beneficiaries(self) -> list[int]:
        return list(dict.fromkeys(e.beneficiary_id for e in self.promoted))

    @property
    def to_hand_over(self) -> list[Enrollment]:
        return [*self.told, *self.promoted]


# ------------------------------------------------------------------------ one session


@dataclass(frozen=True)
class SessionFields:
    """A session's values, checked; times in UTC."""

    code: str
    partner: str
    topic: str
    track: str
    province: str | None
    titles: dict[str, str]
    descriptions: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    place: str | None
    online_url: str | None
    capacity: int

    def to_row(self) -> dict[str, str]:
        """The CSV form (times in Morocco's time): what export writes."""
        row = {
            "code": self.code,
            "partner": self.partner,
            "topic": self.topic,
            "track": self.track,
            "province": self.province or "",
            "starts_at": local_text(self.starts_at),
            "ends_at": local_text(self.ends_at),
            "place": self.place or "",
            "online_url": self.online_url or "",
            "capacity": str(self.capacity),
        }
        for language in LANGUAGES:
            row[f"title_{language}"] = self.titles.get(language, "")
            row[f"description_{language}"] = self.descriptions.get(language, "")
        return {column: row[column] for column in COLUMNS}


def local_text(moment: datetime, separator: str = " ") -> str:
    """A UTC time as Morocco reads it: "2027-02-10 09:30" (separator "T" for a form)."""
    return moment.astimezone(MOROCCO).strftime(f"%Y-%m-%d{separator}%H:%M")


def from_local(text: str) -> datetime | None:
    """ "2027-02-10 09:30" in Morocco's time → UTC; None when it is no such time.
    In the hour clocks are set back, the first of the two moments is meant (fold=0)."""
    text = " ".join(text.split())
    for form in _TIME_FORMATS:
        try:
            naive = datetime.strptime(text, form)
        except ValueError:
            continue
        return naive.replace(tzinfo=MOROCCO).astimezone(UTC)
    return None


def fields_of(training: TrainingSession) -> SessionFields:
    return SessionFields(
        code=training.code,
        partner=training.partner,
        topic=training.topic,
        track=training.track,
        province=training.province,
        titles={k: v for k, v in (training.titles or {}).items() if v},
        descriptions={k: v for k, v in (training.descriptions or {}).items() if v},
        starts_at=training.starts_at,
        ends_at=training.ends_at,
        place=training.place,
        online_url=training.online_url,
        capacity=training.capacity,
    )


def session_row(training: TrainingSession) -> dict[str, str]:
    return fields_of(training).to_row()


def resolve_province(text: str) -> tuple[str | None, Problem | None]:
    """Her province, or empty for a session open to every province (online)."""
    return csv_files.resolve_province(
        text, ", or leave it empty for a session open to every province"
    )


def parse_row(values: Mapping[str, str | None]) -> tuple[SessionFields | None, list[Problem]]:
    """Check one session's values (CSV columns as keys; missing keys count as empty)."""
    row = {column: csv_files.squeeze(values.get(column)) for column in COLUMNS}
    # Descriptions may keep their line breaks; only the ends are trimmed.
    for column in DESCRIPTION_COLUMNS:
        text = (values.get(column) or "").replace("\r\n", "\n").replace("\r", "\n")
        row[column] = text.strip()
    problems = csv_files.text_problems(row, ("code", "partner", "topic"), MAX_LENGTHS)

    track = row["track"].lower() or ALL
    if track not in TRACKS:
        problems.append(
            Problem(
                "track",
                "track_invalid",
                f"track must be job, business or all, not '{row['track']}'",
            )
        )

    province, problem = resolve_province(row["province"])
    if problem is not None:
        problems.append(problem)

    titles = {lang: row[f"title_{lang}"] for lang in LANGUAGES if row[f"title_{lang}"]}
    descriptions = {
        lang: row[f"description_{lang}"] for lang in LANGUAGES if row[f"description_{lang}"]
    }
    if not titles:
        problems.append(
            Problem(
                "title_fr",
                "title_required",
                "a title is required: fill title_fr, title_ar, title_ary or title_ary_Latn",
            )
        )

    times: dict[str, datetime | None] = {}
    for column in ("starts_at", "ends_at"):
        text = row[column]
        times[column] = from_local(text) if text else None
        if not text:
            problems.append(
                Problem(
                    column,
                    "required",
                    f"{column} is required (Morocco time, like 2027-02-10 09:30)",
                )
            )
        elif times[column] is None:
            problems.append(
                Problem(
                    column,
                    "datetime_invalid",
                    f"{column} '{text}' is not a date and time like 2027-02-10 09:30 "
                    "(YYYY-MM-DD HH:MM, Morocco time)",
                )
            )
    starts_at, ends_at = times["starts_at"], times["ends_at"]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(Problem("ends_at", "ends_before_start", "ends_at must be after starts_at"))

    online_url = row["online_url"]
    if online_url and not _is_web_address(online_url):
        problems.append(
            Problem(
                "online_url",
                "url_invalid",
                f"online_url '{online_url}' is not a web address starting with http:// or https://",
            )
        )
    if not row["place"] and not online_url:
        problems.append(
            Problem(
                "place",
                "place_required",
                "a place or an online_url is required: where do the women go?",
            )
        )

    capacity = _whole_number(row["capacity"])
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        shown = f"'{row['capacity']}'" if row["capacity"] else "empty"
        problems.append(
            Problem(
                "capacity",
                "capacity_invalid",
                f"capacity must be a whole number of seats, at least 1; it is {shown}",
            )
        )

    if problems:
        return None, problems
    assert starts_at is not None and ends_at is not None and capacity is not None
    return (
        SessionFields(
            code=row["code"],
            partner=row["partner"],
            topic=row["topic"],
            track=track,
            province=province,
            titles=titles,
            descriptions=descriptions,
            starts_at=starts_at,
            ends_at=ends_at,
            place=row["place"] or None,
            online_url=online_url or None,
            capacity=capacity,
        ),
        [],
    )


def _is_web_address(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and " " not in text


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if text.endswith(".0"):  # a spreadsheet's 25.0
        text = text[:-2]
    return int(text) if text.isascii() and text.isdigit() else None


# --------------------------------------------------------------------------- saving


@dataclass
class Saved:
    training: TrainingSession
    created: bool
    # column -> [before, after], in the CSV's words (empty when nothing changed)
    changes: dict[str, list[str]]
    promoted: list[Enrollment]
    told: list[Enrollment] = field(default_factory=list)  # of a new time or place

    @property
    def to_hand_over(self) -> list[Enrollment]:
        """The women with a message to send once the caller has committed."""
        return [*self.told, *self.promoted]


def find_by_code(session: Session, code: str) -> TrainingSession | None:
    return session.scalar(select(TrainingSession).where(TrainingSession.code == code))


# What she was told of a session: a change to any of these is told to the women enrolled.
TOLD_COLUMNS = ("starts_at", "place", "online_url")


def save_session(
    session: Session,
    fields: SessionFields,
    now: datetime,
    quiet: QuietHours,
    training: TrainingSession | None = None,
    offsets: tuple[timedelta, ...] | None = None,
) -> Saved:
    """Create a session (training None) or update this one. The caller has checked that
    no other session holds the code. A new time or place is told to the women enrolled
    (services.tell_of_change; `offsets`: the reminders, default 48 h and 2 h), then a
    raised capacity gives freed seats to the women waiting (services.fill_seats, under
    the row lock). Flushes; does not commit."""
    if training is None:
        training = TrainingSession()
        _apply(training, fields)
        session.add(training)
        session.flush()
        return Saved(training, True, {}, [])
    locked = services.locked_session(session, training.id)
    if locked is None:  # deleted meanwhile
        raise LookupError(f"training session {training.id} is gone")
    before, after = session_row(locked), fields.to_row()
    changes = {c: [before[c], after[c]] for c in COLUMNS if before[c] != after[c]}
    if not changes:
        return Saved(locked, False, {}, [])
    old_capacity = locked.capacity
    _apply(locked, fields)
    session.flush()
    told: list[Enrollment] = []
    if any(column in changes for column in TOLD_COLUMNS):
        reminders = offsets if offsets is not None else parse_offsets(None)
        told = services.tell_of_change(session, locked, now, quiet, reminders)
    promoted: list[Enrollment] = []
    if fields.capacity > old_capacity:  # after: a woman given a seat now is told it all
        promoted = services.fill_seats(session, locked, now, quiet)
    return Saved(locked, False, changes, promoted, told)


def _apply(training: TrainingSession, fields: SessionFields) -> None:
    training.code = fields.code
    training.partner = fields.partner
    training.topic = fields.topic
    training.track = fields.track
    training.province = fields.province
    training.titles = dict(fields.titles)
    training.descriptions = dict(fields.descriptions)
    training.starts_at = fields.starts_at
    training.ends_at = fields.ends_at
    training.place = fields.place
    training.online_url = fields.online_url
    training.capacity = fields.capacity


# ------------------------------------------------------------------------- the file


def import_sessions(
    session: Session,
    stream_or_text: Source,
    now: datetime,
    quiet: QuietHours | None = None,
    offsets: tuple[timedelta, ...] | None = None,
) -> ImportReport:
    """Create or update the sessions of a CSV file; report the rows that were not read.

    `quiet`: the quiet hours of messages to women told of a change or promoted from a
    waiting list (default 21:00-08:00); `offsets`: the reminders (default 48 h, 2 h).
    Does not commit.
    """
    quiet_hours = quiet if quiet is not None else QuietHours.parse(None)
    report = ImportReport()

    def save(fields: SessionFields) -> Outcome:
        training = find_by_code(session, fields.code)
        saved = save_session(session, fields, now, quiet_hours, training, offsets)
        report.promoted.extend(saved.promoted)
        report.told.extend(saved.told)
        return csv_files.outcome(saved.created, bool(saved.changes))

    csv_files.import_rows(stream_or_text, LAYOUT, report, parse_row, save)
    return report


def export_sessions(sessions: Iterable[TrainingSession]) -> str:
    """The sessions as CSV text (comma-separated, header first): what import reads back."""
    return csv_files.write_csv(COLUMNS, (session_row(training) for training in sessions))
