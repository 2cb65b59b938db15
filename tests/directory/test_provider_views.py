"""The provider directory: admins add, change, deactivate; everyone reads; web addresses are
http or https only, and anything else is refused beside the field and never made a link."""

import pytest

from clinic.core import audit
from clinic.core.audit import AuditEvent
from clinic.directory.models import Provider
from clinic.directory.services import fold
from clinic.directory.vocabulary import ProviderKind
from clinic.extensions import db
from tests.access import ROLES, assert_answers
from tests.forms import rendered_form


def make_provider(name="Last Chance Recovery House", kind=ProviderKind.SOBER_LIVING, **fields):
    fields.setdefault("payers", [])
    provider = Provider(name=name, kind=kind, search_name=fold(name), **fields)
    db.session.add(provider)
    db.session.commit()
    return provider


def fill(form, values: dict) -> None:
    """Type `values` into the rendered form's fields (replacing what they held)."""
    for name, value in values.items():
        form[name] = value


def listed(client, url: str) -> str:
    """The directory's table on the page at `url` (empty when nothing matched)."""
    page = client.get(url).get_data(as_text=True)
    return (
        page.split('id="providers"', 1)[1].split("</table>", 1)[0]
        if 'id="providers"' in page
        else ""
    )


ROUTES = [
    ("GET", "/admin/providers/", {"*": 200}),
    ("GET", "/admin/providers/new", {"admin": 200, "*": 403}),
    ("POST", "/admin/providers/new", {"admin": 200, "*": 403}),
    ("GET", "/admin/providers/{p}", {"*": 200}),
    ("POST", "/admin/providers/{p}", {"admin": 200, "*": 403}),
    ("POST", "/admin/providers/{p}/deactivate", {"admin": 302, "*": 403}),
    ("POST", "/admin/providers/{p}/reactivate", {"admin": 302, "*": 403}),
    ("GET", "/admin/providers/999999", {"*": 404}),
]


@pytest.mark.parametrize("role", ROLES)
def test_directory_routes_answer_each_role_as_the_table_says(client, login, staff, role):
    provider = make_provider()
    login(staff[role])
    assert_answers(client, role, ROUTES, p=provider.id)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    provider = make_provider()
    for url in ("/admin/providers/", f"/admin/providers/{provider.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.location


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_an_admin_adds_a_provider_from_the_rendered_form(client, admin):
    form = rendered_form(client.get("/admin/providers/new").get_data(as_text=True), "provider-form")
    fill(
        form,
        {
            "name": "  Capital City IOP ",
            "kind": "intensive_outpatient",
            "phone": "(406) 555-0230",
            "website": "https://capitaliop.example.org",
            "notes": "Three evenings a week.",
        },
    )
    form.setlist("payers", ["medicaid", "private"])
    response = client.post("/admin/providers/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    provider = db.session.scalars(db.select(Provider)).one()
    assert provider.name == "Capital City IOP"
    assert provider.kind == ProviderKind.INTENSIVE_OUTPATIENT
    assert provider.payers == ["medicaid", "private"]
    assert provider.active
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "provider.created"))
    page = client.get(response.location).get_data(as_text=True)
    assert '<a href="https://capitaliop.example.org"' in page
    assert "Medicaid, Private insurance" in page


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "ftp://files.example.org",
        "www.example.org",
        "https://",
        "data:text/html,x",
    ],
)
def test_a_website_that_is_not_http_or_https_is_refused_beside_the_field_keeping_the_input(
    client, admin, website
):
    form = rendered_form(client.get("/admin/providers/new").get_data(as_text=True), "provider-form")
    fill(form, {"name": "Odd Place", "kind": "other", "website": website, "notes": "kept"})
    response = client.post("/admin/providers/new", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "starts with http:// or https://" in page
    assert 'id="website-errors"' in page
    assert "kept</textarea>" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Provider)) == 0


def test_a_stored_website_that_is_not_a_web_address_is_never_a_link(client, admin):
    provider = make_provider(website="javascript:alert(document.cookie)")
    page = client.get(f"/admin/providers/{provider.id}").get_data(as_text=True)
    assert 'href="javascript' not in page
    assert "javascript:alert(document.cookie)" in page  # shown as text


def test_saving_the_rendered_form_unchanged_changes_nothing(client, admin):
    provider = make_provider(
        phone="(406) 555-0210", website="https://x.example.org", payers=["self_pay"]
    )
    url = f"/admin/providers/{provider.id}"
    form = rendered_form(client.get(url).get_data(as_text=True), "provider-form")
    before = db.session.scalar(
        db.select(db.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "provider.updated")
    )
    response = client.post(url, data=form, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    db.session.refresh(provider)
    assert provider.version == 1
    assert provider.payers == ["self_pay"]
    after = db.session.scalar(
        db.select(db.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "provider.updated")
    )
    assert after == before


def test_an_edit_made_meanwhile_is_not_overwritten(client, admin):
    provider = make_provider()
    url = f"/admin/providers/{provider.id}"
    form = rendered_form(client.get(url).get_data(as_text=True), "provider-form")
    provider.phone = "(406) 555-0999"
    db.session.commit()
    form["name"] = "Renamed"
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.get_data(as_text=True)
    db.session.refresh(provider)
    assert provider.name == "Last Chance Recovery House"


def test_deactivated_providers_leave_the_default_list_and_are_found_with_inactive(client, admin):
    provider = make_provider()
    make_provider("Capital City IOP", ProviderKind.INTENSIVE_OUTPATIENT)
    client.post(f"/admin/providers/{provider.id}/deactivate")
    db.session.refresh(provider)
    assert not provider.active
    listing = client.get("/admin/providers/").get_data(as_text=True)
    assert "Capital City IOP" in listing
    assert "Last Chance" not in listing
    assert "Last Chance" in client.get("/admin/providers/?status=inactive").get_data(as_text=True)
    assert audit.ACTIONS["provider.deactivated"]
    client.post(f"/admin/providers/{provider.id}/reactivate")
    db.session.refresh(provider)
    assert provider.active


def test_search_by_words_of_the_name_and_filter_by_kind(client, login_as):
    login_as("counselor")
    make_provider("Helena Outpatient Counseling Center", ProviderKind.OUTPATIENT)
    make_provider("Helena Opioid Treatment Program", ProviderKind.OPIOID_TREATMENT)
    make_provider("Butte 100% Recovery_House", ProviderKind.SOBER_LIVING)
    found = listed(client, "/admin/providers/?q=helena+treat")
    assert "Opioid Treatment Program" in found
    assert "Counseling Center" not in found
    found = listed(client, "/admin/providers/?kind=outpatient")
    assert "Counseling Center" in found
    assert "Opioid" not in found
    # LIKE's wildcards typed are matched as themselves.
    assert "Butte" in listed(client, "/admin/providers/?q=100%25")
    assert "Butte" in listed(client, "/admin/providers/?q=y_h")
    assert "Butte" not in listed(client, "/admin/providers/?q=e_1")  # not "e 1"
    # Counselors read the directory without the means to change it.
    assert "New provider" not in client.get("/admin/providers/").get_data(as_text=True)


def test_markup_typed_in_any_field_is_shown_as_text(client, admin):
    provider = make_provider(name="<b>Bold</b> House", notes="<script>alert(1)</script>")
    page = client.get(f"/admin/providers/{provider.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Bold</b>" not in client.get("/admin/providers/").get_data(as_text=True)


def test_the_directory_runs_the_same_queries_whatever_its_size(client, login_as, count_queries):
    login_as("counselor")
    for number in range(3):
        make_provider(f"Provider {number}")
    client.get("/admin/providers/")
    with count_queries() as few:
        client.get("/admin/providers/")
    for number in range(3, 40):
        make_provider(f"Provider {number}")
    with count_queries() as many:
        client.get("/admin/providers/")
    assert many.count == few.count
