"""The client's family and other contacts: the chart's Family tab (later: family sessions)."""

from flask import Blueprint, Flask

bp = Blueprint("family", __name__)

from clinic.clients.chart import register_chart_tab  # noqa: E402
from clinic.family import views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/clients")
    register_chart_tab(
        app, "family.index", "Family", order=50, permission="contacts.view", section="family."
    )
