"""Role-by-URL tables for every domain: one list of roles, one way to read a row, one assertion.

A table is a list of `(method, url, {role: status})` rows; a role not named takes the `"*"`
status. `other_counselor` is a counselor outside the client's care team (404: the record's
existence is not told), the other roles are the one-role users of the `staff` fixture.
"""

from collections.abc import Iterable, Mapping

ROLES = ("intake", "counselor", "other_counselor", "medical", "supervisor", "admin")

Row = tuple[str, str, Mapping[str, int]]


def expected(row: Row, role: str) -> int:
    """The status `role` should get for this row."""
    answers = row[2]
    return answers.get(role, answers.get("*"))


def assert_answers(client, role: str, rows: Iterable[Row], **ids) -> None:
    """Ask every row's URL (formatted with `ids`) as the signed-in `role`; report every mismatch
    at once, so one run shows the whole difference from the table."""
    wrong = []
    for row in rows:
        method, template, _answers = row
        url = template.format(**ids)
        want = expected(row, role)
        got = client.open(url, method=method).status_code
        if got != want:
            wrong.append(f"{role}: {method} {url} gave {got}, expected {want}")
    assert not wrong, "\n".join(wrong)
