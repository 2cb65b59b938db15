"""42 CFR Part 2 consents, the one disclosure gate, releases of information, emergency
disclosures and the accounting of disclosures: the chart's Consents tab."""

from flask import Blueprint, Flask

bp = Blueprint("consents", __name__)

from clinic.clients.chart import register_chart_tab  # noqa: E402
from clinic.consents import due, views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)  # its pages live under /clients/<id>/consents/
    register_chart_tab(
        app, "consents.index", "Consents", order=60, permission="consents.view", section="consents."
    )
    due.register(app)
