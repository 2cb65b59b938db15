"""House conventions the architecture review asked for, read from the source with `ast` (nothing
is imported), so that a service reaching for the signed-in user, a role checked by hand or a commit
outside the transaction helpers fails here instead of in review.

- `current_user` is read only by views, the chart shell, the permission engine's request helpers,
  the audit recorder's default, the sign-in machinery and the app factory: services take `actor`.
- `Role.<name>` is named only by the policy table, the access rules of clients, auth (which owns
  roles) and the seed data: everyone else asks `can(user, action)`.
- `.commit(` is called only by `core/transaction.py` (`attempt`, `keep`) and by the command-line
  tools, which are not requests.
- Every view has a one-line docstring saying what it is for.

Each check lists its offenders, and none may be found anywhere in the package (CONVERTED).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "clinic"

# Paths (relative to the repository, "/" separated) whose offences fail the tests.
CONVERTED = ("clinic/",)

CURRENT_USER_ALLOWED = (
    "clinic/clients/chart.py",
    "clinic/core/permissions.py",
    "clinic/core/audit.py",
    "clinic/auth/guard.py",
    "clinic/auth/views.py",
    "clinic/__init__.py",
)
ROLE_ALLOWED = ("clinic/policy.py", "clinic/clients/access.py", "clinic/auth/", "clinic/seed/")
COMMIT_ALLOWED = (
    "clinic/core/transaction.py",
    "clinic/auth/cli.py",
    "clinic/plans/cli.py",
    "clinic/seed/",
)


def sources(package: Path = PACKAGE) -> dict[str, ast.Module]:
    """Every module of the package, parsed, by its repository path."""
    return {
        path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(), filename=str(path))
        for path in sorted(package.rglob("*.py"))
    }


def _matches(path: str, allowed: tuple[str, ...]) -> bool:
    return any(
        path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in allowed
    )


def reads_current_user(tree: ast.Module) -> list[int]:
    """Lines naming `current_user` (its import included)."""
    lines = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "current_user"
    ]
    lines += [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and any(alias.name == "current_user" for alias in node.names)
    ]
    return sorted(lines)


def names_a_role(tree: ast.Module) -> list[int]:
    """Lines with `Role.<something>` (`TeamRole.` is another name and does not count)."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    ]


def commits(tree: ast.Module) -> list[int]:
    """Lines calling `<anything>.commit(...)`."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in {"route", "get", "post"}


def undocumented_views(tree: ast.Module) -> list[int]:
    """Lines of view functions (under a `bp.route/get/post` decorator) with no docstring."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(_is_route(decorator) for decorator in node.decorator_list)
        and not ast.get_docstring(node)
    ]


def offenders(found: dict[str, ast.Module], check, allowed=()) -> list[str]:
    """`path:line` for every offence `check` finds outside `allowed`."""
    return [
        f"{path}:{line}"
        for path, tree in found.items()
        if not _matches(path, allowed)
        for line in check(tree)
    ]


def in_converted(listed: list[str]) -> list[str]:
    return [entry for entry in listed if _matches(entry.partition(":")[0], CONVERTED)]


def _current_user_allowed(found: dict[str, ast.Module]) -> tuple[str, ...]:
    views = tuple(path for path in found if path.endswith("/views.py"))
    return (*CURRENT_USER_ALLOWED, *views)


def test_only_views_and_request_machinery_read_current_user():
    found = sources()
    listed = offenders(found, reads_current_user, _current_user_allowed(found))
    assert in_converted(listed) == []


def test_roles_are_named_only_by_the_policy_access_rules_auth_and_seed():
    assert in_converted(offenders(sources(), names_a_role, ROLE_ALLOWED)) == []


def test_only_the_transaction_helpers_and_command_line_tools_commit():
    assert in_converted(offenders(sources(), commits, COMMIT_ALLOWED)) == []


def test_every_view_says_what_it_is_for():
    assert in_converted(offenders(sources(), undocumented_views)) == []


def _with(path: str, source: str) -> dict[str, ast.Module]:
    return {**sources(), path: ast.parse(source)}


def test_the_checks_catch_each_offence_in_a_converted_domain():
    service = "clinic/clients/services.py"
    reintroduced = [
        (reads_current_user, "from flask_login import current_user\nx = current_user.id\n", ()),
        (names_a_role, "from clinic.auth.models import Role\nok = Role.SUPERVISOR\n", ROLE_ALLOWED),
        (commits, "from clinic.extensions import db\ndb.session.commit()\n", COMMIT_ALLOWED),
    ]
    for check, source, allowed in reintroduced:
        found = _with(service, source)
        assert f"{service}:2" in in_converted(offenders(found, check, allowed)), check.__name__
    found = _with("clinic/admin/views.py", "@bp.get('/')\ndef index():\n    return ''\n")
    assert in_converted(offenders(found, undocumented_views)) == ["clinic/admin/views.py:2"]


def test_the_allowances_hold():
    # A view reads current_user, TeamRole is not Role, the seed commits.
    found = {
        "clinic/care/views.py": ast.parse("from flask_login import current_user\n"),
        "clinic/clients/services.py": ast.parse("x = TeamRole.MEDICAL\n"),
        "clinic/seed/cli.py": ast.parse("db.session.commit()\n"),
    }
    assert offenders(found, reads_current_user, _current_user_allowed(found)) == []
    assert offenders(found, names_a_role, ROLE_ALLOWED) == []
    assert offenders(found, commits, COMMIT_ALLOWED) == []
