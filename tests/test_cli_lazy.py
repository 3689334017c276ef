"""The command line imports only the module of the command being run (the desktop app starts
through it, so every module it imports delays the first window):
`workbench --help` still lists every command, each command's lazily built parser is the same as
in the full parser, and a command works with only its own module imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import cli

ROOT = Path(__file__).resolve().parents[1]


def _subparsers(parser):
    return next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for command in cli.COMMANDS:
        assert f"    {command} " in out or f"    {command}\n" in out, command


def test_the_command_table_matches_what_the_modules_register():
    full = _subparsers(cli.build_parser())
    assert set(full) == set(cli.COMMANDS)
    for command in cli.COMMANDS:
        lazy = _subparsers(cli.build_parser(cli.modules_for([command])))
        # the same options and help, including options other modules add (classify --letters)
        assert lazy[command].format_help() == full[command].format_help(), command


def test_arguments_without_a_known_command_get_the_full_parser():
    assert cli.modules_for([]) == []  # no command: the desktop app
    assert cli.modules_for(["--help"]) == cli.COMMAND_MODULES
    assert cli.modules_for(["clasify"]) == cli.COMMAND_MODULES  # argparse lists the valid choices
    assert cli.modules_for(["gui", "--help"]) == ["workbench.cli.gui"]


def _run(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT))


def test_a_command_runs_with_only_its_module_imported():
    result = _run("import sys, json\n"
                  "from workbench.cli import main\n"
                  "code = main(['regimes', '--format', 'json'])\n"
                  "print(json.dumps(sorted(m for m in sys.modules if m.startswith('workbench.cli'))))\n"
                  "sys.exit(code)\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    loaded = json.loads(lines[-1])
    assert "workbench.cli.deals" not in loaded and "workbench.cli.gui" not in loaded
    assert "workbench.cli.letters" not in loaded and "workbench.cli.reports" not in loaded
    regimes = json.loads("\n".join(lines[:-1]))
    assert "us-h200-2026-01" in {r["id"] for r in regimes}


def test_gui_help_imports_neither_qt_nor_the_engine():
    result = _run("import sys\n"
                  "from workbench.cli import main\n"
                  "try:\n"
                  "    main(['gui', '--help'])\n"
                  "except SystemExit:\n"
                  "    pass\n"
                  "print([m for m in ('PySide6', 'workbench.engine', 'workbench.store', 'pydantic') if m in sys.modules])\n")
    assert result.returncode == 0, result.stderr
    assert "--screenshot" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_errors_keep_their_exit_codes(tmp_path, capsys):
    assert cli.main(["classify", "--demo", "--regime", "no-such-regime"]) == 2
    assert "unknown regime 'no-such-regime'" in capsys.readouterr().err
    newer = tmp_path / "newer.db"
    import sqlite3

    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 9999")
    conn.close()
    assert cli.main(["classify", "--db", str(newer)]) == 3
    assert capsys.readouterr().err.startswith("error: ")
