"""The clinic portal: a Flask application built by `create_app`."""

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import check_production_settings, settings_from_environment

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping | None = None) -> Flask:
    """Build the application: settings from the environment, then `overrides` (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, overrides)
    register_extensions(app)
    register_request_handling(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, overrides: Mapping | None) -> None:
    app.config.update(settings_from_environment())
    if overrides:
        app.config.update(overrides)
    check_production_settings(app.config)
    if app.config["TRUSTED_PROXY_HOPS"]:
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(exist_ok=True)


def register_extensions(app: Flask) -> None:
    from clinic.core.db import configure_engine
    from clinic.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"


def register_request_handling(app: Flask) -> None:
    from clinic.core.web import register_request_handling as register

    register(app)


def register_blueprints(app: Flask) -> None:
    from clinic import admin, assessments, auth, clients, home, plans, reports
    from clinic.care.views import bp as care

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(clients.bp, url_prefix="/clients")
    app.register_blueprint(assessments.bp)  # its pages live under /clients/<id>/assessments/
    app.register_blueprint(plans.bp)  # and these under /clients/<id>/plans/
    app.register_blueprint(care)  # moves, /reports/census and /admin/beds
    app.register_blueprint(reports.bp, url_prefix="/reports")
    app.register_blueprint(admin.bp, url_prefix="/admin")


def register_template_helpers(app: Flask) -> None:
    from clinic.core.templating import register_template_helpers as register

    register(app)


def register_commands(app: Flask) -> None:
    from clinic.auth.cli import users
    from clinic.seed.cli import seed

    app.cli.add_command(users)
    app.cli.add_command(seed)
