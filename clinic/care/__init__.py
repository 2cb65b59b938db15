"""Levels of care in motion: moves between levels, discharge, bed capacity and the live census.

The episode spine (levels, stays, corrections) belongs to clients; this domain changes it. Its
pages sit under the chart's Care tab, plus /reports/census and /admin/beds.
"""

from flask import Blueprint, Flask

bp = Blueprint("care", __name__)

from clinic.care import due, views  # noqa: E402, F401  (views: routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    due.register(app)
