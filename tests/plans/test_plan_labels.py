"""A plan version is called what it is: a draft its author signed is not "Draft", and the plan of
a discharged client is no longer in force and offers no review."""

from html import unescape

from clinic.core.clock import clinic_today
from clinic.extensions import db
from clinic.plans.vocabulary import AcknowledgedHow
from tests.plans.test_plan_views import activate, complete, page_of, reload, sign, start


def _badge(html: str) -> str:
    start_at = html.index('id="plan-status"')
    return unescape(html[html.index(">", start_at) + 1 : html.index("</span>", start_at)])


def test_a_plan_signed_by_its_author_is_not_called_a_draft(client, login, setting):
    login(setting.counselor)
    plan = start(client, setting)
    assert _badge(page_of(client, plan)) == "Draft"
    plan = reload(plan)
    complete(plan)
    sign(client, reload(plan))
    plan = reload(plan)
    assert _badge(page_of(client, plan)) == (
        "Signed by its author, awaiting the client's acknowledgement"
    )
    plan.acknowledged_how, plan.acknowledged_on = AcknowledgedHow.IN_PERSON, clinic_today()
    db.session.commit()
    html = page_of(client, plan)
    assert _badge(html) == "Awaiting co-signature"
    listing = client.get(f"/clients/{setting.client.id}/plans/").get_data(as_text=True)
    assert "Awaiting co-signature" in listing
    assert ">Draft<" not in listing
    printed = client.get(f"/clients/{setting.client.id}/plans/{plan.id}/print")
    assert "Awaiting co-signature" in printed.get_data(as_text=True)


def test_a_discharged_clients_plan_is_not_active_and_offers_no_review(
    client, login, setting, clients
):
    plan = activate(client, login, setting)
    assert _badge(page_of(client, plan)) == "Active"
    clients.discharge(setting.episode, on=clinic_today())
    html = page_of(client, plan)
    assert _badge(html) == "In force at discharge"
    assert "Next review due" not in html
    assert f"/plans/{plan.id}/review" not in html
    response = client.get(f"/clients/{setting.client.id}/plans/{plan.id}/review")
    assert response.status_code == 302


def test_the_draft_page_has_no_duplicate_ids(client, login, setting):
    import re
    from collections import Counter

    login(setting.counselor)
    plan = start(client, setting)
    html = page_of(client, plan)
    repeated = [
        key for key, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1
    ]
    assert repeated == []
