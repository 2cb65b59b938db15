"""Home page and health check."""

import sqlalchemy as sa
from flask import jsonify, render_template
from flask_login import current_user

from clinic.auth.permissions import public, require
from clinic.extensions import db
from clinic.home import bp


@bp.get("/")
@require("home.view")
def index():
    return render_template("home/index.html", user=current_user)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitors: is this process up, and can it reach its database?"""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
