"""Signing in and out (Flask-Login), who is signed in, and the role check."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from bot.staff.audit import audit
from bot.staff.models import StaffUser
from bot.staff.services import authenticate
from console.blueprint import bp
from console.forms import LoginForm
from webhooks.context import db

P = ParamSpec("P")
R = TypeVar("R")

# Pages anyone may open; every other console page needs a signed-in account.
PUBLIC_ENDPOINTS = frozenset({"console.login", "console.static"})


class ConsoleUser(UserMixin):
    """Flask-Login's view of a StaffUser (bot/ stays free of Flask)."""

    def __init__(self, staff: StaffUser) -> None:
        self.staff = staff

    @property
    def is_active(self) -> bool:
        return self.staff.active

    def get_id(self) -> str:
        # The id carries a fingerprint of her password hash: a new password signs out
        # every other session of hers.
        return f"{self.staff.id}:{_fingerprint(self.staff)}"

    def __getattr__(self, name: str) -> Any:
        if name == "staff":  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.staff, name)


def _fingerprint(staff: StaffUser) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{staff.id}:{staff.password_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _load_user(user_id: str) -> ConsoleUser | None:
    staff_id, _, fingerprint = user_id.partition(":")
    if not staff_id.isdigit():
        return None
    staff = db().get(StaffUser, int(staff_id))
    if staff is None or not staff.active:
        return None  # deactivated: signed out at her next click
    if not hmac.compare_digest(fingerprint, _fingerprint(staff)):
        return None
    return ConsoleUser(staff)


def init_login(app: Flask) -> LoginManager:
    manager = LoginManager(app)
    manager.login_view = "console.login"
    manager.login_message = "Connectez-vous pour continuer."
    manager.login_message_category = "info"
    manager.user_loader(_load_user)
    return manager


def current_staff() -> StaffUser:
    """The signed-in account, attached to this request's database session."""
    return current_user.staff  # type: ignore[no-any-return]


def client_ip() -> str | None:
    return request.remote_addr  # ProxyFix has put the client's address here


def roles_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Only these roles may open the page: others get 403, strangers the login page."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.before_request
def _signed_in_only() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]


def _safe_next(target: str | None) -> str:
    """Back to the console page she asked for; never to another site."""
    if target and target.startswith("/console") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("console.inbox")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("console.inbox"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        staff = authenticate(db(), form.email.data or "", form.password.data or "", ip=client_ip())
        if staff is not None:
            session.clear()  # nothing from before signing in carries over
            login_user(ConsoleUser(staff))
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        g.console_login_failed = True  # counted by the login throttle (console.security)
        error = "Adresse e-mail ou mot de passe incorrect."
    return render_template("console/login.html", form=form, error=error)


@bp.post("/logout")
def logout() -> Response:
    staff = current_staff()
    audit(db(), staff, "logout", "staff_user", staff.id, ip=client_ip())
    db().commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("console.login"))
