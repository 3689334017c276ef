"""Time is injected: no business decision reads the wall clock. Only workbench/clock.py does; the
few other places that read it stamp records (audit rows, lock files, backup and crash file names),
each listed here with its reason. A CLI run has one clock, and WORKBENCH_TODAY fixes its "today"."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import workbench
from workbench.clock import SYSTEM_CLOCK, FixedClock, from_environment

PACKAGE = Path(workbench.__file__).resolve().parent
WALL_CLOCK = {"date.today", "datetime.now", "datetime.utcnow", "datetime.datetime.now", "datetime.date.today",
              "datetime.datetime.utcnow"}

# file -> (how many reads, why each is a record timestamp rather than a business decision)
ALLOWED = {
    "clock.py": (2, "the one place the workbench reads the wall clock"),
    "crash.py": (1, "the time stamp written into crash.log"),
    "store/audit.py": (1, "ts_utc of an audit row: when the change was recorded"),
    "store/locking.py": (1, "the lock file's 'since' stamp: when this process took the lock"),
    "store/backup.py": (1, "a pre-migration / manual backup's file name stamp"),
    "store/recovery.py": (1, "the stamp in a moved-aside file's name (.corrupt-<stamp>) when none is given"),
    "store/backup_schedule.py": (2, "a forced backup's file name stamp (whether one is due takes `now`), and the "
                                    "stamp in the name of a catalog a restore moves aside"),
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "?"


def _reads() -> dict[str, int]:
    """Calls of date.today() / datetime.now() (also spelled through the module) per file, from the
    syntax tree: docstrings and comments that mention them do not count."""
    found: dict[str, int] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        n = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and _dotted(node.func) in WALL_CLOCK)
        if n:
            found[path.relative_to(PACKAGE).as_posix()] = n
    return found


def test_only_clock_py_and_record_timestamps_read_the_wall_clock():
    found = _reads()
    unexpected = {f: n for f, n in found.items() if f not in ALLOWED or n > ALLOWED[f][0]}
    assert not unexpected, f"wall-clock reads outside workbench/clock.py (take a Clock instead): {unexpected}"


def test_the_engine_needs_to_be_told_today():
    from workbench.engine import determine
    from workbench.engine.determine import default_date
    from workbench.engine.spec import ProductSpec
    from workbench.services.regimes import bundled_library

    lib = bundled_library()
    loaded = lib.get("us-h200-2026-01")
    spec = ProductSpec(part_number="X", fp16_tflops=100)
    with pytest.raises(TypeError, match="caller's clock"):
        determine(spec, loaded, lib.countries, "CN")
    with pytest.raises(TypeError):
        default_date(loaded.regime)  # type: ignore[call-arg]
    start = loaded.regime.effective_from
    assert default_date(loaded.regime, date(2020, 1, 1)) == start  # clamped into the window
    assert determine(spec, loaded, lib.countries, "CN", today=date(2020, 1, 1)).as_of == start


def test_workbench_today_fixes_the_runs_clock():
    assert from_environment({}) is SYSTEM_CLOCK
    assert from_environment({"WORKBENCH_TODAY": "2026-06-15"}) == FixedClock.on(date(2026, 6, 15))
    from workbench.errors import UserError

    with pytest.raises(UserError, match="WORKBENCH_TODAY: '15/06/2026' is not a date"):
        from_environment({"WORKBENCH_TODAY": "15/06/2026"})


def test_a_cli_run_decides_by_workbench_today(tmp_path, capsys, monkeypatch):
    """The demo letter's annual re-check is due 2026-12-31: 26 days left on 2026-12-05, overdue
    on 2027-01-02, the same whatever day the suite runs."""
    import json

    from workbench.cli import main
    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "demo.db", demo=True))
    monkeypatch.setenv("WORKBENCH_TODAY", "2026-12-05")
    assert main(["letters", "dashboard", "--db", db]) == 0
    board = json.loads(capsys.readouterr().out)
    assert [v["days_left"] for v in board["due_soon"]] == [26] and board["overdue"] == []
    monkeypatch.setenv("WORKBENCH_TODAY", "2027-01-02")
    assert main(["letters", "dashboard", "--db", db]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board["due_soon"] == [] and [v["ref"] for v in board["overdue"]] == ["SAMPLE-BIS-2025-04-09-H20"]
    monkeypatch.setenv("WORKBENCH_TODAY", "yesterday")
    assert main(["letters", "dashboard", "--db", db]) == 2
    assert "WORKBENCH_TODAY: 'yesterday' is not a date" in capsys.readouterr().err
