"""Request plumbing shared by every page: request ids, security headers, error pages."""

import re
import uuid

from flask import Flask, current_app, g, render_template, request

from clinic.core import audit, transaction
from clinic.core.clock import utcnow

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _assign_request_id() -> None:
    # A load balancer's id is kept so that its logs and ours line up; anything odd is replaced.
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static" and not (request.endpoint or "").endswith(".static"):
        # Pages show patient data: never keep them in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "request_id" in g:
        headers["X-Request-ID"] = g.request_id
    return response


def _denied(error):
    """403 and 404: a denial decided by the permission module is audited, in its own commit."""
    transaction.discard()
    denial = g.pop("denied_permission", None)
    if denial is not None:
        # Kept under the write lock: the probing count decides on what the commit writes.
        with transaction.write_lock():
            audit.record(
                audit.ACCESS_DENIED,
                outcome="denied",
                detail={
                    "status": error.code,
                    "path": request.path,
                    **{key: value for key, value in denial.items() if value},
                },
            )
            probing = _probing()
        if probing:
            return render_template("errors/429.html"), 429, {"Retry-After": "300"}
    return render_template(f"errors/{error.code}.html"), error.code


def _probing() -> bool:
    """Many refused record requests by one user in a short time look like someone trying ids:
    past the threshold, each further refusal answers 429 (slow down) instead of 404, and the
    first one past it is recorded for supervisors (the reports' emergency-access page)."""
    user_id = getattr(audit.acting_user(), "id", None)
    if user_id is None:
        return False
    config = current_app.config
    since = utcnow() - config["PROBING_WINDOW"]
    if audit.count_since(user_id, audit.ACCESS_DENIED, since) < config["PROBING_DENIALS"]:
        return False
    if not audit.count_since(user_id, audit.PROBING, since):
        audit.record(audit.PROBING, outcome="denied", detail={"path": request.path})
    return True


def _simple_error(error):
    return render_template("errors/generic.html", error=error), error.code


def _server_error(_error):
    # Whatever the request had half-done is dropped; the page says nothing of why. It only
    # reads (the user, for the header), so it never waits for the lock a failed write waited on.
    transaction.discard()
    return render_template("errors/500.html"), 500


def register_request_handling(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.before_request(transaction.open_request)
    app.after_request(_security_headers)
    app.register_error_handler(403, _denied)
    app.register_error_handler(404, _denied)
    for code in (400, 405, 413, 429):
        app.register_error_handler(code, _simple_error)
    app.register_error_handler(500, _server_error)
