"""Login throttling (Flask-Limiter), response headers, and the console's error pages."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_limiter import Limiter, RequestLimit
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, TooManyRequests
from werkzeug.wrappers import Response

from bot.settings import Settings
from bot.staff.audit import audit
from bot.staff.validation import check_email, normalise_email
from console.blueprint import bp
from webhooks.context import db

# Failed sign-ins allowed per window, for one address from one IP, and for one IP overall
# (limits' notation: "5 per minute", "20/hour"). Tests lower them through app.config.
DEFAULT_LOGIN_LIMIT = "5 per minute"
DEFAULT_LOGIN_IP_LIMIT = "30 per minute"


def _ip() -> str:
    return request.remote_addr or "unknown"


def _ip_and_email() -> str:
    return f"{_ip()}|{normalise_email(request.form.get('email', ''))[:254]}"


def _login_failed(_response: Response) -> bool:
    # Only a wrong email or password counts; a success or a re-displayed form does not.
    return bool(g.get("console_login_failed"))


def _record_breach(limit: RequestLimit) -> None:
    typed: dict[str, str] = {}
    email = check_email(request.form.get("email", ""), typed)
    details = {"email": "(invalid)" if typed else email}
    audit(db(), None, "login.throttled", "staff_user", None, details, _ip())
    db().commit()


def init_throttle(app: Flask, settings: Settings) -> Limiter:
    """Throttle failed sign-ins. Counters live in Redis when REDIS_URL is set (shared by
    every web process), else in this process's memory."""
    app.config.setdefault("CONSOLE_LOGIN_LIMIT", DEFAULT_LOGIN_LIMIT)
    app.config.setdefault("CONSOLE_LOGIN_IP_LIMIT", DEFAULT_LOGIN_IP_LIMIT)
    limiter = Limiter(
        key_func=_ip,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix="minajliki-console",
        strategy="moving-window",
        # Redis down: count in memory rather than lock every counsellor out.
        in_memory_fallback_enabled=True,
    )

    def limited(limit_name: str, key_func):  # type: ignore[no-untyped-def]
        return limiter.limit(
            lambda: str(current_app.config[limit_name]),
            key_func=key_func,
            methods=["POST"],
            deduct_when=_login_failed,
            on_breach=_record_breach,
        )

    # The limiter is made per app, so its decorator is applied here, to the view
    # registered by the blueprint.
    view = app.view_functions["console.login"]
    view = limited("CONSOLE_LOGIN_LIMIT", _ip_and_email)(view)
    view = limited("CONSOLE_LOGIN_IP_LIMIT", _ip)(view)
    app.view_functions["console.login"] = view
    return limiter


@bp.after_request
def _headers(response: Response) -> Response:
    if request.endpoint != "console.static":
        # Pages show personal data, often on shared phones: never cached.
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _error(title: str, message: str, status: int) -> tuple[str, int]:
    return render_template("console/error.html", title=title, message=message), status


@bp.errorhandler(CSRFError)
def _csrf_error(_error_: CSRFError) -> tuple[str, int]:
    return _error(
        "Formulaire expiré", "Le formulaire a expiré. Rechargez la page puis réessayez.", 400
    )


@bp.errorhandler(Forbidden)
def _forbidden(_error_: Forbidden) -> tuple[str, int]:
    return _error("Accès refusé", "Cette page est réservée à l'administration.", 403)


@bp.errorhandler(TooManyRequests)
def _too_many(_error_: TooManyRequests) -> tuple[str, int]:
    return _error(
        "Trop de tentatives",
        "Trop de tentatives de connexion. Patientez une minute puis réessayez.",
        429,
    )
