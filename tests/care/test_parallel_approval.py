"""Two approvals of one move at the same moment, against a real gunicorn on the test database
(SQLite, or PostgreSQL under TEST_DATABASE_URL): exactly one wins, neither gives a 500, and the
episode ends with exactly one open stay."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from clinic.care.models import RequestStatus, TransitionRequest
from clinic.clients.levels import Level
from clinic.clients.stays import LevelOfCareStay
from clinic.extensions import db
from tests.care.test_transition_views import ask, pending
from tests.factories import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Session:
    """One browser: a cookie jar, a fresh connection a request."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def send(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, text

    def token(self, path: str) -> str:
        _status, text = self.send("GET", path)
        found = TOKEN.search(text)
        assert found, f"no csrf token on {path}"
        return found.group(1) or found.group(2)


@pytest.fixture
def gunicorn(app, tmp_path):
    """The app served by gunicorn (two workers) on the test database; yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CLINIC_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--no-control-socket",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Session(port).send("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail((tmp_path / "gunicorn.log").read_text())
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_two_approvals_at_once_make_one_move(client, login, ward, gunicorn):
    login(ward.counselor)
    assert ask(client, ward).status_code == 302
    request_id = pending(ward).id
    db.session.commit()

    supervisor = Session(gunicorn)
    token = supervisor.token("/login")
    status, _ = supervisor.send(
        "POST",
        "/login",
        {"email": ward.supervisor.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert status == 302
    moves = f"/clients/{ward.client.id}/care/moves"
    token = supervisor.token(moves)
    approve = f"{moves}/{request_id}/approve"
    start = threading.Barrier(2)
    answers = []

    def click():
        start.wait()
        answers.append(supervisor.send("POST", approve, {"csrf_token": token, "note": ""})[0])

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [302, 409], answers
    db.session.rollback()  # a fresh snapshot: what the server wrote
    assert pending(ward).status == RequestStatus.APPROVED
    open_stays = db.session.scalars(
        sa.select(LevelOfCareStay.level).where(
            LevelOfCareStay.episode_id == ward.episode.id, LevelOfCareStay.ended_at.is_(None)
        )
    ).all()
    assert open_stays == [Level.PHP]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LevelOfCareStay)) == 2
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(TransitionRequest)
            .where(TransitionRequest.status == RequestStatus.APPROVED)
        )
        == 1
    )
