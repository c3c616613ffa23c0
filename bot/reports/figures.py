"""The dashboard's figures, one function per table, each a few GROUP BY queries.

What each counts (the notes say it in French on the dashboard):
- registrations: women whose registration was confirmed in the period (`registered_at`),
  of the scope's provinces and, with a partner, oriented to it; first contacts by
  `created_at`.
- referrals: made in the period, by partner and where they stand now; the province is
  hers when the referral was made.
- trainings: places in sessions that begin in the period, by the session's partner.
- handoffs: opened in the period; the province and partner are those of the inbox.
- messages: written in the period, both directions (cancelled ones left out).
- opt-out: women who wrote STOP in the period (and have not written START since), over
  the women in contact by the period's end.
- broadcasts: started in the period; a recipient's status is her re-send's when WhatsApp
  refused the first one (outside its 24-hour window).

Every grouping key is selected in a subquery and grouped outside it: PostgreSQL cannot
tell that two copies of an expression with bound parameters are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from bot.beneficiaries.models import Beneficiary
from bot.broadcasts.models import Broadcast
from bot.broadcasts.tracking import BUCKET_OF
from bot.directory.models import PARTNERS, partner_name
from bot.handoffs.models import Handoff
from bot.messaging.models import Message
from bot.orientation.models import Referral
from bot.parsing import EDUCATION_LEVELS
from bot.registration.questions import SITUATIONS
from bot.reports import labels
from bot.reports.dimensions import (
    AGE_BANDS,
    UNDECIDED,
    UNKNOWN,
    age_band_of,
    partner_is,
    province_in,
    track_of,
    women_in,
)
from bot.reports.filters import Scope
from bot.reports.periods import DAY, MONTH, local_date
from bot.reports.sql import local_bucket, percentiles, seconds_between, without_jit
from bot.reports.tables import (
    COUNT,
    HOURS,
    MINUTES,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    Report,
    Table,
    rate,
)
from bot.trainings.models import BUSINESS, JOB, Enrollment, Reminder, TrainingSession

TOTAL = "Total"
CANCELED = "canceled"  # Twilio's word, also used for messages cancelled before leaving


def _statuses(*buckets: str) -> tuple[str, ...]:
    """The statuses the broadcast's own page (bot.broadcasts.tracking) counts in these
    buckets, so both pages give one rate."""
    return tuple(status for status, bucket in BUCKET_OF.items() if bucket in buckets)


# A broadcast's message has not left while waiting, queued or cancelled (any other status,
# even one Twilio adds later, counts as sent, as on the broadcast's page).
NOT_LEFT = _statuses("waiting", "queued", "canceled")
DELIVERED = _statuses("delivered", "read")
READ = _statuses("read")
FAILED = _statuses("failed", "undelivered")
QS = (50, 90)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(
    session: Session,
    query: Select[Any],
    keys: Sequence[str],
    sums: dict[str, Any] | None = None,
) -> dict[Any, dict[str, int]]:
    """Rows of `query` (a select whose columns are labelled) grouped by `keys`: per key
    (a tuple for several), {"n": rows, **sums}, each sum a function of the subquery."""
    inner = query.subquery()
    group = [inner.c[key] for key in keys]
    extra = (sums or {}).items()
    columns = [func.count().label("n"), *(fn(inner.c).label(name) for name, fn in extra)]
    result: dict[Any, dict[str, int]] = {}
    for row in session.execute(select(*group, *columns).group_by(*group)):
        mapping = row._mapping
        key = tuple(mapping[k] for k in keys)
        result[key[0] if len(keys) == 1 else key] = {
            name: int(mapping[name] or 0) for name in ("n", *(sums or {}))
        }
    return result


def _in_period(column: ColumnElement[datetime], scope: Scope) -> ColumnElement[bool]:
    return and_(column >= scope.period.start, column < scope.period.end)


def _partners(found: Iterable[str]) -> list[str]:
    """ANAPEC, RESOFEM, then the others alphabetically."""
    others = sorted(set(found) - set(PARTNERS))
    return [p for p in PARTNERS if p in found] + others


# -- registrations -----------------------------------------------------------------------


def registrations_over_time(session: Session, scope: Scope) -> Table:
    period = scope.period

    def per_bucket(ts: Any) -> dict[Any, dict[str, int]]:
        query = select(local_bucket(ts, period).label("k")).where(
            _in_period(ts, scope), *women_in(scope)
        )
        return _counts(session, query, ["k"])

    contacts = per_bucket(Beneficiary.created_at)
    registered = per_bucket(Beneficiary.registered_at)
    rows = tuple(
        (key, contacts.get(key, {}).get("n", 0), registered.get(key, {}).get("n", 0))
        for key in period.buckets()
    )
    first = {DAY: "Jour", MONTH: "Mois"}.get(period.unit, "Semaine du")
    return Table(
        "registrations_over_time",
        "Inscriptions dans le temps",
        (
            Column("bucket", first),
            Column("contacts", "Premiers messages", COUNT),
            Column("registered", "Inscriptions confirmées", COUNT),
        ),
        rows,
        "Premiers messages : nouvelles femmes qui écrivent ; inscriptions : profils confirmés.",
    )


def _registered(scope: Scope) -> list[ColumnElement[bool]]:
    return [_in_period(Beneficiary.registered_at, scope), *women_in(scope)]


def _breakdown(
    session: Session,
    scope: Scope,
    expression: ColumnElement[Any],
    order: Sequence[str] | None,
    label: Callable[[str | None], str],
    key: str,
    title: str,
    first: str,
) -> Table:
    """Women registered in the period by one answer of hers, with each one's share; in
    `order` when given, else the largest first; not given last."""
    found = _counts(session, select(expression.label("k")).where(*_registered(scope)), ["k"])
    counts = {(UNKNOWN if k is None else k): v["n"] for k, v in found.items()}
    total = sum(counts.values())
    known = [k for k in counts if k != UNKNOWN]
    if order is not None:
        keys = [k for k in order if k in counts] + sorted(k for k in known if k not in order)
    else:
        keys = sorted(known, key=lambda k: (-counts[k], label(k)))
    if UNKNOWN in counts:
        keys.append(UNKNOWN)
    rows = tuple(
        (label(None if k == UNKNOWN else k), counts[k], rate(counts[k], total)) for k in keys
    )
    return Table(
        key,
        title,
        (
            Column("value", first),
            Column("women", "Femmes", COUNT),
            Column("share", "Part (%)", PERCENT),
        ),
        rows,
        "Femmes dont l'inscription a été confirmée pendant la période.",
    )


def registrations_by_province(session: Session, scope: Scope) -> Table:
    return _breakdown(
        session,
        scope,
        Beneficiary.province,
        None,
        labels.province,
        "registrations_by_province",
        "Inscriptions par province",
        "Province",
    )


def registrations_by_age_band(session: Session, scope: Scope) -> Table:
    def band(code: str | None) -> str:
        return labels.NOT_GIVEN if code is None else f"{code} ans"

    return _breakdown(
        session,
        scope,
        age_band_of(),
        AGE_BANDS,
        band,
        "registrations_by_age_band",
        "Inscriptions par âge",
        "Âge",
    )


def registrations_by_education(session: Session, scope: Scope) -> Table:
    return _breakdown(
        session,
        scope,
        Beneficiary.education_level,
        EDUCATION_LEVELS,
        lambda code: labels.word(labels.EDUCATION, code),
        "registrations_by_education",
        "Inscriptions par niveau d'études",
        "Études",
    )


def registrations_by_situation(session: Session, scope: Scope) -> Table:
    return _breakdown(
        session,
        scope,
        Beneficiary.situation,
        SITUATIONS,
        lambda code: labels.word(labels.SITUATION, code),
        "registrations_by_situation",
        "Inscriptions par situation",
        "Situation",
    )


def registrations_by_track(session: Session, scope: Scope) -> Table:
    return _breakdown(
        session,
        scope,
        track_of(),
        (JOB, BUSINESS, UNDECIDED),
        lambda code: labels.word(labels.TRACK, code),
        "registrations_by_track",
        "Inscriptions par parcours",
        "Parcours",
    )


# -- orientation -------------------------------------------------------------------------


def referrals(session: Session, scope: Scope) -> Table:
    query = select(
        func.upper(Referral.partner).label("partner"), Referral.status.label("status")
    ).where(
        _in_period(Referral.created_at, scope),
        province_in(Referral.province, scope),
        partner_is(Referral.partner, scope),
    )
    found = _counts(session, query, ["partner", "status"])
    partners = _partners({partner for partner, _ in found})

    def row(label: str, wanted: Iterable[str]) -> tuple[object, ...]:
        wanted = set(wanted)
        cells = [
            sum(v["n"] for (p, s), v in found.items() if p in wanted and s == status)
            for status in Referral.STATUSES
        ]
        return (label, *cells, sum(cells))

    rows = [row(partner_name(p), [p]) for p in partners]
    rows.append(row(TOTAL, partners))
    return Table(
        "referrals",
        "Orientations par partenaire et statut",
        (
            Column("partner", "Partenaire"),
            *(Column(s, labels.REFERRAL_STATUS[s].capitalize(), COUNT) for s in Referral.STATUSES),
            Column("total", "Total", COUNT),
        ),
        tuple(rows),
        "Orientations faites pendant la période, selon où elles en sont aujourd'hui.",
    )


# -- trainings ---------------------------------------------------------------------------


def trainings(session: Session, scope: Scope) -> Table:
    reminded = select(Reminder.id).where(
        Reminder.enrollment_id == Enrollment.id, Reminder.status == Reminder.QUEUED
    )
    query = (
        select(
            func.upper(TrainingSession.partner).label("partner"),
            Enrollment.status.label("status"),
            case((reminded.exists(), 1), else_=0).label("reminded"),
            Enrollment.confirmed_at.label("confirmed_at"),
            Enrollment.attendance.label("attendance"),
        )
        .select_from(Enrollment)
        .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
        .where(
            _in_period(TrainingSession.starts_at, scope),
            partner_is(TrainingSession.partner, scope),
        )
    )
    if scope.provinces is not None:  # her province, not the session's (online ones have none)
        query = query.join(Beneficiary, Beneficiary.id == Enrollment.beneficiary_id).where(
            province_in(Beneficiary.province, scope)
        )
    sums = {
        "seated": lambda c: _count(c.status == Enrollment.ENROLLED),
        "waiting": lambda c: _count(c.status == Enrollment.WAITLISTED),
        "canceled": lambda c: _count(c.status == Enrollment.CANCELED),
        "reminded": lambda c: func.coalesce(func.sum(c.reminded), 0),
        "confirmed": lambda c: _count((c.reminded == 1) & c.confirmed_at.is_not(None)),
        "attended": lambda c: _count(c.attendance == Enrollment.ATTENDED),
        "absent": lambda c: _count(c.attendance == Enrollment.ABSENT),
    }
    found = _counts(session, query, ["partner"], sums)
    partners = _partners(found)

    def row(label: str, wanted: Iterable[str]) -> tuple[object, ...]:
        n = {name: sum(found[p][name] for p in wanted) for name in ("n", *sums)}
        marked = n["attended"] + n["absent"]
        return (label, n["n"], n["seated"], n["waiting"], n["canceled"], n["reminded"],
                n["confirmed"], rate(n["confirmed"], n["reminded"]), n["attended"], n["absent"],
                rate(n["absent"], marked))  # fmt: skip

    rows = [row(partner_name(p), [p]) for p in partners]
    rows.append(row(TOTAL, partners))
    return Table(
        "trainings",
        "Formations",
        (
            Column("partner", "Partenaire"),
            Column("enrollments", "Inscriptions", COUNT),
            Column("seated", "Avec une place", COUNT),
            Column("waiting", "En liste d'attente", COUNT),
            Column("canceled", "Annulées", COUNT),
            Column("reminded", "Rappelées", COUNT),
            Column("confirmed", "Confirmées après rappel", COUNT),
            Column("confirmation_rate", "Taux de confirmation (%)", PERCENT),
            Column("attended", "Présentes", COUNT),
            Column("absent", "Absentes", COUNT),
            Column("no_show_rate", "Taux d'absence (%)", PERCENT),
        ),
        tuple(rows),
        "Inscriptions aux sessions qui commencent pendant la période. Confirmation : parmi "
        "celles qui ont reçu un rappel. Absence : parmi les présences notées.",
    )


# -- handoffs ----------------------------------------------------------------------------


def handoffs(session: Session, scope: Scope) -> Table:
    where = [
        _in_period(Handoff.created_at, scope),
        province_in(Handoff.province, scope),
        partner_is(Handoff.partner, scope),
    ]
    query = select(
        Handoff.reason.label("reason"),
        Handoff.priority.label("priority"),
        Handoff.first_response_at.label("answered"),
        Handoff.status.label("status"),
    ).where(*where)
    sums = {
        "priority": lambda c: _count(c.priority.is_(True)),
        "answered": lambda c: _count(c.answered.is_not(None)),
        "resolved": lambda c: _count(c.status == Handoff.RESOLVED),
    }
    found = _counts(session, query, ["reason"], sums)
    first_answer = seconds_between(Handoff.created_at, Handoff.first_response_at)
    resolution = seconds_between(Handoff.created_at, Handoff.resolved_at)
    answer_times = percentiles(session, first_answer, where, Handoff.reason, QS)
    answer_times.update(percentiles(session, first_answer, where, None, QS))
    resolution_times = percentiles(session, resolution, where, Handoff.reason, QS)
    resolution_times.update(percentiles(session, resolution, where, None, QS))

    def row(label: str, reasons: Iterable[str], key: str | None) -> tuple[object, ...]:
        n = {name: sum(found[r][name] for r in reasons) for name in ("n", *sums)}
        answer = answer_times.get(key, {})
        resolved = resolution_times.get(key, {})
        return (label, n["n"], n["priority"], n["answered"],
                _minutes(answer.get(50)), _minutes(answer.get(90)), n["resolved"],
                _hours(resolved.get(50)), _hours(resolved.get(90)))  # fmt: skip

    reasons = [r for r in labels.HANDOFF_REASON if r in found] + sorted(
        r for r in found if r not in labels.HANDOFF_REASON
    )
    rows = [row(labels.word(labels.HANDOFF_REASON, r), [r], r) for r in reasons]
    rows.append(row(TOTAL, reasons, None))
    return Table(
        "handoffs",
        "Passages à une conseillère",
        (
            Column("reason", "Raison"),
            Column("handoffs", "Demandes", COUNT),
            Column("priority", "Prioritaires", COUNT),
            Column("answered", "Répondues", COUNT),
            Column("answer_p50", "1re réponse, médiane (min)", MINUTES),
            Column("answer_p90", "1re réponse, 90e centile (min)", MINUTES),
            Column("resolved", "Résolues", COUNT),
            Column("resolution_p50", "Résolution, médiane (h)", HOURS),
            Column("resolution_p90", "Résolution, 90e centile (h)", HOURS),
        ),
        tuple(rows),
        "Conversations passées à une personne pendant la période ; délais comptés depuis la "
        "demande.",
    )


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


# -- messages ----------------------------------------------------------------------------


def _messages(session: Session, scope: Scope) -> dict[Any, dict[str, int]]:
    query = select(
        Message.channel.label("channel"),
        Message.language.label("language"),
        Message.direction.label("direction"),
    ).where(_in_period(Message.created_at, scope), Message.status != CANCELED)
    women = women_in(scope)
    if women:
        query = query.join(Beneficiary, Beneficiary.id == Message.beneficiary_id).where(*women)
    return _counts(session, query, ["channel", "language", "direction"])


def _by_direction(
    found: dict[Any, dict[str, int]], index: int, keys: Sequence[str | None], label: Any
) -> list[tuple[object, ...]]:
    rows = []
    for key in keys:
        cells = [
            sum(v["n"] for k, v in found.items() if k[index] == key and k[2] == direction)
            for direction in (Message.INBOUND, Message.OUTBOUND)
        ]
        rows.append((label(key), *cells, sum(cells)))
    return rows


def messages(session: Session, scope: Scope) -> tuple[Table, Table]:
    found = _messages(session, scope)
    columns = (Column("in", "Reçus", COUNT), Column("out", "Envoyés", COUNT),
               Column("total", "Total", COUNT))  # fmt: skip
    note = "Messages de la période, dans les deux sens (les envois annulés ne comptent pas)."
    channels = sorted({k[0] for k in found}, key=lambda c: (c != "whatsapp", c))
    by_channel = _by_direction(found, 0, channels, lambda c: labels.word(labels.CHANNEL, c))
    languages = [code for code in labels.LANGUAGE if any(k[1] == code for k in found)]
    languages += sorted({k[1] for k in found if k[1] is not None} - set(languages))
    if any(k[1] is None for k in found):
        languages.append(None)  # type: ignore[arg-type]
    by_language = _by_direction(found, 1, languages, lambda c: labels.word(labels.LANGUAGE, c))
    total = [TOTAL, *(sum(row[n] for row in by_channel) for n in (1, 2, 3))]  # type: ignore[misc]
    return (
        Table("messages_by_channel", "Messages par canal",
              (Column("channel", "Canal"), *columns), (*by_channel, tuple(total)), note),
        Table("messages_by_language", "Messages par langue",
              (Column("language", "Langue"), *columns), (*by_language, tuple(total)), note),
    )  # fmt: skip


# -- opt-out -----------------------------------------------------------------------------


def opt_out(session: Session, scope: Scope) -> Table:
    row = session.execute(
        select(
            _count(Beneficiary.created_at < scope.period.end),
            _count(_in_period(Beneficiary.opted_out_at, scope)),
            _count(Beneficiary.opted_out_at.is_not(None)),
        ).where(*women_in(scope))
    ).one()
    contacts, opted_out, now = (int(value) for value in row)
    return Table(
        "opt_out",
        "Désinscriptions (STOP)",
        (
            Column("contacts", "Femmes en contact", COUNT),
            Column("opted_out", "Désinscrites pendant la période", COUNT),
            Column("rate", "Taux de désinscription (%)", PERCENT),
            Column("opted_out_now", "Désinscrites aujourd'hui", COUNT),
        ),
        ((contacts, opted_out, rate(opted_out, contacts), now),),
        "Femmes en contact : celles qui avaient écrit avant la fin de la période. "
        "Désinscrites : qui ont écrit STOP pendant la période et pas START depuis.",
    )


# -- broadcasts --------------------------------------------------------------------------


def broadcasts(session: Session, scope: Scope) -> Table:
    resend = aliased(Message)
    query = (
        select(
            Broadcast.id.label("id"),
            Broadcast.name.label("name"),
            Broadcast.started_at.label("started_at"),
            Broadcast.status.label("broadcast_status"),
            func.coalesce(resend.status, Message.status).label("status"),
        )
        .select_from(Broadcast)
        .join(Message, Message.broadcast_id == Broadcast.id)
        .outerjoin(resend, resend.fallback_of_id == Message.id)
        .where(_in_period(Broadcast.started_at, scope))
    )
    women = women_in(scope)
    if women:
        query = query.join(Beneficiary, Beneficiary.id == Message.beneficiary_id).where(*women)
    sums = {
        "left": lambda c: _count(c.status.not_in(NOT_LEFT)),
        "delivered": lambda c: _count(c.status.in_(DELIVERED)),
        "read": lambda c: _count(c.status.in_(READ)),
        "failed": lambda c: _count(c.status.in_(FAILED)),
    }
    found = _counts(session, query, ["started_at", "id", "name", "broadcast_status"], sums)

    def row(label: str, day: object, status: str, n: dict[str, int]) -> tuple[object, ...]:
        return (label, day, status, n["n"], n["left"], rate(n["delivered"], n["left"]),
                rate(n["read"], n["left"]), rate(n["failed"], n["left"]))  # fmt: skip

    rows = [
        row(name, local_date(started).isoformat(), labels.word(labels.BROADCAST_STATUS, s), n)
        for (started, _id, name, s), n in sorted(found.items(), key=lambda item: item[0][:2])
    ]
    total = {name: sum(n[name] for n in found.values()) for name in ("n", *sums)}
    rows.append(row(TOTAL, "", "", total))
    return Table(
        "broadcasts",
        "Diffusions",
        (
            Column("name", "Diffusion"),
            Column("started", "Début"),
            Column("status", "Statut"),
            Column("recipients", "Destinataires", COUNT),
            Column("left", "Parties", COUNT),
            Column("delivered", "Remises (%)", PERCENT),
            Column("read", "Lues (%)", PERCENT),
            Column("failed", "Échecs (%)", PERCENT),
        ),
        tuple(rows),
        "Diffusions commencées pendant la période. Taux parmi les messages partis ; une "
        "femme jointe par SMS après un refus de WhatsApp compte avec ce second envoi.",
    )


# -- the whole report --------------------------------------------------------------------


def key_figures(tables: dict[str, Table]) -> Table:
    """The headline numbers, read from the other tables (no query of its own)."""
    over_time = tables["registrations_over_time"]
    trainings_total = tables["trainings"].row(TOTAL)
    handoffs_total = tables["handoffs"].row(TOTAL)
    opted = tables["opt_out"].rows[0]
    broadcast_total = tables["broadcasts"].row(TOTAL)

    def total(key: str) -> int:
        return sum(int(v) for v in over_time.values(key))  # type: ignore[call-overload]

    rows = (
        ("Premiers messages", total("contacts"), "femmes"),
        ("Inscriptions confirmées", total("registered"), "femmes"),
        ("Orientations", tables["referrals"].row(TOTAL)["total"], "orientations"),
        ("Inscriptions aux formations", trainings_total["enrollments"], "inscriptions"),
        ("Taux de confirmation après rappel", trainings_total["confirmation_rate"], "%"),
        ("Taux d'absence aux formations", trainings_total["no_show_rate"], "%"),
        ("Passages à une conseillère", handoffs_total["handoffs"], "demandes"),
        ("1re réponse d'une conseillère, médiane", handoffs_total["answer_p50"], "min"),
        ("1re réponse d'une conseillère, 90e centile", handoffs_total["answer_p90"], "min"),
        ("Résolution, médiane", handoffs_total["resolution_p50"], "h"),
        ("Messages", tables["messages_by_channel"].row(TOTAL)["total"], "messages"),
        ("Taux de désinscription", opted[2], "%"),
        ("Diffusions : messages remis", broadcast_total["delivered"], "%"),
    )
    return Table(
        "key_figures",
        "Chiffres clés",
        (
            Column("figure", "Indicateur", TEXT),
            Column("value", "Valeur", NUMBER),
            Column("unit", "Unité", TEXT),
        ),
        rows,
    )


def build_report(session: Session, scope: Scope, now: datetime) -> Report:
    without_jit(session)
    tables: dict[str, Table] = {}
    for table in (
        registrations_over_time(session, scope),
        registrations_by_province(session, scope),
        registrations_by_age_band(session, scope),
        registrations_by_education(session, scope),
        registrations_by_situation(session, scope),
        registrations_by_track(session, scope),
        referrals(session, scope),
        trainings(session, scope),
        handoffs(session, scope),
        *messages(session, scope),
        opt_out(session, scope),
        broadcasts(session, scope),
    ):
        tables[table.key] = table
    return Report(scope, now, (key_figures(tables), *tables.values()))
