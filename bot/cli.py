"""`minajliki`: the command line of the assistant."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import requests

from bot import rasa_env
from bot.messaging.models import CHANNELS, WHATSAPP
from bot.settings import ConfigError, Settings
from bot.simulator import inbound_form, post_signed
from bot.staff.models import ROLES


def _settings() -> Settings:
    try:
        return Settings.from_env().validate()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Min Ajliki Assistant."""


@main.command("check-config")
def check_config() -> None:
    """Validate the settings from the environment."""
    settings = _settings()
    mode = "Twilio" if settings.twilio_enabled else "outbox mode (no Twilio account)"
    broker = "Redis" if settings.redis_url else "embedded (SQLite)"
    click.echo(f"configuration OK: {mode}, broker {broker}")


@main.command()
def migrate() -> None:
    """Create or upgrade the database tables (Alembic)."""
    from bot.db import make_engine
    from bot.migrate import upgrade

    engine = make_engine(_settings().database_url)
    upgrade(engine)
    engine.dispose()
    click.echo("database is up to date")


@main.command()
@click.option("--force", is_flag=True, help="Train even if nothing changed.")
def train(force: bool) -> None:
    """Train the Rasa model when its config, domain or data changed."""
    if not force and rasa_env.model_is_current():
        click.echo("Rasa model is up to date")
        return
    if not rasa_env.rasa_executable().exists():
        raise click.ClickException("the Rasa environment is missing: run `make setup`")
    click.echo("training the Rasa model (a few minutes)…")
    env = rasa_env.rasa_environment(Settings.from_env())
    subprocess.run(rasa_env.train_command(), cwd=rasa_env.RASA_PROJECT, env=env, check=True)
    rasa_env.FINGERPRINT_FILE.write_text(rasa_env.training_fingerprint() + "\n")


@main.command("gen-lookups")
def gen_lookups() -> None:
    """Write Rasa's city lookup table and synonyms from bot/data/gazetteer.yml."""
    from bot.gazetteer import rasa_lookup_yaml

    target = rasa_env.RASA_PROJECT / "data" / "lookups" / "city.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(rasa_lookup_yaml(), encoding="utf-8")
    click.echo(f"wrote {target.relative_to(rasa_env.PROJECT_ROOT)}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _staff_session():  # type: ignore[no-untyped-def]
    from bot.db import make_engine, make_session_factory

    engine = make_engine(_settings().database_url)
    return engine, make_session_factory(engine)()


@main.command("create-user")
@click.option("--email", required=True, help="Her sign-in address (stored lowercase).")
@click.option("--name", required=True, help="Her name, as colleagues know it.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="admin: everything and accounts; staff: every province; counsellor: her provinces.",
)
@click.option("--partner", default=None, help="ANAPEC, RESOFEM or a local partner (counsellors).")
@click.option(
    "--province", "provinces", multiple=True, help="A gazetteer code, e.g. fes (repeatable)."
)
@click.option("--phone", default=None, help="E.164, e.g. +212612345678 (optional).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str,
    name: str,
    role: str,
    partner: str | None,
    provinces: tuple[str, ...],
    phone: str | None,
    password_stdin: bool,
) -> None:
    """Create a staff console account (the first admin, for one)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.staff.services import StaffError
    from bot.staff.services import create_user as create

    password = _read_password(password_stdin)
    engine, session = _staff_session()
    try:
        user = create(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            partner=partner,
            provinces=provinces,
            phone=phone,
        )
        click.echo(f"created {user.role} {user.email} (id {user.id})")
    except StaffError as exc:
        raise click.ClickException(f"invalid account: {exc}") from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"the database is not ready (run `minajliki migrate`): {exc.__class__.__name__}"
        ) from exc
    finally:
        session.close()
        engine.dispose()


@main.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give a staff account a new password (signs out its open sessions)."""
    from bot.staff.services import StaffError, get_by_email
    from bot.staff.services import set_password as change

    engine, session = _staff_session()
    try:
        user = get_by_email(session, email)
        if user is None:
            raise click.ClickException(f"no account with the address {email.strip().lower()}")
        change(session, user, _read_password(password_stdin))
        click.echo(f"new password set for {user.email}")
    except StaffError as exc:
        raise click.ClickException(f"invalid password: {exc}") from exc
    finally:
        session.close()
        engine.dispose()


@main.command("import-trainings")
@click.argument("csv_file", type=click.File("rb"))
def import_trainings(csv_file) -> None:  # type: ignore[no-untyped-def]
    """Create or update training sessions from a CSV file (see the console's import page)."""
    from bot.celery_app import celery_enqueue
    from bot.db import utcnow
    from bot.messaging.quiet_hours import QuietHours
    from bot.trainings.csv_io import import_sessions

    settings = _settings()
    engine, session = _staff_session()
    try:
        report = import_sessions(
            session, csv_file.read(), utcnow(), QuietHours.parse(settings.quiet_hours)
        )
        session.commit()
        promoted = [enrollment.beneficiary_id for enrollment in report.promoted]
    finally:
        session.close()
        engine.dispose()
    if promoted:
        enqueue = celery_enqueue(settings)
        for beneficiary_id in promoted:
            enqueue(beneficiary_id)
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} errors"
    )
    for error in report.errors:
        where = f"line {error.line}" + (f", {error.column}" if error.column else "")
        click.echo(f"  {where}: {error.message}", err=True)
    if report.errors:
        raise SystemExit(1)


def _echo_errors(errors) -> None:  # type: ignore[no-untyped-def]
    for error in errors:
        where = f"line {error.line}" + (f", {error.column}" if error.column else "")
        click.echo(f"  {where}: {error.message}", err=True)


@main.command("import-service-points")
@click.argument("csv_file", type=click.File("rb"))
def import_service_points(csv_file) -> None:  # type: ignore[no-untyped-def]
    """Create or update the service directory (ANAPEC agencies, RESOFEM contact points and
    other partners' offices) from a CSV file: columns code, partner, name, province, city,
    address, phone, opening_hours, services, latitude, longitude, verified, active (see the
    console's Annuaire import page). A known code updates its point."""
    from bot.directory.csv_io import import_points

    engine, session = _staff_session()
    try:
        report = import_points(session, csv_file.read())
        session.commit()
    finally:
        session.close()
        engine.dispose()
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} errors"
    )
    _echo_errors(report.errors)
    if report.errors:
        raise SystemExit(1)


SEED_WARNING = (
    "The seed directory is DATA TO VERIFY: addresses, opening hours and coordinates are "
    "approximate and there are no phone numbers. Check each point with ANAPEC or RESOFEM, "
    "correct it and tick 'vérifié' in the console (Annuaire) before women are sent there."
)


@main.command("seed-service-points")
def seed_service_points() -> None:
    """Load the starting service directory, bot/data/service_points.seed.csv: one ANAPEC
    agency and one RESOFEM contact point per region at least. It is DATA TO VERIFY
    (approximate addresses, hours and coordinates, no phone numbers; every point is marked
    unverified). Running it again adds only the points that are missing: points already
    there, corrected or not, are left as they are."""
    from bot.directory.csv_io import SEED_PATH, import_points

    engine, session = _staff_session()
    try:
        report = import_points(session, SEED_PATH.read_bytes(), update_existing=False)
        session.commit()
    finally:
        session.close()
        engine.dispose()
    click.echo(
        f"{report.created} created, {report.unchanged} already there (left as they are), "
        f"{len(report.errors)} errors"
    )
    _echo_errors(report.errors)
    click.echo(SEED_WARNING)
    if report.errors:
        raise SystemExit(1)


REPORT_PROBLEMS = {
    "date_invalid": "dates are YYYY-MM-DD",
    "period_reversed": "--to is before --from",
    "period_too_long": "the period is longer than ten years",
    "province_unknown": "unknown province (a gazetteer code, e.g. fes)",
}


@main.command()
@click.option("--from", "first", required=True, help="First day, YYYY-MM-DD (Morocco's time).")
@click.option("--to", "last", required=True, help="Last day, YYYY-MM-DD (included).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="xlsx: the file; csv: a directory, one file per table (the dataset: one file). "
    "Default: minajliki-report-FROM-TO[.xlsx] in the current directory.",
)
@click.option("--province", default=None, help="Only this province (a gazetteer code).")
@click.option("--partner", default=None, help="Only this partner (ANAPEC, RESOFEM, …).")
@click.option(
    "--anonymised",
    is_flag=True,
    help="Write the impact study's dataset (one pseudonymous row per woman) instead.",
)
def report(
    first: str,
    last: str,
    fmt: str,
    out: Path | None,
    province: str | None,
    partner: str | None,
    anonymised: bool,
) -> None:
    """Write the dashboard's figures (or the anonymised dataset) for a period, e.g. from
    cron: `minajliki report --from 2026-01-01 --to 2026-03-31 --format xlsx`."""
    from bot.db import utcnow
    from bot.reports import exports
    from bot.reports.anonymised import COLUMNS, dataset, pseudonym_key
    from bot.reports.figures import build_report
    from bot.reports.filters import parse_filters, scope_for
    from bot.reports.periods import local_date

    args = {"from": first, "to": last, "province": province or "", "partner": partner or ""}
    filters, problems = parse_filters(args, local_date(utcnow()))
    if problems:
        raise click.UsageError("; ".join(REPORT_PROBLEMS[p] for p in problems))
    scope = scope_for(None, filters)
    name = "anonymised" if anonymised else "report"
    target = out or Path(f"minajliki-{name}-{first}-{last}" + (".xlsx" if fmt == "xlsx" else ""))
    settings = _settings()
    engine, session = _staff_session()
    try:
        if anonymised:
            rows = dataset(session, scope, pseudonym_key(settings))
            target = target if fmt == "xlsx" or target.suffix else target.with_suffix(".csv")
            target.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "xlsx":
                target.write_bytes(exports.dataset_xlsx(COLUMNS, rows))
            else:
                with target.open("w", encoding="utf-8", newline="") as file:
                    file.writelines(exports.csv_lines(itertools.chain([COLUMNS], rows)))
            written = [target]
        else:
            written = exports.write_report(build_report(session, scope, utcnow()), fmt, target)
    finally:
        session.close()
        engine.dispose()
    click.echo(f"{name} {scope.period.label()}: " + ", ".join(str(path) for path in written))


@main.command("serve-rasa")
def serve_rasa() -> None:
    """Start the Rasa server on the trained model (replaces this process)."""
    settings = _settings()
    if not rasa_env.rasa_executable().exists():
        raise click.ClickException("the Rasa environment is missing: run `make setup`")
    command = rasa_env.run_command(settings)
    os.chdir(rasa_env.RASA_PROJECT)
    os.execve(command[0], command, rasa_env.rasa_environment(settings))


@main.command()
@click.option("--phone", default="+212600000001", show_default=True)
@click.option("--channel", type=click.Choice(CHANNELS), default=WHATSAPP, show_default=True)
@click.option("--url", default=None, help="The web app (default: MINAJLIKI_WEB_URL).")
@click.option("--wait", default=20.0, show_default=True, help="Seconds to wait for replies.")
def chat(phone: str, channel: str, url: str | None, wait: float) -> None:
    """Chat with the bot from the terminal, through real signed webhooks."""
    settings = _settings()
    base = (url or settings.web_url).rstrip("/")
    last_id = _latest_id(base, phone)
    click.echo(f"Chatting as {phone} on {channel} with {base}. Ctrl-D to stop.")
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        form = inbound_form(phone, channel, text)
        signed = (settings.public_url or base).rstrip("/") + "/webhooks/twilio/messages"
        response = post_signed(
            base + "/webhooks/twilio/messages", form, settings.webhook_auth_token, signed
        )
        if response.status_code != 200:
            click.echo(f"! the app answered HTTP {response.status_code}", err=True)
            continue
        last_id = _print_replies(base, phone, last_id, wait)


def _messages(base: str, phone: str, after: int) -> list[dict[str, object]]:
    response = requests.get(
        f"{base}/simulator/messages", params={"phone": phone, "after": after}, timeout=10
    )
    response.raise_for_status()
    return list(response.json()["messages"])


def _latest_id(base: str, phone: str) -> int:
    try:
        return max((int(m["id"]) for m in _messages(base, phone, 0)), default=0)  # type: ignore[call-overload]
    except requests.RequestException as exc:
        raise click.ClickException(f"the web app at {base} does not answer: {exc}") from exc


def _print_replies(base: str, phone: str, last_id: int, wait: float) -> int:
    """Print replies as they come; stop once they have paused for a moment."""
    deadline = time.monotonic() + wait
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        for message in _messages(base, phone, last_id):
            last_id = max(last_id, int(message["id"]))  # type: ignore[call-overload]
            if message["direction"] == "out":
                click.echo(f"🤖 {message['body']}\n")
                quiet_since = time.monotonic()
        if quiet_since is not None and time.monotonic() - quiet_since > 1.5:
            break
        time.sleep(0.3)
    return last_id


if __name__ == "__main__":
    main()
