"""The desktop app (PySide6). The only package that imports Qt.

One subpackage per screen, so a screen's widgets, models and Qt-free helpers sit together:
shell (launcher.Gui builds the window from an AppServices, see workbench/app.py; session.Session
holds the shared state; tasks.TaskRunner runs every long job; menus, dialogs, error reporting),
catalog (the catalog table, its queries and classification, the import dialog, the proximity
list), product (one product's figures, what-if with draft rules), compare, map,
letters, deals (deals, ledgers), screening, and support (translation, table models and helpers
shared by several screens). Only deals/__init__ imports its widgets; the others import
nothing, so opening the window loads only the modules on the start-up path.
"""
