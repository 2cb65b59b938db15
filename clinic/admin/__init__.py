"""Administration: staff accounts and the audit log viewer (later: the provider directory)."""

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__)

from clinic.admin import views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/admin")
