"""Administration: staff accounts and the audit log viewer (later: the provider directory)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from clinic.admin import views  # noqa: E402, F401  (registers the routes)
