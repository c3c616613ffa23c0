"""The console's blueprint; the view modules add their routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",  # templates live under templates/console/ (no clashes)
    static_folder="static",
    static_url_path="/static",
)
