"""Caseload report (with CSV export) and the emergency access review list."""

import io
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from typing import IO

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from clinic.clients import queries, services
from clinic.clients.forms import EmergencyReviewForm
from clinic.clients.levels import BY_INTENSITY
from clinic.clients.models import EmergencyAccess
from clinic.core import audit
from clinic.core.clock import clinic_today, utcnow
from clinic.core.pagination import paginate_rows
from clinic.core.permissions import deny, require
from clinic.core.transaction import attempt, committed
from clinic.extensions import db
from clinic.reports import bp
from clinic.reports import caseload as caseload_report

# Possible probing stays on the emergency-access page this long.
PROBING_SHOWN_FOR = timedelta(days=30)

REPORT_VIEWED = audit.define("report.viewed", "Report viewed")
REPORT_EXPORTED = audit.define("report.exported", "Report exported")


@bp.get("/caseload")
@require("reports.caseload")
def caseload():
    """Open episodes per primary counselor and level of care: the totals per level, then a page
    of counselors by name; or every counselor as a CSV file, streamed."""
    if request.args.get("format") == "csv":
        audit.record(REPORT_EXPORTED, detail={"report": "caseload"})
        return committed(
            Response(
                wrap_file(
                    request.environ, _spooled(caseload_report.csv_lines(queries.every_caseload()))
                ),
                mimetype="text/csv",
                direct_passthrough=True,
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="caseload-{clinic_today().isoformat()}.csv"'
                    )
                },
            )
        )
    totals = caseload_report.CaseloadTotals.build(queries.caseload_totals())
    page = paginate_rows(queries.counselors_with_caseloads(), current_app.config["PAGE_SIZE"])
    rows = caseload_report.page_rows(
        page.items, queries.caseloads_of([counselor_id for counselor_id, _ in page.items])
    )
    audit.record(REPORT_VIEWED, detail={"report": "caseload", "page": page.page})
    return committed(
        render_template(
            "reports/caseload.html", totals=totals, rows=rows, page=page, levels=BY_INTENSITY
        )
    )


# An export larger than this goes to a temporary file rather than memory while it is sent.
EXPORT_IN_MEMORY = 1024 * 1024


def _spooled(pieces: Iterable[str]) -> IO[bytes]:
    """The text `pieces` (read from the database a few hundred rows at a time), in a file to send:
    in memory up to EXPORT_IN_MEMORY, in a temporary file beyond, so that a large export never
    sits whole in a worker's memory (nor holds the database while a slow client downloads it)."""
    spool: IO[bytes] = io.BytesIO()
    for piece in pieces:
        spool.write(piece.encode())
        if isinstance(spool, io.BytesIO) and spool.tell() > EXPORT_IN_MEMORY:
            on_disk = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the response)
            on_disk.write(spool.getbuffer())
            spool = on_disk
    spool.seek(0)
    return spool


@bp.get("/emergency-access")
@require("emergency.review")
def emergency_access():
    """Emergency accesses for supervisors to review, those not yet reviewed first."""
    grants = queries.emergency_grants()
    audit.record(
        REPORT_VIEWED,
        detail={
            "report": "emergency_access",
            "client_ids": sorted({grant.client_id for grant in grants}),
        },
    )
    return committed(
        render_template(
            "reports/emergency_access.html",
            grants=grants,
            form=EmergencyReviewForm(),
            probing=audit.recent(audit.PROBING, utcnow() - PROBING_SHOWN_FOR),
        )
    )


@bp.post("/emergency-access/<int:grant_id>/review")
@require("emergency.review")
def emergency_review(grant_id: int):
    """Mark one emergency access as reviewed, with an optional note."""
    grant = db.session.get(EmergencyAccess, grant_id)
    if grant is None:
        deny(404, "emergency.review")
    form = EmergencyReviewForm()
    if form.validate_on_submit():
        race = "This emergency access was reviewed by someone else a moment ago."
        outcome = attempt(
            form,
            lambda: services.review_emergency_access(grant, form.note.data, actor=current_user),
            race=race,
        )
        if outcome:
            flash("Marked as reviewed.", "success")
        else:
            # The list page has one note per grant: the refusal is the outcome, in a flash.
            flash(str(outcome.error) if outcome.error else race, "warning")
    return redirect(url_for("reports.emergency_access"))
