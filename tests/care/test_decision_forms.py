"""The decision on a waiting move or discharge is one form: one note, one button per decision, each
posting to that decision's URL. The pages have no duplicate ids, and a refusal shows beside the
note, not in a flash."""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from clinic.assessments.vocabulary import AssessmentKind
from clinic.care.models import DischargeRequest, RequestStatus
from clinic.clients.levels import Level
from clinic.extensions import db
from tests.care.test_discharge import request_form
from tests.care.test_transition_views import ask, pending
from tests.factories import signed_assessment


class Page(HTMLParser):
    """Every id on a page, and each form's fields, buttons and the ids inside it."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.forms: dict[str, dict] = {}
        self.flashes: list[str] = []
        self._form = None
        self._button = None
        self._textarea = None
        self._flash = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
            if self._form is not None:
                self._form["ids"].append(attrs["id"])
        if tag == "form":
            self._form = {"action": attrs.get("action"), "fields": {}, "buttons": {}, "ids": []}
            self.forms[attrs.get("id")] = self._form
        elif self._form is not None and tag in ("input", "select") and attrs.get("name"):
            self._form["fields"][attrs["name"]] = attrs.get("value") or ""
        elif self._form is not None and tag == "textarea" and attrs.get("name"):
            self._form["fields"][attrs["name"]] = ""
            self._form.setdefault("described", {})[attrs["name"]] = attrs.get("aria-describedby")
            self._textarea = attrs["name"]
        elif self._form is not None and tag == "button":
            self._button = [attrs.get("formaction") or self._form["action"], ""]
        if tag == "div" and "alert-dismissible" in (attrs.get("class") or ""):
            self._flash = []

    def handle_data(self, data):
        if self._button is not None:
            self._button[1] += data
        if self._textarea is not None:
            self._form["fields"][self._textarea] += data
        if self._flash is not None:
            self._flash.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            url, label = self._button
            if self._form is not None:
                self._form["buttons"][label.strip()] = url
            self._button = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "div" and self._flash is not None:
            self.flashes.append(" ".join("".join(self._flash).split()))
            self._flash = None

    def text_of(self, html: str, element_id: str) -> str:
        """The text of the element with this id (up to its closing tag)."""
        start = html.index(f'id="{element_id}"')
        return html[html.index(">", start) + 1 : html.index("</", start)].strip()


def duplicates(ids: list[str]) -> list[str]:
    return sorted({each for each in ids if ids.count(each) > 1})


@pytest.fixture
def waiting_move(client, login, ward):
    login(ward.counselor)
    assert ask(client, ward).status_code == 302
    client.post("/logout")
    return pending(ward)


@pytest.fixture
def waiting_discharge(client, login, ward):
    signed_assessment(ward.episode, ward.counselor, Level.OP, kind=AssessmentKind.DISCHARGE)
    login(ward.counselor)
    url = f"/clients/{ward.client.id}/care/discharge"
    assert client.post(url, data=request_form()).status_code == 302
    client.post("/logout")
    return db.session.scalars(sa.select(DischargeRequest)).one()


@pytest.mark.parametrize("who", ["counselor", "medical", "supervisor"])
def test_the_pages_of_a_waiting_request_have_unique_ids(
    client, login, ward, waiting_move, waiting_discharge, who
):
    login(getattr(ward, who))
    for path in ("moves", "discharge"):
        html = client.get(f"/clients/{ward.client.id}/care/{path}").get_data(as_text=True)
        assert duplicates(Page(html).ids) == [], path
    if who == "supervisor":  # and with the refusal beside the note
        refused = client.post(
            f"/clients/{ward.client.id}/care/moves/{waiting_move.id}/decline", data={"note": ""}
        )
        assert duplicates(Page(refused.get_data(as_text=True)).ids) == []


def test_each_decision_is_one_button_of_one_form(client, login, ward, waiting_move):
    login(ward.supervisor)
    base = f"/clients/{ward.client.id}/care/moves/{waiting_move.id}"
    form = Page(client.get(f"/clients/{ward.client.id}/care/moves").get_data(as_text=True)).forms
    assert set(form["decide-move"]["fields"]) == {"csrf_token", "note"}
    assert form["decide-move"]["buttons"] == {
        "Approve": f"{base}/approve",
        "Decline": f"{base}/decline",
    }
    assert "withdraw-move" not in form  # only the counselor who asked withdraws
    client.post("/logout")
    login(ward.counselor)
    form = Page(client.get(f"/clients/{ward.client.id}/care/moves").get_data(as_text=True)).forms
    assert "decide-move" not in form
    assert form["withdraw-move"]["buttons"] == {"Withdraw my request": f"{base}/withdraw"}


@pytest.mark.parametrize(
    ("path", "form_id", "approve", "message", "done"),
    [
        ("moves", "decide-move", "Approve", "Say why the move is declined.", "Move approved"),
        (
            "discharge",
            "decide-discharge",
            "Approve the discharge",
            "Say why the discharge is declined.",
            "Discharge approved",
        ),
    ],
)
def test_the_decision_form_posts_back_what_it_shows(
    client, login, ward, waiting_move, waiting_discharge, path, form_id, approve, message, done
):
    page_url = f"/clients/{ward.client.id}/care/{path}"
    login(ward.supervisor)
    shown = Page(client.get(page_url).get_data(as_text=True)).forms[form_id]

    # Decline with an empty note: refused, the message beside the note, the note's own form.
    declined = client.post(shown["buttons"]["Decline"], data=shown["fields"])
    assert declined.status_code == 200
    html = declined.get_data(as_text=True)
    again = Page(html)
    assert again.forms[form_id]["described"]["note"] == "note-errors"
    assert "note-errors" in again.forms[form_id]["ids"]
    assert again.text_of(html, "note-errors") == f"<div>{message}"
    assert not any(message in flash for flash in again.flashes)

    # Approve, posting what the form holds (with a note typed).
    approved = client.post(
        shown["buttons"][approve],
        data={**shown["fields"], "note": "Agreed."},
        follow_redirects=True,
    )
    assert any(done in flash for flash in Page(approved.get_data(as_text=True)).flashes)
    db.session.expire_all()
    row = (
        pending(ward) if path == "moves" else db.session.scalars(sa.select(DischargeRequest)).one()
    )
    assert (row.status, row.decision_note) == (RequestStatus.APPROVED, "Agreed.")


def test_a_refusal_without_a_field_shows_on_the_page_not_in_a_flash(
    client, login, ward, waiting_move
):
    login(ward.supervisor)
    url = f"/clients/{ward.client.id}/care/moves/{waiting_move.id}/approve"
    assert client.post(url, data={"note": ""}).status_code == 302
    replay = client.post(url, data={"note": ""})
    assert replay.status_code == 409
    html = replay.get_data(as_text=True)
    assert "no longer waiting" in html
    assert not any("no longer waiting" in flash for flash in Page(html).flashes)


def test_a_supervisor_does_not_approve_their_own_discharge_request(client, login, ward):
    signed_assessment(ward.episode, ward.counselor, Level.OP, kind=AssessmentKind.DISCHARGE)
    login(ward.supervisor)
    url = f"/clients/{ward.client.id}/care/discharge"
    assert client.post(url, data=request_form()).status_code == 302
    row = db.session.scalars(sa.select(DischargeRequest)).one()
    refused = client.post(f"{url}/{row.id}/approve", data={"note": ""})
    assert refused.status_code == 409
    assert "another supervisor" in refused.get_data(as_text=True)
    client.post("/logout")
    login(ward.second_supervisor)
    assert client.post(f"{url}/{row.id}/approve", data={"note": ""}).status_code == 302
