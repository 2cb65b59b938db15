"""Reports for supervisors and administrators: caseloads, emergency access review."""

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__)

from clinic.reports import views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/reports")
