"""WSGI entry point: `gunicorn webhooks.wsgi:app`."""

from webhooks import create_app

app = create_app()
