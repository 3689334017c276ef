"""Report data flows downward, and the licence position has one home: io imports nothing from
services, store or ui; ui and the command line never call the engine's determine themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import workbench

ROOT = Path(workbench.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_io_imports_no_services_store_or_ui():
    for path in (ROOT / "io").rglob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(("workbench.services", "workbench.store", "workbench.ui"))}
        assert not bad, (path, bad)


def test_wording_imports_only_the_engine():
    for path in (ROOT / "wording").rglob("*.py"):
        bad = {m for m in _imports(path) if m.startswith("workbench.") and
               not m.startswith(("workbench.engine", "workbench.wording"))}
        assert not bad, (path, bad)


def test_ui_and_cli_never_call_determine():
    files = list((ROOT / "ui").rglob("*.py")) + list((ROOT / "cli").rglob("*.py"))
    assert any(p.parent.name == "cli" for p in files)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names]
        assert "determine" not in imported, path
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "determine"]
        assert not calls, path


def test_one_governance_module():
    """'Which regime governs on a date' is written once, in engine.governance."""
    for path in ROOT.rglob("*.py"):
        if path.name == "governance.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "def current_regime(" not in text and "def as_enforced(" not in text, path
        assert "def in_force(" not in text, path
