"""The health check answers without sign-in, for load balancers and monitors."""

from tests.conftest import dispose, make_app


def test_health_reports_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_the_database_is_unreachable(tmp_path):
    unreachable = make_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'clinic.db'}")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    dispose(unreachable)
