"""Imports run one way, down the layers of DESIGN.md ("Layout"): a module of the package never imports
from a folder above its own, and no files import each other in a circle.

Every import of every module is read with ``ast``: at module level, under ``if TYPE_CHECKING`` and
inside functions (a lazy import is still an arrow). Relative imports are resolved; ``from . import x``
names the submodule ``x`` when there is one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "plugins" / "housing_need"

# Top to bottom. A module may import from its own layer and the layers below it. The DAGs' glue
# (orchestration.py) sits just under the CLI, above the refresh it calls; the package's face
# (__init__.py: the version), config and errors are the floor.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    (
        "scenarios",
    ),  # what-if scenarios: rebuild the need models on a snapshot (pipeline), pages and BI (publish)
    ("orchestration",),
    ("refresh",),
    ("pipeline",),
    ("quality",),
    ("publish",),
    ("synth",),  # writes from the sources' own layouts and waves; a source is handed a writer
    ("sources",),
    ("privacy",),
    ("model",),
    ("ops",),
    ("config", "errors", ""),
)

# Arrows that still run up, being removed on other branches of issue 21. The lead empties this list
# after merging them; nothing may be added to it. (importing module, imported module)
KNOWN_UPWARD_PENDING_OTHER_BRANCHES: frozenset[tuple[str, str]] = frozenset()

# Circles of files still there, being removed on other branches (the same rule: only ever emptied).
KNOWN_CIRCLES_PENDING_OTHER_BRANCHES: frozenset[frozenset[str]] = frozenset()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"{module}: its folder {top!r} is in no layer; add it to LAYERS (and DESIGN.md)")


def imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported module of the package, line) for every import in ``module``, wherever it stands."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from package import submodule` imports the submodule
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules()]
            names = subs if subs and len(subs) == len(node.names) else [target, *subs]
        else:
            continue
        for name in names:
            if name == "housing_need" or name.startswith("housing_need."):
                yield name, node.lineno


def test_every_module_is_read() -> None:
    """The walk sees the whole package, lazy imports included (a check that cannot pass empty)."""
    assert len(modules()) > 100
    edges = {(m, t) for m in modules() for t, _ in imports(m)}
    assert ("housing_need.cli.warehouse", "housing_need.publish.backtest") in edges  # inside a function
    assert ("housing_need.refresh.steps", "housing_need.pipeline.warehouse") in edges


def test_no_import_runs_up_the_layers() -> None:
    upward = []
    for module in modules():
        here = layer_of(module)
        for target, line in imports(module):
            if layer_of(target) < here and (module, target) not in KNOWN_UPWARD_PENDING_OTHER_BRANCHES:
                upward.append(f"{modules()[module].relative_to(ROOT)}:{line} imports {target}")
    assert not upward, "imports that run up the layers (DESIGN.md, Layout):\n" + "\n".join(upward)


def test_the_known_upward_imports_still_exist() -> None:
    """An entry of the pending list that no longer matches an import is deleted, not left to hide one."""
    edges = {(m, t) for m in modules() for t, _ in imports(m)}
    assert not KNOWN_UPWARD_PENDING_OTHER_BRANCHES - edges


def circles() -> list[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan), over every import."""
    graph = {m: sorted({t for t, _ in imports(m) if t in modules() and t != m}) for m in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_circle_of_files() -> None:
    found = [g for g in circles() if g not in KNOWN_CIRCLES_PENDING_OTHER_BRANCHES]
    assert not found, "modules that import each other in a circle:\n" + "\n".join(
        " <-> ".join(sorted(g)) for g in found
    )
