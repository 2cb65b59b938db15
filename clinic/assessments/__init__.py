"""Screening instruments, the six-dimension assessment and the level-of-care recommendation."""

from flask import Blueprint, Flask

bp = Blueprint("assessments", __name__)

from clinic.assessments import due, services, views  # noqa: E402  (views: routes on bp)
from clinic.clients.chart import register_chart_alert, register_chart_tab  # noqa: E402


def init_app(app: Flask) -> None:
    services.intake_instruments(app.config["INTAKE_INSTRUMENTS"])  # refuse a wrong setting now
    app.register_blueprint(bp)  # its pages live under /clients/<id>/assessments/
    register_chart_tab(
        app,
        "assessments.index",
        "Assessments",
        order=30,
        permission="assessment.view",
        section="assessments.",
    )
    register_chart_alert(app, views.safety_alerts)
    due.register(app)
