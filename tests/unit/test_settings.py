from __future__ import annotations

import pytest

from bot.rasa_env import lock_store_env, rasa_environment, tracker_store_url
from bot.settings import ConfigError, Settings


def test_defaults_run_in_outbox_mode_with_the_embedded_broker() -> None:
    settings = Settings.from_env({}).validate()
    assert not settings.twilio_enabled
    assert settings.broker_url.startswith("sqla+sqlite:///")
    assert settings.database_url.startswith("sqlite:///")


def test_redis_url_selects_the_redis_broker() -> None:
    settings = Settings.from_env({"REDIS_URL": "redis://127.0.0.1:6379/2"}).validate()
    assert settings.broker_url == "redis://127.0.0.1:6379/2"


def test_port_sets_the_url_rasa_uses_for_nlg() -> None:
    assert Settings.from_env({"PORT": "5123"}).web_url == "http://127.0.0.1:5123"


def test_every_problem_is_reported_at_once() -> None:
    environ = {
        "TWILIO_ACCOUNT_SID": "XX123",
        "DATABASE_URL": "nonsense",
        "REDIS_URL": "http://x",
        "TWILIO_WHATSAPP_FROM": "+1415",
    }
    with pytest.raises(ConfigError) as error:
        Settings.from_env(environ).validate()
    text = str(error.value)
    for fragment in (
        "DATABASE_URL",
        "REDIS_URL",
        "TWILIO_AUTH_TOKEN",
        "'AC'",
        "whatsapp:",
    ):
        assert fragment in text


def test_twilio_needs_a_sender_and_a_public_url() -> None:
    environ = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t"}
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        Settings.from_env(environ).validate()


def test_production_needs_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"MINAJLIKI_ENV": "production"}).validate()


def test_rasa_tracker_store_follows_the_database() -> None:
    pg = Settings.from_env({"DATABASE_URL": "postgresql+psycopg://u:p@db:5432/app"})
    assert tracker_store_url(pg) == "postgresql://u:p@db:5432/app"
    assert tracker_store_url(Settings.from_env({})).endswith("rasa_tracker.sqlite")


def test_rasa_lock_store_is_redis_when_redis_is_configured() -> None:
    env = lock_store_env(Settings.from_env({"REDIS_URL": "redis://:pw@cache:6380/3"}))
    assert env["MINAJLIKI_LOCK_STORE_TYPE"] == "redis"
    assert (env["MINAJLIKI_LOCK_STORE_HOST"], env["MINAJLIKI_LOCK_STORE_PORT"]) == ("cache", "6380")
    assert (env["MINAJLIKI_LOCK_STORE_DB"], env["MINAJLIKI_LOCK_STORE_PASSWORD"]) == ("3", "pw")
    assert lock_store_env(Settings.from_env({}))["MINAJLIKI_LOCK_STORE_TYPE"] == "in_memory"


def test_rasa_environment_points_nlg_at_the_web_app() -> None:
    env = rasa_environment(Settings.from_env({"PORT": "5200"}), base={})
    assert env["MINAJLIKI_NLG_URL"] == "http://127.0.0.1:5200/nlg"
    assert len(env["MINAJLIKI_NLG_TOKEN"]) == 32
