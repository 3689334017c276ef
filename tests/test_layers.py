"""The layers hold: engine <- store <- io <- services <- ui and the command line.

Checked from the source (no imports run): no cycle between the top-level packages; io imports
no services, store or ui; ui and the command line never call the engine's ``determine``. The
command line (the package workbench.cli) imports no store module at all, and no screen does
either: every command and every screen goes through a service. KNOWN_STORE_USES (now empty)
names any exception: the list may only shrink, and a new direct use fails here.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "workbench"


def _package(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return "workbench"
    return parts[1]


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts)
        yield (name[: -len(".__init__")] if name.endswith(".__init__") else name), path


def _imports():
    """(importing module, imported module, names) for every absolute workbench import."""
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("workbench."):
                        yield module, alias.name, ()
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("workbench"):
                yield module, node.module, tuple(a.name for a in node.names)


def _package_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for src, dst, _ in _imports():
        a, b = _package(src), _package(dst)
        if a != b:
            graph[a].add(b)
    return graph


def _cycle(graph: dict[str, set[str]]):
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


# Screens and commands that still import the store themselves. Each should go through a service;
# the list may only shrink.
KNOWN_STORE_USES: frozenset[str] = frozenset()


def test_no_import_cycle_between_packages():
    assert _cycle(_package_graph()) is None


def test_io_imports_no_services_store_or_ui():
    upward = sorted({f"{src} -> {dst}" for src, dst, _ in _imports()
                     if _package(src) == "io" and _package(dst) in ("services", "store", "ui", "cli", "app")})
    assert upward == []


def test_the_engine_imports_nothing_above_it():
    upward = sorted({f"{src} -> {dst}" for src, dst, _ in _imports()
                     if _package(src) == "engine" and _package(dst) in ("store", "io", "services", "ui", "cli", "app")})
    assert upward == []


def test_screens_and_commands_never_call_determine():
    calls = sorted({src for src, dst, names in _imports()
                    if _package(src) in ("ui", "cli") and dst.startswith("workbench.engine") and "determine" in names})
    assert calls == []


def test_no_new_screen_or_command_opens_the_store_itself():
    users = {src for src, dst, _ in _imports() if _package(src) in ("ui", "cli") and _package(dst) == "store"}
    assert users - KNOWN_STORE_USES == set(), "go through a service instead"
    assert KNOWN_STORE_USES - users == set(), "this module no longer imports the store: take it off the list"


def test_no_screen_imports_the_store():
    """The desktop app reads and writes the catalog only through services (no exceptions left)."""
    users = sorted({f"{src} -> {dst}" for src, dst, _ in _imports() if _package(src) == "ui" and _package(dst) == "store"})
    assert users == []


def test_the_command_line_imports_no_store_module():
    cli_modules = {module for module, _ in _modules() if _package(module) == "cli"}
    assert "workbench.cli" in cli_modules and "workbench.cli.common" in cli_modules
    users = sorted({f"{src} -> {dst}" for src, dst, _ in _imports() if src in cli_modules and _package(dst) == "store"})
    assert users == [], "go through a service instead"


def _module_level_imports(path: Path) -> set[str]:
    """Top-level module names imported when ``path`` is imported (not those inside functions)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def test_the_desktop_app_starts_through_standard_library_modules_only():
    """``workbench`` (no command) and ``workbench gui`` import the package and its gui module
    before the window exists: at module level they import only the standard library, so that
    nothing delays the first paint (bench/bench_gui.py measures it)."""
    import sys

    for path in (ROOT / "cli" / "__init__.py", ROOT / "cli" / "gui.py"):
        heavy = sorted(m for m in _module_level_imports(path)
                       if m.split(".")[0] not in sys.stdlib_module_names and m != "__future__")
        assert heavy == [], (path.name, heavy)
