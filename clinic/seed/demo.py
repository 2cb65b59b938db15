"""The demo clinic: one account per role (listed in README.md)."""

import sqlalchemy as sa

from clinic.auth import accounts
from clinic.auth.models import Role, User
from clinic.extensions import db

# Demo data only: README.md lists these; production refuses to load them.
DEMO_PASSWORD = "recovery-portal-demo-2026"  # noqa: S105

DEMO_USERS = [
    ("intake@demo.example.org", "Irene Intake", [Role.INTAKE]),
    ("counselor@demo.example.org", "Carlos Counselor", [Role.COUNSELOR]),
    ("medical@demo.example.org", "Dr. Maya Medical", [Role.MEDICAL]),
    ("supervisor@demo.example.org", "Sam Supervisor", [Role.SUPERVISOR]),
    ("admin@demo.example.org", "Ada Admin", [Role.ADMIN]),
]


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo() -> list[User]:
    """Create the demo accounts; the caller commits."""
    return [
        accounts.create_user(
            email, name, roles, DEMO_PASSWORD, must_change_password=False, via="seed"
        )
        for email, name, roles in DEMO_USERS
    ]
