"""Clients, admissions (episodes), levels of care and stays, care teams, caseloads and emergency
access: the spine every clinical domain hangs from."""

from flask import Blueprint, Flask

bp = Blueprint("clients", __name__)

from clinic.clients import chart, due, views  # noqa: E402  (views: routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/clients")
    chart.register_chart_tab(app, "clients.chart", "Overview", order=10)
    # Care holds moves and discharge too (the care domain's pages).
    chart.register_chart_tab(
        app, "clients.care", "Care", order=20, section=("clients.care_", "care.")
    )
    chart.register_chart_alert(app, views.emergency_banner)
    due.register(app)
