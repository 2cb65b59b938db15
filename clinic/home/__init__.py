"""The signed-in home page (the due work of every domain) and the public health check."""

from flask import Blueprint, Flask

bp = Blueprint("home", __name__)

from clinic.home import views  # noqa: E402, F401  (routes on bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
