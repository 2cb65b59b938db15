"""What every page about one client shares: loading it with an access check, the chart header
and tabs, and the audit of the read. Used by every domain's client pages."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template, request
from flask_login import current_user

from clinic.auth.permissions import can, deny
from clinic.clients import queries, services
from clinic.clients.models import Client
from clinic.core import audit
from clinic.core.templating import clinic_today
from clinic.extensions import db


@dataclass(frozen=True)
class ChartTab:
    endpoint: str
    label: str
    permission: str  # shown to users who may do this on the client
    section: str | tuple[str, ...]  # the endpoints (by prefix) where this tab is the current one

    def is_current(self, endpoint: str | None) -> bool:
        return endpoint is not None and (
            endpoint == self.endpoint or endpoint.startswith(self.section)
        )


# In display order; each domain adds its tabs with `chart_tab`.
CHART_TABS: list[ChartTab] = []


def chart_tab(
    endpoint: str,
    label: str,
    permission: str = "client.view",
    section: str | tuple[str, ...] | None = None,
) -> None:
    CHART_TABS.append(ChartTab(endpoint, label, permission, section or endpoint + "_"))


@dataclass(frozen=True)
class ChartAlert:
    text: str
    url: str
    link: str


# Callables (client) -> list[ChartAlert] shown under the chart header on every chart page; each
# runs one query at most and checks itself what the user may see.
CHART_ALERTS: list[Callable[[Client], list[ChartAlert]]] = []


def chart_alert(source: Callable[[Client], list[ChartAlert]]) -> Callable:
    CHART_ALERTS.append(source)
    return source


def tabs_for(client: Client) -> list[ChartTab]:
    return [tab for tab in CHART_TABS if can(current_user, tab.permission, client)]


def load_client(client_id: int, action: str = "client.view") -> Client:
    """The client, if the user may see it (else 404) and may do `action` (else 403)."""
    client = db.session.get(Client, client_id)
    if client is None or not can(current_user, "client.view", client):
        deny(404, "client.view", client)
    if action != "client.view" and not can(current_user, action, client):
        deny(403, action, client)
    return client


def committed(page: str) -> str:
    """Commit the request's audit records once the page is rendered."""
    db.session.commit()
    return page


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
    return committed(
        render_template(
            template,
            client=client,
            header=header,
            tabs=tabs_for(client),
            chart_alerts=[alert for source in CHART_ALERTS for alert in source(client)],
            today=clinic_today(),
            **context,
        )
    )
