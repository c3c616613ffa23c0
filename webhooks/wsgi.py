"""WSGI entry point: `gunicorn webhooks.wsgi:app`."""

from bot import logs
from bot.settings import Settings, exit_on_config_error
from webhooks import create_app

with exit_on_config_error("web"):
    settings = Settings.from_env().validate()
logs.configure(settings.log_format_used)
app = create_app(settings)
