"""The ``gui`` subcommand (also what ``workbench`` with no subcommand runs): opens the desktop app
on the catalog, creating it with the demo catalog on first start.

``--screenshot FILE.png`` renders the window offscreen once the catalog is classified, writes the
PNG and exits (proof for humans, and used by the tests).
Exit codes: 0 ok, 2 bad arguments, 3 environment (no display, database problem).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_BAD_INPUT, EXIT_ENV = 0, 2, 3

NO_DISPLAY = """error: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the window cannot open.
The catalog is ready at {db}.
Run the app under a virtual display:
    xvfb-run -a {prog} gui
or render a screenshot without any display:
    {prog} gui --screenshot workbench.png [--view catalog|product|compare|map] [--size 1366x768] [--lang en|zh]"""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size (expected WIDTHxHEIGHT, e.g. 1366x768)") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"'{text}': expected between 320x240 and 8000x8000")
    return w, h


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_gui(args: argparse.Namespace) -> int:
    from workbench.store import StoreError

    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workbench.app import build_services

    interactive = not args.screenshot and has_display()
    try:
        services = build_services(args.db, confirm_sync=_ask_sync if interactive else None)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if interactive and _offer_restore(exc):
            services = build_services(args.db, confirm_sync=_ask_sync)
        else:
            return EXIT_ENV
    try:
        if not args.screenshot and not has_display():
            prog = sys.argv[0] if sys.argv and sys.argv[0] else "workbench"
            if prog.endswith("__main__.py"):
                prog = f"{Path(sys.executable).name} -m workbench"
            print(NO_DISPLAY.format(db=services.db_path, prog=prog), file=sys.stderr)
            return EXIT_ENV
        return _run(services, args)
    finally:
        services.close()


def _ask_sync(message: str) -> bool:
    """Issue 7: a catalog in a cloud-sync or network folder is confirmed before the first write."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.launcher import application

    application()
    answer = QMessageBox.warning(None, "Catalog in a synced or network folder",
                                 f"{message}\n\nOpen it anyway?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                 QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def _offer_restore(exc: Exception) -> bool:
    """A damaged catalog was moved aside: show why, and offer the newest verified backup."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.store.backup_schedule import restore
    from workbench.store.recovery import CorruptDatabase
    from workbench.ui.launcher import application

    application()
    if not isinstance(exc, CorruptDatabase) or exc.backup is None:
        QMessageBox.critical(None, "Cannot open the catalog", str(exc))
        return False
    answer = QMessageBox.question(None, "Catalog damaged", f"{exc}\n\nRestore {exc.backup.name} now?",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    restore(exc.backup, exc.path)
    return True


def _run(services, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings

    from workbench.ui.errors import ErrorReporter, setup_logging
    from workbench.ui.launcher import Gui, application, screenshot

    app = application()
    setup_logging(services.log_path)
    if args.screenshot:
        # A throwaway settings file: a screenshot must not depend on, or change, the user's settings.
        import tempfile

        tmp = tempfile.TemporaryDirectory()
        settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
        errors = ErrorReporter(show_dialogs=False)
        errors.install()
        gui = Gui(services, settings, args.lang or "en", errors)
        code = screenshot(gui, Path(args.screenshot), args.view, args.size or (1366, 768))
        gui.runner.cancel_all()
        gui.runner.wait()
        tmp.cleanup()
        return code if not errors.reported else EXIT_ENV
    settings = QSettings()
    errors = ErrorReporter()
    errors.install()
    gui = Gui(services, settings, args.lang, errors)
    if args.size:
        gui.window.resize(*args.size)
    gui.window.show()
    code = app.exec()
    gui.runner.cancel_all()
    gui.runner.wait()
    return code


def add_gui_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH",
                   help="catalog database file (default: $WORKBENCH_DB, else catalog.sqlite3 in the user data directory)")
    p.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen to FILE.png and exit")
    p.add_argument("--view", choices=["catalog", "product", "compare", "map", "proximity", "whatif", "letters",
                                      "deals", "ledgers", "screening"], default="catalog",
                   help="tab to show in the screenshot (default: catalog)")
    p.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1366x768 (screenshot default 1366x768)")
    p.add_argument("--lang", choices=["en", "zh"], help="UI language (default: the saved setting, else English)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default when no command is given)")
    add_gui_args(p)
    p.set_defaults(func=cmd_gui)


def default_args(db=None) -> argparse.Namespace:
    """The arguments ``workbench`` with no subcommand runs the GUI with."""
    return argparse.Namespace(db=db, screenshot=None, view="catalog", size=None, lang=None, func=cmd_gui)
