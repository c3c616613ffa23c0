"""Settings read from the environment (ARCHITECTURE's contract variables).

Nothing is read at import time: call `Settings.from_env()` where the process starts,
then `validate()` so a bad configuration stops the process with a clear message.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from bot.broadcasts.pricing import DEFAULT_PRICES, Prices, PricesError
from bot.handoffs.office_hours import OfficeHours, OfficeHoursError
from bot.messaging.quiet_hours import QuietHours, QuietHoursError
from bot.messaging.window import TemplatesError, parse_templates
from bot.trainings.offsets import OffsetsError, parse_offsets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


APPROVAL_ON = ("on", "yes", "true", "1")
APPROVAL_OFF = ("off", "no", "false", "0", "")


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can run with."""


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'minajliki.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    redis_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    actions_url: str = "http://127.0.0.1:5055/webhook"
    public_url: str | None = None
    secret_key: str = "dev-only-secret-change-me"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str | None = None
    # Not in the contract: where the embedded broker keeps its queue (SQLite file).
    embedded_broker_url: str = field(
        default_factory=lambda: f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite'}"
    )
    # Signing key the simulator uses when no Twilio account is configured.
    simulator_auth_token: str = "simulator-auth-token"
    rasa_timeout_seconds: float = 30.0
    # Where Rasa reaches this app's /nlg (defaults to 127.0.0.1 and $PORT).
    web_url: str = "http://127.0.0.1:5000"
    # Shared secret Rasa sends to /nlg; default: derived from SECRET_KEY.
    nlg_token: str | None = None
    # Rasa's tracker store; default: the app's PostgreSQL, or its own SQLite file.
    tracker_store_url: str | None = None
    env: str = "development"
    # When counsellors answer (Africa/Casablanca), e.g. "mon-fri 09:00-17:00; sat 09:00-12:00".
    office_hours: str = "mon-fri 09:00-17:00"
    # Days off, ISO dates separated by commas.
    holidays: str = ""
    # A handoff nobody wrote in for this long goes back to the bot.
    handoff_idle_hours: float = 24.0
    # Approved WhatsApp templates per language for outside the 24-hour window:
    # "fr=HX…, ar=HX…, ary=HX…, ary_Latn=HX…" (one variable: the message).
    whatsapp_templates: str = ""
    # No reminder or announcement in these hours (Africa/Casablanca); "off" for none.
    quiet_hours: str = "21:00-08:00"
    # When reminders go before a training session: "48h, 2h" (units d, h, m).
    reminder_offsets: str = "48h, 2h"
    # Key of the impact study's pseudonyms (bot.reports.anonymised); default: derived from
    # SECRET_KEY. Set it so pseudonyms stay the same when SECRET_KEY changes.
    pseudonym_key: str | None = None
    # Broadcast messages handed to the workers per second, per sender number.
    broadcast_rate: float = 10.0
    # "on": a broadcast goes only once a second staff member approves it.
    broadcast_approval: str = "off"
    # Price table for a broadcast's estimated cost (bot/broadcasts/pricing.py).
    prices: str = DEFAULT_PRICES
    # "json" or "text"; empty: JSON in production, text elsewhere. Phones are masked in both.
    log_format: str = ""

    ENV_NAMES: ClassVar[dict[str, str]] = {
        "database_url": "DATABASE_URL",
        "redis_url": "REDIS_URL",
        "rasa_url": "RASA_URL",
        "actions_url": "ACTIONS_URL",
        "public_url": "PUBLIC_URL",
        "secret_key": "SECRET_KEY",
        "twilio_account_sid": "TWILIO_ACCOUNT_SID",
        "twilio_auth_token": "TWILIO_AUTH_TOKEN",
        "twilio_sms_from": "TWILIO_SMS_FROM",
        "twilio_whatsapp_from": "TWILIO_WHATSAPP_FROM",
        "twilio_api_base_url": "TWILIO_API_BASE_URL",
        "embedded_broker_url": "MINAJLIKI_EMBEDDED_BROKER_URL",
        "simulator_auth_token": "MINAJLIKI_SIMULATOR_TOKEN",
        "rasa_timeout_seconds": "MINAJLIKI_RASA_TIMEOUT",
        "env": "MINAJLIKI_ENV",
        "web_url": "MINAJLIKI_WEB_URL",
        "tracker_store_url": "MINAJLIKI_TRACKER_STORE_URL",
        "nlg_token": "MINAJLIKI_NLG_TOKEN",
        "office_hours": "MINAJLIKI_OFFICE_HOURS",
        "holidays": "MINAJLIKI_HOLIDAYS",
        "handoff_idle_hours": "MINAJLIKI_HANDOFF_IDLE_HOURS",
        "whatsapp_templates": "MINAJLIKI_WHATSAPP_TEMPLATES",
        "quiet_hours": "MINAJLIKI_QUIET_HOURS",
        "reminder_offsets": "MINAJLIKI_REMINDER_OFFSETS",
        "pseudonym_key": "MINAJLIKI_PSEUDONYM_KEY",
        "broadcast_rate": "MINAJLIKI_BROADCAST_RATE",
        "broadcast_approval": "MINAJLIKI_BROADCAST_APPROVAL",
        "prices": "MINAJLIKI_PRICES",
        "log_format": "MINAJLIKI_LOG_FORMAT",
    }
    FLOAT_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"rasa_timeout_seconds", "handoff_idle_hours", "broadcast_rate"}
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from `environ` (default: os.environ); empty values count as unset."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(cls.ENV_NAMES.get(f.name, ""), "").strip()
            if raw:
                values[f.name] = float(raw) if f.name in cls.FLOAT_FIELDS else raw
        if "web_url" not in values and environ.get("PORT", "").strip().isdigit():
            values["web_url"] = f"http://127.0.0.1:{environ['PORT'].strip()}"
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def with_overrides(self, **overrides: object) -> Settings:
        return replace(self, **overrides)  # type: ignore[arg-type]

    # -- derived values -------------------------------------------------------------

    @property
    def twilio_enabled(self) -> bool:
        """True when replies go to Twilio; otherwise the app runs in outbox mode."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def webhook_auth_token(self) -> str:
        """The key Twilio (or the simulator) signs webhooks with."""
        return self.twilio_auth_token or self.simulator_auth_token

    @property
    def broker_url(self) -> str:
        return self.redis_url or self.embedded_broker_url

    @property
    def log_format_used(self) -> str:
        return self.log_format.strip().lower() or ("json" if self.is_production else "text")

    @property
    def approval_required(self) -> bool:
        """A second person approves each broadcast (MINAJLIKI_BROADCAST_APPROVAL=on)."""
        return self.broadcast_approval.strip().lower() in APPROVAL_ON

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def validate(self) -> Settings:
        """Raise ConfigError listing every problem, so one start shows them all."""
        problems: list[str] = []
        for name in ("database_url", "rasa_url", "actions_url"):
            if "://" not in getattr(self, name):
                problems.append(
                    f"{self.ENV_NAMES[name]} must be a URL, got {getattr(self, name)!r}"
                )
        for name in ("redis_url", "public_url", "twilio_api_base_url"):
            value = getattr(self, name)
            if value and not urlsplit(value).scheme:
                problems.append(f"{self.ENV_NAMES[name]} must be a URL, got {value!r}")
        if self.redis_url and urlsplit(self.redis_url).scheme not in ("redis", "rediss"):
            problems.append("REDIS_URL must start with redis:// or rediss://")
        if bool(self.twilio_account_sid) != bool(self.twilio_auth_token):
            problems.append("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither")
        if self.twilio_account_sid and not self.twilio_account_sid.startswith("AC"):
            problems.append("TWILIO_ACCOUNT_SID must start with 'AC'")
        if self.twilio_enabled:
            if not (self.twilio_sms_from or self.twilio_whatsapp_from):
                problems.append("set TWILIO_SMS_FROM and/or TWILIO_WHATSAPP_FROM to send")
            if not self.public_url:
                problems.append("PUBLIC_URL is required with Twilio (signatures and callbacks)")
        if self.twilio_whatsapp_from and not self.twilio_whatsapp_from.startswith("whatsapp:"):
            problems.append("TWILIO_WHATSAPP_FROM must look like 'whatsapp:+14155238886'")
        try:
            OfficeHours.parse(self.office_hours, self.holidays)
        except OfficeHoursError as exc:
            problems.append(f"MINAJLIKI_OFFICE_HOURS / MINAJLIKI_HOLIDAYS: {exc}")
        try:
            parse_templates(self.whatsapp_templates)
        except TemplatesError as exc:
            problems.append(f"MINAJLIKI_WHATSAPP_TEMPLATES: {exc}")
        try:
            QuietHours.parse(self.quiet_hours)
        except QuietHoursError as exc:
            problems.append(f"MINAJLIKI_QUIET_HOURS: {exc}")
        try:
            parse_offsets(self.reminder_offsets)
        except OffsetsError as exc:
            problems.append(f"MINAJLIKI_REMINDER_OFFSETS: {exc}")
        if self.log_format.strip().lower() not in ("", "json", "text"):
            problems.append("MINAJLIKI_LOG_FORMAT must be 'json' or 'text'")
        if self.broadcast_rate < 1:
            problems.append("MINAJLIKI_BROADCAST_RATE must be at least 1 message a second")
        if self.broadcast_approval.strip().lower() not in (*APPROVAL_ON, *APPROVAL_OFF):
            problems.append("MINAJLIKI_BROADCAST_APPROVAL must be 'on' or 'off'")
        try:
            Prices.parse(self.prices)
        except PricesError as exc:
            problems.append(f"MINAJLIKI_PRICES: {exc}")
        if self.handoff_idle_hours <= 0:
            problems.append("MINAJLIKI_HANDOFF_IDLE_HOURS must be positive")
        if self.is_production and self.secret_key == Settings.secret_key:
            problems.append("SECRET_KEY must be set in production")
        if problems:
            raise ConfigError("Invalid configuration:\n  - " + "\n  - ".join(problems))
        return self


@contextmanager
def exit_on_config_error(process: str) -> Iterator[None]:
    """At a process's start: an incomplete configuration stops it with the list of what
    to fix (no traceback), and exit status 3, which gunicorn takes as "do not restart"."""
    try:
        yield
    except ConfigError as exc:
        print(f"minajliki {process}: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
