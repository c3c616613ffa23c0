"""Entry point for `celery -A bot.worker worker|beat`: the process's Celery app."""

from bot.celery_app import create_celery
from bot.runtime import get_runtime

app = create_celery(get_runtime().settings)
