"""The clinic portal: a Flask application built by `create_app`."""

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from clinic import (
    admin,
    assessments,
    auth,
    care,
    clients,
    consents,
    directory,
    family,
    home,
    plans,
    policy,
    reports,
    seed,
)
from clinic.auth.models import ROLE_LABELS
from clinic.clients.models import display_name
from clinic.core import audit, permissions
from clinic.core.clock import local_date, local_time
from clinic.core.db import configure_engine
from clinic.core.pagination import RecordIdConverter
from clinic.core.validators import web_address
from clinic.core.web import register_request_handling
from clinic.extensions import bootstrap, csrf, db, login_manager, migrate
from config import check_production_settings, settings_from_environment

ROOT = Path(__file__).resolve().parent.parent

# Every domain, each with its `init_app(app)`: routes, chart tabs, alerts, due sources, commands.
# Chart tabs are placed by their own `order`, not by this order.
DOMAINS = (
    auth,
    home,
    clients,
    directory,
    family,
    assessments,
    plans,
    care,
    consents,
    reports,
    admin,
    seed,
)


def create_app(overrides: Mapping | None = None) -> Flask:
    """Build the application: settings from the environment, then `overrides` (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, overrides)
    # Before any route is added: ids in URLs stay within what the database can hold.
    app.url_map.converters["int"] = RecordIdConverter
    register_extensions(app)
    register_request_handling(app)
    register_domains(app)
    register_template_helpers(app)
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
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"


def register_domains(app: Flask) -> None:
    """The policy table once, then each domain plugs itself in (README, "Adding a domain")."""
    permissions.register(policy.RULES)
    for domain in DOMAINS:
        domain.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """What every template may use: clinic-time formatting, role and client names, the permission
    check."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(web_address, "web_address")
    app.add_template_global(permissions.template_can, "can")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
    app.add_template_global(display_name, "display_name")
    app.add_template_global(audit.object_label, "object_label")
    app.add_template_global(audit.summarize_detail, "summarize_detail")
