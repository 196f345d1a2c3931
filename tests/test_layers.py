"""The package's layers import one way only: posts → model → domain → pages → builders.

Walks every module's imports (``ast``, so no module is executed): a module may import from its own
layer or the layers below it, never above; the pure layers (``posts``, ``model``, and the shared
``config``/``assets``) never import Sphinx or docutils; there is no import circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ext" / "postarchive"
# lowest first; a module's layer is its first path component (top-level modules are named here)
LAYERS = ["base", "posts", "model", "domain", "pages", "builders", "entry"]
TOP_LEVEL = {"config": "base", "assets": "base", "sphinxpatches": "domain", "cli": "entry", "__init__": "entry"}
PURE = {"base", "posts", "model"}
SPHINX_PACKAGES = ("sphinx", "docutils", "myst_parser", "sphinx_design", "sphinxcontrib")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def layer_of(module: str) -> str:
    first = module.split(".")[0]
    return TOP_LEVEL.get(first, first)


def imports_of(path: Path, module: str | None = None) -> Iterator[tuple[str, bool, int]]:
    """(imported module, is it inside the package, line) for every import, typing-only ones included."""
    package = (module or module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                inside = alias.name.startswith("postarchive.")
                yield alias.name.removeprefix("postarchive.") if inside else alias.name, inside, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                yield target, True, node.lineno
            elif node.module and node.module.startswith("postarchive"):
                yield node.module.removeprefix("postarchive").lstrip("."), True, node.lineno
            elif node.module:
                yield node.module, False, node.lineno


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_known_layer() -> None:
    unknown = [str(p) for p in MODULES if layer_of(module_name(p)) not in LAYERS]
    assert MODULES and not unknown


def violations(path: Path, module: str) -> list[str]:
    mine = layer_of(module)
    wrong = []
    for target, inside, line in imports_of(path, module):
        if inside and target and LAYERS.index(layer_of(target)) > LAYERS.index(mine):
            wrong.append(f"line {line}: {mine} imports {target} ({layer_of(target)})")
        if not inside and mine in PURE and target.split(".")[0] in SPHINX_PACKAGES:
            wrong.append(f"line {line}: pure layer {mine} imports {target}")
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path: Path) -> None:
    wrong = violations(path, module_name(path))
    assert not wrong, "\n".join(wrong)


def test_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    names = {module_name(p) for p in MODULES}
    for path in MODULES:
        edges = set()
        for target, inside, _ in imports_of(path):
            while inside and target and target not in names:
                target = target.rpartition(".")[0]  # ``from .x import name`` where name is not a module
            if inside and target and target != module_name(path):
                edges.add(target)
        graph[module_name(path)] = edges
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            pytest.fail("import circle: " + " → ".join(cycle))
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*stack, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walker itself works: a model module importing a builder, or Sphinx, is caught."""
    probe = tmp_path / "probe.py"
    probe.write_text("from ..builders.html import search\nfrom sphinx.util import logging\n", encoding="utf-8")
    found = violations(probe, "model.probe")
    assert len(found) == 2, found
    assert violations(probe, "builders.probe") == []
