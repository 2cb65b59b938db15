"""Migrations build the schema the models describe, on SQLite and PostgreSQL, and undo cleanly.

Run as a new user would: `flask --app wsgi db upgrade`, then `flask --app wsgi db check`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import empty_database

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]


@pytest.fixture
def fresh_database_url(tmp_path):
    with empty_database("migrations", tmp_path) as url:
        yield url


def flask_db(database_url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "CLINIC_ENV": "development"}
    return subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_upgrade_then_check_finds_no_drift(fresh_database_url):
    upgrade = flask_db(fresh_database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask_db(fresh_database_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected." in check.stdout + check.stderr


def test_every_migration_downgrades_and_upgrades_again(fresh_database_url):
    for step in (("upgrade",), ("downgrade", "base"), ("upgrade",), ("check",)):
        result = flask_db(fresh_database_url, *step)
        assert result.returncode == 0, f"{step}: {result.stderr}"
    engine = sa.create_engine(fresh_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"users", "user_roles", "audit_events", "login_failures"} <= tables
