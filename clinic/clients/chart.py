"""What every page about one client shares: loading it with an access check, the chart header
and tabs, and the audit of the read. Used by every domain's client pages."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user

from clinic.clients import queries, services
from clinic.clients.models import Client
from clinic.core import audit, transaction
from clinic.core.clock import clinic_today
from clinic.core.permissions import can, deny
from clinic.extensions import db


@dataclass(frozen=True)
class ChartTab:
    endpoint: str
    label: str
    permission: str  # shown to users who may do this on the client
    section: str | tuple[str, ...]  # the endpoints (by prefix) where this tab is the current one
    order: int  # left to right, smallest first

    def is_current(self, endpoint: str | None) -> bool:
        return endpoint is not None and (
            endpoint == self.endpoint or endpoint.startswith(self.section)
        )


_TABS = "clinic.chart_tabs"
_ALERTS = "clinic.chart_alerts"


def register_chart_tab(
    app: Flask,
    endpoint: str,
    label: str,
    *,
    order: int,
    permission: str = "client.view",
    section: str | tuple[str, ...] | None = None,
) -> None:
    """Add a tab to every client's chart (a domain's `init_app` does), placed by `order`."""
    tabs = app.extensions.setdefault(_TABS, [])
    tabs.append(ChartTab(endpoint, label, permission, section or endpoint + "_", order))
    tabs.sort(key=lambda tab: tab.order)


@dataclass(frozen=True)
class ChartAlert:
    text: str
    url: str
    link: str


ChartAlertSource = Callable[[Client], list[ChartAlert]]


def register_chart_alert(app: Flask, source: ChartAlertSource) -> None:
    """Show `source`'s alerts under the chart header on every chart page. A source runs one query
    at most and checks itself what the user may see."""
    app.extensions.setdefault(_ALERTS, []).append(source)


def tabs_for(client: Client) -> list[ChartTab]:
    tabs = current_app.extensions.get(_TABS, ())
    return [tab for tab in tabs if can(current_user, tab.permission, client)]


def load_client(client_id: int, action: str = "client.view") -> Client:
    """The client, if the user may see it (else 404) and may do `action` (else 403)."""
    client = db.session.get(Client, client_id)
    if client is None or not can(current_user, "client.view", client):
        deny(404, "client.view", client)
    if action != "client.view" and not can(current_user, action, client):
        deny(403, action, client)
    return client


def load_owned(client: Client, record: Any, action: str = "client.view") -> Any:
    """`record` (a plan, a result, a move... anything with a `client_id`, or None when not found)
    when it belongs to `client`; otherwise 404, audited like any other denial, so that another
    client's record reached through one's own client's URL is seen and its existence not told.
    Callers load the record their own way (a whole plan tree, say) and pass it in."""
    if record is None or getattr(record, "client_id", None) != client.id:
        deny(404, action, record)
    return record


def render_chart(client: Client, template: str, **context) -> str:
    """Render a page of the chart; showing it is a read of the record, and is audited, whether
    it answers a GET or a POST that did not go through."""
    audit.record(
        services.CLIENT_VIEWED,
        target=client,
        client_id=client.id,
        detail={"page": request.endpoint},
    )
    header = queries.chart_header(client.id)
    return transaction.committed(
        render_template(
            template,
            client=client,
            header=header,
            tabs=tabs_for(client),
            chart_alerts=[
                alert
                for source in current_app.extensions.get(_ALERTS, ())
                for alert in source(client)
            ],
            today=clinic_today(),
            **context,
        )
    )
