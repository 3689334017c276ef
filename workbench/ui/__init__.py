"""The desktop app (PySide6). The only package that imports Qt.

launcher.Gui builds the window from an AppServices (workbench/app.py); session.Session holds the
shared state; tasks.TaskRunner runs every long job; each tab is a module of its own
(catalog_view, product_view, compare_view, proximity_view, map_view, whatif_view,
import_dialog). catalog_data, catalog_query, classify, drafts and map_regions are Qt-free.
"""
