"""Many refused record requests by one user in a short time are slowed (429) and shown to
supervisors as possible probing."""

import sqlalchemy as sa

from clinic.core.audit import AuditEvent
from clinic.extensions import db


def test_repeated_refusals_are_slowed_and_told_to_supervisors(
    app, client, login, users, clients, monkeypatch
):
    monkeypatch.setitem(app.config, "PROBING_DENIALS", 3)
    prober = users.make(roles=("counselor",), full_name="Pat Prober")
    others = [clients.make(f"Other{number}", "Client") for number in range(5)]
    for other in others:
        clients.admit(other)
    login(prober)
    answers = [client.get(f"/clients/{other.id}").status_code for other in others]
    assert answers == [404, 404, 429, 429, 429]
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "access.denied"))
        == 5
    )  # every refusal is still audited
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "access.probing"))
        == 1
    )  # told once per window

    client.post("/logout")
    login(users.make(roles=("supervisor",)))
    home = client.get("/").get_data(as_text=True)
    assert home.count("Possible probing to look into") == 1
    report = client.get("/reports/emergency-access").get_data(as_text=True)
    assert "Pat Prober" in report


def test_a_few_refusals_are_only_refusals(app, client, login, users, clients, monkeypatch):
    monkeypatch.setitem(app.config, "PROBING_DENIALS", 30)
    login(users.make(roles=("counselor",)))
    other = clients.make()
    clients.admit(other)
    assert client.get(f"/clients/{other.id}").status_code == 404
    assert client.get(f"/clients/{other.id}").status_code == 404
