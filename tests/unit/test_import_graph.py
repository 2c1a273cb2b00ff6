"""Imports run one way: models <- pipeline <- api <- review_ui <- casenote, with no cycle.

The graph is read from the source with ``ast`` (nothing is imported), counting every
import wherever it stands, inside functions too. Three rules:

- no cycle between modules;
- no cycle between folders: a module inside a sub-package (``api/services/jobs.py``)
  counts as its folder (``api.services``), one directly in a package as itself
  (``api.schemas``), so ``api/services`` may not lean on a module that leans back on it;
- no arrow against the layers, and no import the graph cannot see (``importlib``).

Run it alone: ``.venv/bin/python -m pytest tests/unit/test_import_graph.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.unit

LAYERS = ["models", "pipeline", "api", "review_ui", "casenote"]  # each may import only those before it
# Known folder-level arrows that close a cycle, with why they stay for now. An entry that
# no longer exists fails the test too, so this list can only shrink.
ALLOWED_FOLDER_ARROWS = {
    # The evaluation scores the whole drafting stage, so it calls the stage's recipe;
    # it belongs beside pipeline/draft.py, and moves there with the drafting stage's next change.
    ("pipeline.drafting.evaluation", "pipeline.draft"),
}


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    found = {}
    for package in LAYERS:
        for path in (REPO / package).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = modules()


def _known(name: str) -> str | None:
    """The module ``name`` is, or the nearest package holding it."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def imports_of(module: str) -> set[str]:
    path, is_package = MODULES[module]
    here = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[:len(here.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(_known(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else _known(base))
    found.discard(None)
    found.discard(module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def folder(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and MODULES[module][1]) else module


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def shortest_cycle(part: list[str], graph: dict[str, set[str]]) -> str:
    """'a -> b -> a': the shortest way round from the first node of a cyclic part, for the message."""
    start = part[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, ())):
            if target == start:
                return " -> ".join([*paths[node], start])
            if target in part and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"{part} is not a cycle")


def test_the_graph_is_read():
    assert {"models.errors", "pipeline.draft", "api.problems", "review_ui.routes", "casenote.service"} <= set(MODULES)
    assert "api.problems" in GRAPH["casenote.service"] and "models.errors" in GRAPH["api.problems"]
    assert "pipeline.transcription.transcribe" in GRAPH["pipeline.transcribe_cli"]  # an import inside a function


def test_no_cycle_between_modules():
    found = cycles(GRAPH)
    assert not found, "\n".join(shortest_cycle(part, GRAPH) for part in found)


def test_no_cycle_between_folders():
    graph: dict[str, set[str]] = {}
    for source, targets in GRAPH.items():
        for target in targets:
            if folder(source) != folder(target) and (source, target) not in ALLOWED_FOLDER_ARROWS:
                graph.setdefault(folder(source), set()).add(folder(target))
    found = cycles(graph)
    assert not found, "\n".join(shortest_cycle(part, graph) for part in found)
    gone = [arrow for arrow in ALLOWED_FOLDER_ARROWS if arrow[1] not in GRAPH.get(arrow[0], ())]
    assert not gone, f"no longer imported, take them out of ALLOWED_FOLDER_ARROWS: {gone}"


def test_imports_run_one_way():
    rank = {package: n for n, package in enumerate(LAYERS)}
    against = sorted(f"{source} -> {target}" for source, targets in GRAPH.items() for target in targets
                     if rank[target.split(".")[0]] > rank[source.split(".")[0]])
    assert not against, f"imports against {' <- '.join(LAYERS)}:\n" + "\n".join(against)


def test_every_import_is_one_the_graph_sees():
    dynamic = [f"{module} ({path.relative_to(REPO)})" for module, (path, _) in MODULES.items()
               if any(isinstance(node, ast.Name) and node.id == "__import__" or
                      isinstance(node, ast.Attribute) and node.attr == "import_module"
                      for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert not dynamic, f"imports by name hide arrows from a reader and from this test: {dynamic}"
