"""How the Rasa server is started: its environment (endpoints.yml reads it) and command.

Rasa lives in its own Python 3.10 environment (.venv-rasa); this module only builds
the command and the variables from the app's settings.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

from bot.nlg_token import nlg_token
from bot.settings import INSTANCE_DIR, PROJECT_ROOT, Settings

RASA_PROJECT = PROJECT_ROOT / "rasa_project"
RASA_VENV = PROJECT_ROOT / ".venv-rasa"
MODELS_DIR = RASA_PROJECT / "models"
MODEL_NAME = "minajliki"
FINGERPRINT_FILE = MODELS_DIR / f"{MODEL_NAME}.fingerprint"
# What training reads; the project's own NLU components (minajliki_nlu/) are code it runs.
TRAINING_INPUTS = ("config.yml", "domain", "data", "minajliki_nlu")
TRAINING_SUFFIXES = (".yml", ".yaml", ".py")


def tracker_store_url(settings: Settings) -> str:
    """Rasa's tracker store: PostgreSQL when the app uses it, else a SQLite file."""
    if settings.tracker_store_url:
        return settings.tracker_store_url
    url = settings.database_url
    if url.startswith(("postgresql", "postgres:")):
        # The Rasa env has psycopg2, SQLAlchemy's default PostgreSQL driver.
        scheme, rest = url.split("://", 1)
        return "postgresql://" + rest if "+" in scheme or scheme == "postgres" else url
    return f"sqlite:///{INSTANCE_DIR / 'rasa_tracker.sqlite'}"


def lock_store_env(settings: Settings) -> dict[str, str]:
    """Redis lock store whenever REDIS_URL is set (several Rasa replicas), else in memory."""
    if not settings.redis_url:
        return {
            "MINAJLIKI_LOCK_STORE_TYPE": "in_memory",
            "MINAJLIKI_LOCK_STORE_HOST": "",
            "MINAJLIKI_LOCK_STORE_PORT": "6379",
            "MINAJLIKI_LOCK_STORE_DB": "0",
            "MINAJLIKI_LOCK_STORE_PASSWORD": "",
        }
    parts = urlsplit(settings.redis_url)
    db = parts.path.lstrip("/") or "0"
    return {
        "MINAJLIKI_LOCK_STORE_TYPE": "redis",
        "MINAJLIKI_LOCK_STORE_HOST": parts.hostname or "127.0.0.1",
        "MINAJLIKI_LOCK_STORE_PORT": str(parts.port or 6379),
        "MINAJLIKI_LOCK_STORE_DB": db if db.isdigit() else "0",
        "MINAJLIKI_LOCK_STORE_PASSWORD": parts.password or "",
    }


def rasa_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "MINAJLIKI_ACTIONS_URL": settings.actions_url,
            "MINAJLIKI_NLG_URL": settings.web_url.rstrip("/") + "/nlg",
            "MINAJLIKI_NLG_TOKEN": nlg_token(settings),
            "MINAJLIKI_TRACKER_STORE_URL": tracker_store_url(settings),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # The project's NLU components (config.yml names `minajliki_nlu.…`), from any
            # working folder (bench/eval_nlu.py trains in a copy of the project).
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(RASA_PROJECT), env.get("PYTHONPATH", "")) if p
            ),
            # Rasa 3.6's dependencies warn about their own deprecations at every start.
            "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::UserWarning",
        }
    )
    env.update(lock_store_env(settings))
    return env


def rasa_executable() -> Path:
    return RASA_VENV / "bin" / "rasa"


# `rasa` with its JSON-schema checks cached: about twice the messages per second.
SERVE_SCRIPT = RASA_PROJECT / "tools" / "serve.py"


def run_command(settings: Settings, model: Path | None = None) -> list[str]:
    parts = urlsplit(settings.rasa_url)
    return [
        str(RASA_VENV / "bin" / "python"),
        str(SERVE_SCRIPT),
        "run",
        "--enable-api",
        "--interface", parts.hostname or "127.0.0.1",
        "--port", str(parts.port or 5005),
        "--model", str(model or MODELS_DIR),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
    ]  # fmt: skip


def training_fingerprint(project: Path = RASA_PROJECT) -> str:
    """A hash of everything training reads: the model is retrained when it changes."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        root = project / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix in TRAINING_SUFFIXES:
                digest.update(str(path.relative_to(project)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def model_is_current(project: Path = RASA_PROJECT) -> bool:
    model = project / "models" / f"{MODEL_NAME}.tar.gz"
    fingerprint = project / "models" / f"{MODEL_NAME}.fingerprint"
    return (
        model.exists()
        and fingerprint.exists()
        and fingerprint.read_text().strip() == training_fingerprint(project)
    )


def train_command(model_name: str = MODEL_NAME) -> list[str]:
    """`rasa train`, run in the project folder (rasa_project/ or a copy of it)."""
    return [
        str(rasa_executable()),
        "train",
        "--config", "config.yml",
        "--domain", "domain",
        "--data", "data",
        "--out", "models",
        "--fixed-model-name", model_name,
    ]  # fmt: skip
