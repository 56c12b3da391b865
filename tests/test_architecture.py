"""The layers of the code (docs/architecture.md): no module imports a higher layer, and no
modules import each other in a circle.

The import graph is read from the source with ``ast``: every ``import`` statement (absolute or
relative), at the top of a module or inside a function, of every production module (migrations
aside). Imports by name in a string (``apps.get_model``, ``importlib``) are not seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "mtw_portal",
    "participants",
    "programs",
    "employers",
    "placements",
    "coalition",
    "outcomes",
    "reports",
    "demo",
)
DOMAIN = (
    "mtw_portal.accounts",
    "mtw_portal.audit",
    "mtw_portal.notifications",
    "participants",
    "programs",
    "employers",
    "placements",
    "coalition",
)

# Bottom up. A module may import its own layer and those below it, never one above.
LAYERS = ("shared core", "models", "access", "domain", "figures", "demo", "site")


def layer_of(module: str) -> str:
    """The layer of a module (see docs/architecture.md, "Layers")."""
    if module in ("mtw_portal.urls", "mtw_portal.wsgi") or module in (
        "mtw_portal.core.views",
        "mtw_portal.core.urls",
        "mtw_portal.core.context_processors",
    ):
        return "site"  # the shell: root URLs, the landing and home pages, the navigation
    if module == "mtw_portal.access":
        return "access"
    top = module.split(".")[0]
    if top == "demo":
        return "demo"
    if top in ("outcomes", "reports"):
        return "figures"
    for app in DOMAIN:
        if module == app or module.startswith(app + "."):
            rest = module[len(app) + 1 :]
            # An app's models (and their validators) are below the access rules, which read them;
            # the rest of the app (services, selectors, views...) is above them.
            if rest in ("models", "validators", "signals"):
                return "models"
            return "domain"
    if top == "mtw_portal":
        return "shared core"  # mtw_portal.core and the settings, env, celery, clientip, redaction...
    raise AssertionError(f"no layer for {module}")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph() -> dict[str, set[tuple[str, int]]]:
    """module -> {(imported module, line)} for imports of our own packages."""
    graph: dict[str, set[tuple[str, int]]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = _module_name(path)
            edges = graph.setdefault(module, set())
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.ImportFrom):
                    imported = node.module or ""
                    if node.level:  # "from . import x", "from ..y import x": relative to the package
                        base = package[: len(package) - node.level + 1]
                        imported = ".".join([*base, imported] if imported else base)
                    if imported.split(".")[0] not in PACKAGES:
                        continue
                    for alias in node.names:  # "from pkg import module" imports the module
                        submodule = f"{imported}.{alias.name}"
                        edges.add((submodule if _is_module(submodule) else imported, node.lineno))
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.split(".")[0] in PACKAGES:
                            edges.add((alias.name, node.lineno))
    return graph


def upward_imports(graph) -> list[str]:
    found = []
    for module, edges in graph.items():
        for target, line in edges:
            if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(module)):
                found.append(f"{module}:{line} ({layer_of(module)}) imports {target} ({layer_of(target)})")
    return sorted(found)


def _task_service_pair(module: str, target: str) -> bool:
    """The one allowed circle: an app's services queue its tasks, and the tasks call the services
    (the services import the task inside the function that queues it)."""
    return module.endswith(".services") and target == module.removesuffix("services") + "tasks"


def import_cycles(graph) -> list[list[str]]:
    """Each circle of imports found (depth-first search; one circle per back edge)."""
    edges = {
        module: sorted(
            {t for t, _ in targets if t in graph and t != module and not _task_service_pair(module, t)}
        )
        for module, targets in graph.items()
    }
    cycles, state, stack = [], {}, []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in edges[module]:
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
    return cycles


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_holds_every_module_and_their_imports(graph):
    assert {
        "mtw_portal.access",
        "outcomes.rollup",
        "reports.quarterly",
        "placements.services",
        "demo.seed",
    } <= set(graph)
    assert ("employers.models", 0) not in graph["placements.models"]
    assert any(target == "employers.models" for target, _ in graph["placements.models"])
    assert sum(len(edges) for edges in graph.values()) > 300


def test_every_module_has_a_layer(graph):
    for module in graph:
        assert layer_of(module) in LAYERS


def test_no_module_imports_a_higher_layer(graph):
    assert upward_imports(graph) == []


def test_no_modules_import_each_other_in_a_circle(graph):
    assert import_cycles(graph) == []


def test_the_checks_catch_an_upward_import_and_a_circle():
    graph = {
        "participants.services": {("outcomes.services", 3), ("participants.models", 4)},
        "participants.models": set(),
        "outcomes.services": {("participants.selectors", 5)},
        "participants.selectors": {("participants.services", 6)},
    }
    assert upward_imports(graph) == ["participants.services:3 (domain) imports outcomes.services (figures)"]
    assert import_cycles(graph) == [
        ["outcomes.services", "participants.selectors", "participants.services", "outcomes.services"]
    ]
    # The one allowed circle: services and the tasks they queue.
    assert (
        import_cycles(
            {"programs.services": {("programs.tasks", 1)}, "programs.tasks": {("programs.services", 1)}}
        )
        == []
    )


def test_notifications_import_no_domain_app(graph):
    """The domain's services call notifications, never the reverse (they name no participant,
    program, employer or placement model: the callers render what is needed into the message)."""
    domain_apps = ("participants", "programs", "employers", "placements", "coalition")
    reaching = sorted(
        f"{module}:{line} imports {target}"
        for module, edges in graph.items()
        if module.startswith("mtw_portal.notifications")
        for target, line in edges
        if target.split(".")[0] in domain_apps
    )
    assert reaching == []
