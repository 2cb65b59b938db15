"""Every route needs a signed-in user, except the few that are public on purpose."""

import pytest
from werkzeug.routing import Rule

# The complete list of endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "home.healthz", "static", "bootstrap.static"}


def concrete_url(rule: Rule) -> str:
    """The rule's URL with every argument filled in (ids as 1, paths as a file name)."""
    values = {name: "x.css" if name == "filename" else 1 for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def routes(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def test_the_public_list_is_exactly_the_views_marked_public(app):
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "is_public", False)
    }
    assert marked | {"static", "bootstrap.static"} == PUBLIC_ENDPOINTS


def test_every_other_route_sends_anonymous_users_to_sign_in(app, client):
    checked = 0
    for rule in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = concrete_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert response.headers["Location"].startswith("/login"), f"{method} {url}"
            checked += 1
    assert checked >= 10  # the loop really ran over the app's routes


@pytest.mark.parametrize("url", ["/login", "/healthz", "/static/css/app.css"])
def test_public_routes_answer_without_sign_in(client, url):
    with client.get(url) as response:
        assert response.status_code == 200
