"""The catalog column from the compiled cache at start-up (services.column_cache): `workbench gui`
run twice on one catalog. The first start classifies with the engine and keeps the compiled
column; the second fills the selected regime's column from it with pydantic and YAML still
unimported, and the full classification that follows shows exactly the same cells. A kept
column that no longer fits (the catalog's letters changed) is not used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
from workbench import cli
from workbench.services import catalog_query as cq
from workbench.ui.shell import launcher

seen = {"early": None}

def table(model):
    return [[model.index(r, c).data() for c in range(cq.COLUMN_COUNT)] for r in range(model.rowCount())]

start = launcher.Gui.__init__

def probed(self, *args, **kwargs):
    start(self, *args, **kwargs)
    session, model = self.session, self.window.catalog.model

    def early(cls):
        heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml'))
        QApplication.processEvents()  # the view's slot has run: the table shows it
        seen["early"] = {"heavy": heavy, "engine_ready": session.engine_ready, "regime": cls.regime.id,
                         "cells": table(model), "header": model.headerData(cq.COL_CLASS, 1)}

    def classified(cls):
        seen["full"] = {"cells": table(model), "header": model.headerData(cq.COL_CLASS, 1)}
        self.window.close()

    session.columnEarly.connect(early)
    session.classified.connect(classified)

launcher.Gui.__init__ = probed
sys.argv = ["workbench", "gui", "--db", sys.argv[1]]
code = cli.main()
print(json.dumps(seen))
sys.exit(code)
"""


def _start(tmp_path: Path, db: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, env=env,
                            cwd=str(ROOT), timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_second_start_fills_the_column_before_the_engine_and_the_engine_agrees(tmp_path):
    from test_ui_support import demo_catalog

    db = demo_catalog(tmp_path / "catalog.db")
    first = _start(tmp_path, db)
    assert first["early"] is None  # nothing kept yet: the engine classified it
    assert list((tmp_path / "cache").rglob("compiled-columns/*.json"))
    second = _start(tmp_path, db)
    early, full = second["early"], second["full"]
    assert early is not None and early["heavy"] == [] and not early["engine_ready"]
    assert early["regime"] == "us-h200-2026-01" and early["header"] == full["header"]
    assert len(early["cells"]) == 53 and early["cells"] == full["cells"] == first["full"]["cells"]
    assert all("…" not in row for row in early["cells"])
    licences = {row[7] for row in early["cells"]}
    assert "licence required (letter SAMPLE-BIS-2025-04-09-H20)" in licences  # the company's letter applied
    from datetime import date

    from workbench.services.letters import open_letter_service

    service = open_letter_service(db)
    try:  # the letter withdrawn: the kept column no longer fits the catalog's letters
        service.withdraw_in_error("SAMPLE-BIS-2025-04-09-H20", date(2026, 1, 5), "test")
    finally:
        service.conn.close()
    third = _start(tmp_path, db)
    assert third["early"] is None
    assert not any("SAMPLE-BIS" in str(cell) for row in third["full"]["cells"] for cell in row)
