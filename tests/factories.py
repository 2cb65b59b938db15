"""Builders for test data, committed to the test database."""

import itertools

from clinic.auth.models import Role, User
from clinic.extensions import db

DEFAULT_PASSWORD = "a long enough test passphrase"

_sequence = itertools.count(1)


class UserFactory:
    def make(
        self,
        roles=("counselor",),
        *,
        email: str | None = None,
        full_name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        active: bool = True,
        must_change_password: bool = False,
    ) -> User:
        number = next(_sequence)
        user = User(
            email=email or f"staff{number}@clinic.example.org",
            full_name=full_name or f"Staff Member {number}",
            active=active,
            must_change_password=must_change_password,
        )
        user.set_password(password)
        user.set_roles({Role(role) for role in roles})
        db.session.add(user)
        db.session.commit()
        return user
