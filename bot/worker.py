"""Entry point for `celery -A bot.worker worker|beat`: the process's Celery app."""

from typing import Any

from celery.signals import setup_logging

from bot import logs
from bot.celery_app import create_celery
from bot.runtime import get_runtime
from bot.settings import exit_on_config_error

with exit_on_config_error("worker"):
    settings = get_runtime().settings


@setup_logging.connect
def _logging(**_kwargs: Any) -> None:
    # Connected, so Celery leaves the root logger to us: masked, JSON in production.
    logs.configure(settings.log_format_used)


app = create_celery(settings)
