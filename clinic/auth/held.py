"""Nothing typed is lost to an ended session: a form posted after the session's idle limit, or
with a token that expired, is held for its user, offered back on the page after they sign in
again for them to review and send, and deleted once offered or after HELD_FORM_KEPT.

Held entries never carry a password or the form's token, and are never applied by themselves:
the page fills the form in the browser (static/js/app.js), and the user sends it again.
"""

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, request, session

from clinic.auth.models import HeldForm, User
from clinic.core import audit
from clinic.core.clock import utcnow
from clinic.extensions import db

FORM_HELD = audit.define("form.held", "Form held after the session ended")
FORM_OFFERED = audit.define("form.offered", "Held form offered back")
_FLAG = "held_forms"


def _page_for(action: str) -> str:
    """The page the form came from (same site only), else the path it was posted to."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path[:500]
    return action


def _kept(name: str) -> bool:
    return name != "csrf_token" and "password" not in name.lower()


def hold(user: User, now: datetime | None = None) -> HeldForm | None:
    """Keep what the current request's form holds for `user`; None when there is nothing."""
    entries = [[name, value] for name, value in request.form.items(multi=True) if _kept(name)]
    if not entries:
        return None
    now = now or utcnow()
    action = request.path[:500]
    held = HeldForm(
        user_id=user.id,
        page=_page_for(action),
        action=action,
        entries=entries,
        held_at=now,
        expires_at=now + current_app.config["HELD_FORM_KEPT"],
    )
    db.session.add(held)
    db.session.flush()
    audit.record(
        FORM_HELD, target=held, user=user, detail={"page": held.page, "fields": len(entries)}
    )
    return held


def note_waiting(user: User) -> None:
    """At sign-in: forget the user's expired held forms, and remember in the new session that
    others wait, so that pages look for them (and only then)."""
    now = utcnow()
    db.session.execute(
        sa.delete(HeldForm).where(HeldForm.user_id == user.id, HeldForm.expires_at <= now)
    )
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(HeldForm).where(HeldForm.user_id == user.id)
    )
    if waiting:
        session[_FLAG] = True


def waiting(user: User) -> bool:
    """Whether this session may have held forms to offer (a flag in the session: no query)."""
    return bool(session.get(_FLAG)) and getattr(user, "is_authenticated", False)


def take(user: User, page: str) -> HeldForm | None:
    """The held form to offer back on `page`, deleted as it is offered (with any expired)."""
    if not waiting(user):
        return None
    now = utcnow()
    db.session.execute(
        sa.delete(HeldForm).where(HeldForm.user_id == user.id, HeldForm.expires_at <= now)
    )
    held = db.session.scalar(
        sa.select(HeldForm)
        .where(HeldForm.user_id == user.id, HeldForm.page == page)
        .order_by(HeldForm.held_at.desc())
        .limit(1)
    )
    if held is not None:
        db.session.delete(held)
        audit.record(FORM_OFFERED, target=held, user=user, detail={"page": page})
    left = db.session.scalar(
        sa.select(sa.func.count()).select_from(HeldForm).where(HeldForm.user_id == user.id)
    )
    if not left:
        session.pop(_FLAG, None)
    return held
