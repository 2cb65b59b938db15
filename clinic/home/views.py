"""Home page, worklists and health check."""

import sqlalchemy as sa
from flask import abort, current_app, jsonify, render_template, request
from flask_login import current_user

from clinic.auth.services import staff_named
from clinic.clients import queries
from clinic.clients.services import CLIENTS_LISTED
from clinic.core import audit, due
from clinic.core.clock import clinic_today, utcnow
from clinic.core.pagination import requested_page
from clinic.core.permissions import can, public, require
from clinic.core.transaction import committed
from clinic.extensions import db
from clinic.home import bp
from clinic.home.forms import WorklistFilterForm


def _audit_shown(client_ids: list[int], *filters: str) -> None:
    """Listing clients is reading their records: audit the ids shown (a bounded list)."""
    shown = list(dict.fromkeys(client_id for client_id in client_ids if client_id))
    if shown:
        audit.record(CLIENTS_LISTED, detail={"client_ids": shown, "filters": list(filters)})


@bp.get("/")
@require("home.view")
def index():
    """The signed-in user's home: their caseload, and per kind of due work its count and the
    most urgent few (safety flags in full)."""
    today = clinic_today()
    shown = current_app.config["CASELOAD_SHOWN"]
    caseload = None
    if can(current_user, "caseload.own"):
        caseload = queries.caseload(current_user.id, limit=shown + 1)
    more = caseload is not None and len(caseload) > shown
    caseload = caseload[:shown] if caseload is not None else None
    groups = due.summary(current_user, today, utcnow(), preview=current_app.config["DUE_PREVIEW"])
    listed = [row.id for row in caseload or []]
    listed += [item.client_id for group in groups for item in group.items]
    _audit_shown(listed, "home")
    return committed(
        render_template(
            "home/index.html",
            user=current_user,
            caseload=caseload,
            more_caseload=more,
            groups=groups,
            today=today,
        )
    )


@bp.get("/worklist/<kind>")
@require("home.view")
def worklist(kind: str):
    """One kind of due work, the most urgent first, a page at a time, filtered by primary
    counselor, level and how late."""
    chosen = due.kinds().get(kind)
    if chosen is None:
        abort(404)
    form = WorklistFilterForm(request.args)
    filters = due.Filters()
    if form.validate():
        filters = due.Filters(
            counselor=staff_named(form.counselor.data) if form.counselor.data else None,
            level=form.level.data or None,
            severity=form.severity.data or None,
        )
    today, now = clinic_today(), utcnow()
    size = current_app.config["WORKLIST_PAGE_SIZE"]
    page = requested_page()
    items = due.first(
        chosen,
        current_user,
        today,
        now,
        limit=size + 1,
        offset=(page - 1) * size,
        filters=filters,
    )
    if items is None:
        abort(404)  # not this user's work
    more = len(items) > size
    items = items[:size]
    total = due.count(chosen, current_user, today, now, filters=filters)
    _audit_shown([item.client_id for item in items], "worklist", kind)
    return committed(
        render_template(
            "home/worklist.html",
            kind=chosen,
            form=form,
            items=items,
            page=page,
            more=more,
            total=total,
            count_label=due.count_label(total),
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
