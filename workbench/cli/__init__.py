"""Headless command line: the same services the GUI uses.

Each feature area declares its own commands in a module of its own (``register(subparsers)``
adds parsers with ``set_defaults(func=...)``); workbench.cli.common runs the chosen one and turns
the error tree into exit codes (0 ok; 2 bad input; 3 a database problem; see common).

Start-up time: ``workbench`` with no command is the desktop app, so this module imports only the
standard library at module level, and only the module registering the command being run is
imported (see build_parser). The engine, the store and the file readers are imported by the
command that uses them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

# The command modules, in the order `workbench --help` lists their commands.
COMMAND_MODULES: list[str] = ["workbench.cli.classify", "workbench.cli.catalog", "workbench.cli.letters",
                              "workbench.cli.gui", "workbench.cli.reports", "workbench.cli.deals",
                              "workbench.cli.audit", "workbench.cli.update", "workbench.cli.screening"]

# The module that registers each top-level command, so that running one imports only that module
# (importing them all cost about 0.3 s of the desktop app's start). tests/test_cli_lazy.py checks
# this table against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "regimes": ("workbench.cli.classify",), "classify": ("workbench.cli.classify",),
    "compare": ("workbench.cli.classify",),
    "init": ("workbench.cli.catalog",), "import": ("workbench.cli.catalog",), "backup": ("workbench.cli.catalog",),
    "letters": ("workbench.cli.letters",),
    "gui": ("workbench.cli.gui",),
    "memo": ("workbench.cli.reports",), "export": ("workbench.cli.reports",),
    "deals": ("workbench.cli.deals",),
    "audit": ("workbench.cli.audit",), "restore": ("workbench.cli.audit",), "rulesets": ("workbench.cli.audit",),
    "update": ("workbench.cli.update",),
    "screen": ("workbench.cli.screening",), "screening": ("workbench.cli.screening",),
}


def modules_for(argv: Sequence[str]) -> list[str]:
    """The command modules a parser for ``argv`` needs: none for no arguments (the desktop app),
    those of the command when ``argv`` starts with a known command, else all of them
    (``--help``, ``--version``, a mistyped command: argparse then lists every command)."""
    if not argv:
        return []
    wanted = COMMANDS.get(argv[0])
    return [m for m in COMMAND_MODULES if wanted is None or m in wanted]


class _VersionAction(argparse.Action):
    """``--version``: the program's version and the rules' "current to" date (read only when asked)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from workbench import __version__
        from workbench.services.manifest import rules_current_to

        day = rules_current_to()
        print(f"workbench {__version__}")
        print(f"rules current to {day.isoformat()}" if day else "rules current to: not stated")
        parser.exit()


def build_parser(modules: Optional[Sequence[str]] = None) -> argparse.ArgumentParser:
    """The parser with the commands of ``modules`` (default: every command module)."""
    import importlib

    parser = argparse.ArgumentParser(prog="workbench", description="Export-control compliance workbench for AI chips.")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and how current the rules are")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if modules is None else modules:
        importlib.import_module(name).register(sub)
    return parser


def _install_crash_log() -> None:
    """A real process (not a test calling main(argv)) logs unexpected errors and C-level crashes."""
    import platformdirs

    from workbench import crash

    crash.install(Path(platformdirs.user_log_dir("workbench", appauthor=False)) / "crash.log")


def main(argv: Optional[Sequence[str]] = None) -> int:
    if argv is None:
        _install_crash_log()
        from workbench.cli.common import escape_terminal_streams

        escape_terminal_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(modules_for(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # No subcommand: open the desktop app (workbench --help still prints the usage).
        from workbench.cli.gui import default_args

        args = default_args()
    from workbench.cli.common import run

    return run(args)
