"""Flask app factory: Twilio webhooks, the Rasa NLG endpoint, health, the simulator and the
staff console."""

from __future__ import annotations

import logging

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.celery_app import Enqueue, Spool, celery_enqueue, celery_spool
from bot.runtime import Runtime
from bot.settings import Settings


def create_app(
    settings: Settings | None = None, enqueue: Enqueue | None = None, spool: Spool | None = None
) -> Flask:
    """Build the web app. `enqueue` hands a beneficiary to the worker, `spool` what Twilio
    posted while the database is down, to be stored later (tests pass fakes)."""
    settings = (settings or Settings.from_env()).validate()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=512 * 1024,  # Twilio's webhooks are a few kB
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Browsers only send it back over HTTPS once the app is served over HTTPS.
        SESSION_COOKIE_SECURE=settings.is_production
        or (settings.public_url or "").lower().startswith("https://"),
        # A form stays valid as long as the session (a page left open all morning).
        WTF_CSRF_TIME_LIMIT=None,
    )
    # Behind a reverse proxy (ngrok, nginx), rebuild the URL Twilio signed.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    runtime = Runtime(settings)
    app.extensions["minajliki"] = runtime
    app.extensions["minajliki.enqueue"] = enqueue or celery_enqueue(settings)
    app.extensions["minajliki.spool"] = spool or celery_spool(settings)

    import console
    from webhooks import health, nlg, simulator, twilio

    app.register_blueprint(twilio.bp)
    app.register_blueprint(nlg.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(simulator.bp)
    console.init_app(app, settings)

    # Every form posted from a browser carries a CSRF token. Machines prove themselves
    # otherwise: Twilio signs its webhooks, Rasa sends the NLG token, and the simulator's
    # /send takes JSON only (a cross-site form cannot post JSON without a CORS preflight).
    csrf = CSRFProtect(app)
    csrf.exempt(twilio.bp)
    csrf.exempt(nlg.bp)
    csrf.exempt(simulator.send)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        from webhooks.context import close_session

        close_session()

    logging.getLogger(__name__).info(
        "web app ready (%s)", "Twilio" if settings.twilio_enabled else "outbox mode"
    )
    return app
