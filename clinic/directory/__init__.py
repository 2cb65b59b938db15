"""The provider directory: the organisations and groups outside the program that clients are
referred to and records may be released to. Admins keep it; every clinical role reads it."""

from flask import Blueprint, Flask

bp = Blueprint("directory", __name__)

from clinic.directory import views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/admin/providers")
