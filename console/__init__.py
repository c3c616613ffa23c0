"""The staff console: a Flask blueprint under /console (French, phone-first).

`init_app` is called by the app factory (webhooks.create_app). What is here: signing in
and out, the role check, staff accounts and the audit log for admins, and the landing
page — the inbox, which the handoff work fills.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from bot.settings import Settings
from console import (  # noqa: F401 (routes)
    audit,
    auth,
    broadcasts,
    dashboard,
    directory,
    inbox,
    labels,
    referrals,
    security,
    trainings,
    users,
)
from console.blueprint import bp

# A working day on the console, then sign in again.
SESSION_LIFETIME = timedelta(hours=12)


def init_app(app: Flask, settings: Settings) -> None:
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.register_blueprint(bp)
    app.add_template_filter(labels.local_time, "local_time")
    app.add_template_filter(labels.role_label, "role_label")
    app.add_template_filter(labels.action_label, "action_label")
    app.add_template_filter(labels.province_name, "province_name")
    app.add_template_filter(labels.detail_text, "detail_text")
    app.add_template_filter(labels.detail_word, "detail_word")
    app.add_template_filter(labels.language_label, "language_label")
    auth.init_login(app)
    security.init_throttle(app, settings)
