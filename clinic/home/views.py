"""Home page and health check."""

import sqlalchemy as sa
from flask import jsonify, render_template
from flask_login import current_user

from clinic.clients import queries
from clinic.clients.services import CLIENTS_LISTED
from clinic.core import audit
from clinic.core.clock import clinic_today, utcnow
from clinic.core.due import due_items
from clinic.core.permissions import can, public, require
from clinic.core.transaction import committed
from clinic.extensions import db
from clinic.home import bp


@bp.get("/")
@require("home.view")
def index():
    """The signed-in user's home: their caseload and what is due."""
    today = clinic_today()
    caseload = queries.caseload(current_user.id) if can(current_user, "caseload.own") else None
    items = due_items(current_user, today, utcnow())
    shown = [row.id for row in caseload or []] + [i.client_id for i in items if i.client_id]
    if shown:
        audit.record(CLIENTS_LISTED, detail={"client_ids": shown, "filters": ["home"]})
    return committed(
        render_template(
            "home/index.html", user=current_user, caseload=caseload, due=items, today=today
        )
    )


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitors: is this process up, and can it reach its database?

    A GET, so a read that takes no lock (`clinic.core.transaction`): on SQLite, WAL lets it read
    while another request holds the write lock, and a busy server is not reported down."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
