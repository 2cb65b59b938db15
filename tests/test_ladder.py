"""The ladder of domains: a module imports only from its own domain and from rungs below it, at
module level and inside functions, and no two domains import each other.

Read from the source with `ast` (nothing is imported), so a new upward import fails here before
it becomes a partially initialised module at some unlucky import order. The README's "Adding a
domain" says where a new domain goes.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "clinic"

# The ladder, bottom first; each rung may import every rung below it, never one above, and never
# a neighbour on its own rung. `clinic` is the app factory (clinic/__init__.py), at the top.
LADDER: tuple[frozenset[str], ...] = tuple(
    frozenset(rung.split())
    for rung in (
        "core",
        "auth",
        "clients directory",
        "assessments family",
        "plans",
        "care",
        "consents",
        "policy",
        "reports home admin",
        "seed",
        "clinic",
    )
)
RUNG = {domain: height for height, rung in enumerate(LADDER) for domain in rung}


def domain_of(module: str) -> str:
    """clinic.care.moves -> care; clinic.policy -> policy; clinic -> clinic.

    clinic/extensions.py (the unbound Flask extensions) is part of the foundation: it takes the
    model base from core.db, and core takes the bound `db` from it."""
    parts = module.split(".")
    domain = parts[1] if len(parts) > 1 else "clinic"
    return "core" if domain == "extensions" else domain


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str) -> list[tuple[int, str]]:
    """Every `clinic...` module named by an import anywhere in `source`, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "clinic":  # from clinic import care, clients, ...
                found += [(node.lineno, f"clinic.{alias.name}") for alias in node.names]
            elif node.module.startswith("clinic."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name)
                for alias in node.names
                if alias.name == "clinic" or alias.name.startswith("clinic.")
            ]
    return found


def edges(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(importing module, line, imported module) for every import between clinic's modules."""
    return [
        (module_name(path), line, imported)
        for path in sorted(package.rglob("*.py"))
        for line, imported in imports_of(path.read_text())
    ]


def ladder_breaches(found: list[tuple[str, int, str]]) -> list[str]:
    breaches = []
    for importer, line, imported in found:
        source, target = domain_of(importer), domain_of(imported)
        if source == target:
            continue
        for domain in (source, target):
            if domain not in RUNG:
                breaches.append(f"{importer}:{line}: domain {domain!r} is not on the ladder")
        if source in RUNG and target in RUNG and RUNG[target] >= RUNG[source]:
            breaches.append(f"{importer}:{line} imports {imported}, which is not below it")
    return breaches


def domain_cycles(found: list[tuple[str, int, str]]) -> list[list[str]]:
    graph = defaultdict(set)
    for importer, _line, imported in found:
        source, target = domain_of(importer), domain_of(imported)
        if source != target:
            graph[source].add(target)
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                cycles.append([*trail[trail.index(following) :], following])
            elif following not in state:
                visit(following, [*trail, following])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_module_imports_up_the_ladder_or_across_a_rung():
    assert ladder_breaches(edges()) == []


def test_no_two_domains_import_each_other():
    assert domain_cycles(edges()) == []


def test_every_domain_folder_is_on_the_ladder():
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    assert {domain_of(f"clinic.{name}") for name in folders | modules} <= set(RUNG)


@pytest.mark.parametrize(
    ("importer", "source", "why"),
    [
        # The upward imports this ladder replaced, each of which must fail again if it returns.
        (
            "clinic.clients.models",
            "from clinic.care.models import TransitionRequest",
            "clients->care",
        ),
        ("clinic.core.due", "from clinic.clients.queries import caseload", "core->clients"),
        (
            "clinic.auth.services",
            "def f():\n    from clinic.clients import access",
            "auth->clients",
        ),
        ("clinic.assessments.models", "from clinic.care.models import BedCapacity", "assess->care"),
        ("clinic.core.web", "from clinic.policy import RULES", "core->policy"),
        ("clinic.care.moves", "from clinic.home.views import index", "care->home"),
    ],
)
def test_the_checks_catch_an_upward_import(importer, source, why):
    reintroduced = [*edges(), *((importer, 1, imported) for _line, imported in imports_of(source))]
    assert ladder_breaches(reintroduced), why


def test_the_checks_catch_a_cycle_between_domains():
    reintroduced = [*edges(), ("clinic.clients.services", 1, "clinic.plans.models")]
    cycles = domain_cycles(reintroduced)
    assert any({"clients", "plans"} <= set(cycle) for cycle in cycles), cycles
