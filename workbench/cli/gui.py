"""The ``gui`` subcommand (also what ``workbench`` with no subcommand runs): opens the desktop app.

Which catalog: ``--demo`` is the demo catalog (kept in the user data folder, made when first
asked for); ``--db PATH`` or WORKBENCH_DB an existing catalog (a missing one is refused, exit 2);
otherwise the catalog opened last time, or the default location if a catalog is there. With none
of these (first start) a dialog asks: create a company catalog, or explore the demo. Nothing is
created before the officer chooses.

``--screenshot FILE.png`` renders the window offscreen once the catalog is classified, writes the
PNG and exits (proof for humans, and used by the tests).
Exit codes: 0 ok, 2 bad arguments, 3 environment (no display, database problem).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

EXIT_OK, EXIT_BAD_INPUT, EXIT_ENV = 0, 2, 3

NO_CATALOG_YET = """error: no catalog chosen yet, and there is no display to ask on.
Create your company's catalog:   {prog} init --db PATH   (then: {prog} gui --db PATH)
or open the demo catalog:        {prog} gui --demo"""

NO_DISPLAY = """error: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the window cannot open.
The catalog is ready at {db}.
Run the app under a virtual display:
    xvfb-run -a {prog} gui{which}
or render a screenshot without any display:
    {prog} gui{which} --screenshot workbench.png [--view catalog|product|compare|map] [--size 1366x768] [--lang en|zh]"""


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


def _prog() -> str:
    prog = sys.argv[0] if sys.argv and sys.argv[0] else "workbench"
    return f"{Path(sys.executable).name} -m workbench" if prog.endswith("__main__.py") else Path(prog).name


def _settings():
    """The user's settings (the same file as the app's QSettings()), readable without a display."""
    from PySide6.QtCore import QSettings

    return QSettings("export-control-workbench", "Export-control workbench")


def choose_catalog(args: argparse.Namespace, interactive: bool) -> Optional[Path]:
    """The catalog to open (made first for --demo or a first-start choice); None when the officer
    cancelled the first-start dialog or nobody can be asked. A NoCatalog error for --db/WORKBENCH_DB."""
    from workbench.services.catalog import NoCatalog, create_catalog, default_demo_path
    from workbench.services.catalog_file import ENV_VAR, default_db_path, resolve_db_path

    if getattr(args, "demo", False):
        path = resolve_db_path(args.db) if args.db else default_demo_path()
        if not path.exists():
            create_catalog(path, demo=True)
        return path
    if args.db or os.environ.get(ENV_VAR):
        path = resolve_db_path(args.db)
        if not path.exists():
            raise NoCatalog(path)
        return path
    if args.screenshot:  # a screenshot never depends on the user's settings
        return default_db_path() if default_db_path().exists() else None
    remembered = str(_settings().value("catalog/current", "") or "")
    if remembered and Path(remembered).exists():
        return Path(remembered)
    if default_db_path().exists():
        return default_db_path()
    if not interactive:
        return None
    return _first_start(default_db_path().parent)


def _first_start(folder: Path) -> Optional[Path]:
    """Ask which catalog (the dialog in the saved language); make the one chosen."""
    from workbench.app import user_cache_dir
    from workbench.services.catalog import create_catalog, default_demo_path
    from workbench.ui.shell.first_start import COMPANY, CatalogChoiceDialog
    from workbench.ui.support.i18n import LanguageSwitch

    from workbench.ui.shell.launcher import application

    application()
    settings = _settings()
    language = LanguageSwitch(user_cache_dir() / "i18n")
    language.apply(str(settings.value("language", "en")))
    if folder == default_demo_path().parent:  # the data folder is hidden: offer Documents (else home)
        folder = Path.home() / "Documents" if (Path.home() / "Documents").is_dir() else Path.home()
    dialog = CatalogChoiceDialog(folder)
    accepted = dialog.exec()
    language.apply("en")  # the app's own LanguageSwitch installs the language again
    if not accepted:
        return None
    if dialog.choice == COMPANY:
        return create_catalog(dialog.path)
    path = default_demo_path()
    if not path.exists():
        create_catalog(path, demo=True)
    return path


def screenshot_first_start(args: argparse.Namespace) -> int:
    """``--view first-start``: the first-start dialog, rendered offscreen (no catalog is needed or made)."""
    import tempfile

    from PySide6.QtGui import QColor, QPainter, QPixmap

    from workbench.ui.shell.first_start import CatalogChoiceDialog
    from workbench.ui.support.i18n import LanguageSwitch
    from workbench.ui.shell.launcher import application

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        language = LanguageSwitch(Path(tmp) / "i18n")  # kept: the translator lives as long as it does
        language.apply(args.lang or "en")
        dialog = CatalogChoiceDialog(Path.home() / "Documents")
        dialog.show()
        app.processEvents()
        out = Path(args.screenshot)
        out.parent.mkdir(parents=True, exist_ok=True)
        w, h = args.size or (1366, 768)
        canvas = QPixmap(w, h)  # the dialog centred on a plain desktop of the chosen size
        canvas.fill(QColor("#5a6b7b"))
        shot = dialog.grab()
        painter = QPainter(canvas)
        painter.drawPixmap((w - shot.width()) // 2, (h - shot.height()) // 2, shot)
        painter.end()
        if not canvas.save(str(out), "PNG"):
            print(f"error: could not write {out}", file=sys.stderr)
            return EXIT_ENV
    print(f"screenshot written to {out} ({w}x{h}, view first-start)")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from workbench.services.catalog_file import StoreError

    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if args.view == "first-start":
            return screenshot_first_start(args)
    from workbench.app import build_services

    interactive = not args.screenshot and has_display()
    path = choose_catalog(args, interactive)
    if path is None:
        if interactive:
            return EXIT_OK  # the officer closed the first-start dialog: nothing was made
        print(NO_CATALOG_YET.format(prog=_prog()), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        services = build_services(path, confirm_sync=_ask_sync if interactive else None)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if interactive and _offer_restore(exc):
            services = build_services(path, confirm_sync=_ask_sync)
        else:
            return EXIT_ENV
    try:
        if not args.screenshot and not has_display():
            which = " --demo" if getattr(args, "demo", False) else (f" --db {args.db}" if args.db else "")
            print(NO_DISPLAY.format(db=services.db_path, prog=_prog(), which=which), file=sys.stderr)
            return EXIT_ENV
        return _run(services, args)
    finally:
        services.close()


def _ask_sync(message: str) -> bool:
    """A catalog in a cloud-sync or network folder is confirmed before the first write: two
    computers writing one SQLite file through a sync service can corrupt it."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.shell.launcher import application

    application()
    answer = QMessageBox.warning(None, "Catalog in a synced or network folder",
                                 f"{message}\n\nOpen it anyway?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                 QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def _offer_restore(exc: Exception) -> bool:
    """A damaged catalog was moved aside: show why, and offer the newest verified backup."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.services.backup import CorruptDatabase, restore_catalog
    from workbench.ui.shell.launcher import application

    application()
    if not isinstance(exc, CorruptDatabase) or exc.backup is None:
        QMessageBox.critical(None, "Cannot open the catalog", str(exc))
        return False
    answer = QMessageBox.question(None, "Catalog damaged", f"{exc}\n\nRestore {exc.backup.name} now?",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    restore_catalog(exc.backup, exc.path)
    return True


def _run(services, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings

    from workbench.ui.shell.errors import ErrorReporter, setup_logging
    from workbench.ui.shell.launcher import Gui, application, screenshot

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
                   help="an existing catalog file (default: $WORKBENCH_DB, else the catalog opened last time; "
                        "on first start a dialog offers a new company catalog or the demo)")
    p.add_argument("--demo", action="store_true",
                   help="open the demo catalog (real accelerators and a fictitious sample letter, marked DEMO; "
                        "kept in the user data folder and made when first asked for)")
    p.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen to FILE.png and exit")
    p.add_argument("--view", choices=["catalog", "product", "compare", "map", "proximity", "whatif", "letters",
                                      "deals", "ledgers", "screening", "first-start"], default="catalog",
                   help="tab to show in the screenshot (default: catalog)")
    p.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1366x768 (screenshot default 1366x768)")
    p.add_argument("--lang", choices=["en", "zh"], help="UI language (default: the saved setting, else English)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default when no command is given)")
    add_gui_args(p)
    p.set_defaults(func=cmd_gui)


def default_args(db=None) -> argparse.Namespace:
    """The arguments ``workbench`` with no subcommand runs the GUI with."""
    return argparse.Namespace(db=db, demo=False, screenshot=None, view="catalog", size=None, lang=None, func=cmd_gui)
