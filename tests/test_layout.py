"""The package's shape: imports point only down the stages (RULES.md's matrix), no module
imports itself back through others, and no module grows past 400 lines.

Imports are read with `ast`, including those inside functions (a lazy import is still a
dependency), so the test needs no import side effects and sees every module."""

from __future__ import annotations

import ast
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "site"
PACKAGE = SITE / "buyerkit"
MAX_LINES = 400

# What each stage may import besides itself. The top level (the factory, the CLI group, the
# gunicorn settings) wires the stages together and may import anything.
EVERYTHING = {"errors", "content", "web", "signals", "handoff", "pages", "api", "reports",
              "freeze", "top"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "content": {"errors"},
    "web": {"content", "errors"},
    "signals": {"content", "errors"},
    "handoff": {"content", "errors", "web"},
    "pages": {"content", "errors", "web", "signals", "handoff"},
    "api": {"content", "errors", "web", "signals", "handoff"},
    "reports": {"content", "errors", "web", "signals", "handoff"},
    "freeze": {"content", "errors", "web", "pages", "api"},
    "top": EVERYTHING,
}
TOP = {"buyerkit", "buyerkit.cli", "buyerkit.gunicorn_conf"}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its folder's name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SITE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """The package's modules that `name` imports, with the line of each import statement.
    `from buyerkit.x import y` counts as importing buyerkit.x.y when that is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                       for alias in node.names]
        else:
            continue
        for target in targets:
            if target == "buyerkit" or target.startswith("buyerkit."):
                while target not in known:  # `import buyerkit.a.b.attr` -> the module
                    target = target.rpartition(".")[0]
                found.append((target, node.lineno))
    return found


def stage(module: str) -> str:
    """The stage a module belongs to: its first folder (or top-level module) in the package."""
    if module in TOP:
        return "top"
    return module.split(".")[1]


def graph() -> dict[str, list[tuple[str, int]]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def test_the_parser_reads_relative_and_lazy_imports(tmp_path: Path) -> None:
    """The walker sees `from . import x`, `from ..y import z` and imports inside functions."""
    pkg = tmp_path / "buyerkit" / "signals"
    pkg.mkdir(parents=True)
    source = pkg / "store.py"
    source.write_text("from . import events\nfrom ..content import loading\n"
                      "def f():\n    import buyerkit.reports.rollups.apply\n")
    known = {"buyerkit.signals.events", "buyerkit.content.loading", "buyerkit.reports.rollups",
             "buyerkit.signals.store", "buyerkit"}
    assert imports("buyerkit.signals.store", source, known) == [
        ("buyerkit.signals.events", 1), ("buyerkit.content.loading", 2),
        ("buyerkit.reports.rollups", 4)]


def test_every_module_is_in_a_known_stage() -> None:
    unknown = sorted(m for m in modules() if stage(m) not in ALLOWED)
    assert unknown == [], (f"modules outside the stages of RULES.md (add the stage to the "
                           f"matrix there and in this test): {unknown}")


def test_imports_point_down_the_stages() -> None:
    """No module imports a stage its own stage may not (RULES.md, "Allowed imports")."""
    mods = modules()
    wrong = []
    for name, targets in graph().items():
        here = stage(name)
        for target, line in targets:
            there = stage(target)
            if there != here and there not in ALLOWED.get(here, set()):
                where = mods[name].relative_to(SITE.parent)
                wrong.append(f"{where}:{line}: {name} ({here}) imports {target} ({there})")
    assert wrong == [], "imports against the stage matrix:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    """No module reaches itself through its imports (Tarjan's strongly connected components)."""
    edges = {name: sorted({t for t, _ in targets if t != name})
             for name, targets in graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == [], "modules that import each other (directly or round a loop):\n" + \
        "\n".join(" <-> ".join(c) for c in cycles)


def test_no_module_over_400_lines() -> None:
    long = [f"{path.relative_to(SITE.parent)}: {n} lines"
            for path in sorted(PACKAGE.rglob("*.py"))
            if (n := len(path.read_text().splitlines())) > MAX_LINES]
    assert long == [], f"modules over {MAX_LINES} lines (split them by noun):\n" + "\n".join(long)
