"""The import rules of STYLE.md, over every module of ``app/``: dependencies point down
the layers, nothing below ``app.api`` reaches up into the API, the CLI or ``app.main``,
and no two modules import each other, directly or round a loop, lazily or not."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# Each room's layer: a module may import its own room and any room of a lower layer.
# A new room must be placed here (the test says so), so the rules cover it too.
LAYERS = {
    "core": 0,
    "text": 1,
    "store": 1,
    "engines": 2,
    "services": 3,
    "contract": 4,
    "jobs": 5,
    "feeds": 5,
    "evaluate": 5,
    "runtime": 6,
    "api": 7,
    "cli": 7,
    "scale": 7,
    "main": 8,
}
# Rooms of one layer that may use each other, one way only (the cycle check keeps it so).
# The CLI starts the server (main, api) and the Ray entry points (scale); the store keeps
# glossary entries in the shape ``text`` reads them.
SIDEWAYS = {("cli", "api"), ("cli", "scale"), ("cli", "main"), ("scale", "api"), ("store", "text")}
ABOVE_API = {"app.api", "app.cli", "app.main"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> Iterator[str]:
    """Every ``app`` module ``path`` imports: at the top, inside functions (lazy) and
    under ``TYPE_CHECKING`` alike. ``from app.x import y`` counts ``app.x.y`` when
    that is a module, else ``app.x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("app"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module_name(path).split(".")
                keep = len(here) - node.level + (path.name == "__init__.py")
                base = ".".join(here[:keep] + ([base] if base else []))
            if not base.startswith("app"):
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield name if name in MODULES else base


MODULES = {module_name(path) for path in APP.rglob("*.py")}
GRAPH = {
    module_name(path): {name for name in imported(path) if name in MODULES}
    for path in APP.rglob("*.py")
}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in GRAPH.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in GRAPH.get(node, ()):
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_every_room_has_a_layer() -> None:
    rooms = {room(module) for module in MODULES} - {""}
    assert rooms <= set(LAYERS), f"place {sorted(rooms - set(LAYERS))} in LAYERS"


def test_no_import_cycle_lazy_ones_included() -> None:
    assert cycles() == []


@pytest.mark.parametrize("importer", sorted(GRAPH))
def test_imports_point_down_the_layers(importer: str) -> None:
    mine = room(importer)
    if not mine:
        return
    wrong = sorted(
        name
        for name in GRAPH[importer]
        if room(name) != mine
        and (mine, room(name)) not in SIDEWAYS
        and LAYERS[room(name)] >= LAYERS[mine]
    )
    assert wrong == [], f"{importer} imports a room at its layer or above"


def test_nothing_below_the_api_imports_it_the_cli_or_main() -> None:
    below = [m for m in GRAPH if LAYERS.get(room(m), 99) < LAYERS["api"]]
    wrong = {
        m: sorted(n for n in GRAPH[m] if any(n == a or n.startswith(a + ".") for a in ABOVE_API))
        for m in below
    }
    assert {m: names for m, names in wrong.items() if names} == {}


def test_scale_does_not_import_main() -> None:
    wrong = {m: GRAPH[m] & {"app.main"} for m in GRAPH if room(m) == "scale"}
    assert {m: names for m, names in wrong.items() if names} == {}


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    """The rules are only as good as the graph: a function-level import and a
    ``TYPE_CHECKING`` one are both in it."""
    assert (
        "app.store.migrate" in GRAPH["app.store.db"] or "app.store.db" in GRAPH["app.store.migrate"]
    )
    assert "app.runtime.system" in GRAPH["app.cli.common"]  # imported inside load_work
    assert "app.jobs.local" in GRAPH["app.cli.batch"]  # under TYPE_CHECKING
