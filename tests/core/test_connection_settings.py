"""What every database connection is set to (clinic/core/db.py `configure_engine`)."""

import pytest
import sqlalchemy as sa

from clinic.extensions import db


def test_postgresql_connections_compile_no_plans(app):
    """JIT compilation costs tens of milliseconds on the home pages' counts at 100,000 clients,
    more than the queries themselves."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW jit")) == "off"
        db.session.rollback()


def test_sqlite_connections_keep_foreign_keys_and_wait_for_the_lock(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
        assert db.session.scalar(sa.text("PRAGMA busy_timeout")) == 10000
        db.session.rollback()
