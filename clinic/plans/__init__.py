"""Individualized treatment plans: versions, signatures, reviews."""

from flask import Blueprint, Flask

bp = Blueprint("plans", __name__)

from clinic.clients.chart import register_chart_tab  # noqa: E402
from clinic.plans import cli, due, review_days, views  # noqa: E402, F401  (routes; listeners)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)  # its pages live under /clients/<id>/plans/
    register_chart_tab(
        app, "plans.index", "Plan", order=40, permission="plan.view", section="plans."
    )
    due.register(app)
    app.cli.add_command(cli.plans)
