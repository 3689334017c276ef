"""The catalog window comes before the engine (issue 4, cold start): `workbench gui` builds the
services and the main window and paints the catalog's rows (part number, vendor, stored figures)
with pydantic, YAML and workbench.engine still unimported; TPP, PD, classification and margin
read "…" and the status bar says "Classifying…"; search, filters and sorting work meanwhile.
Then the engine is imported and the selected regime loaded on a worker, and the columns fill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pydantic", "yaml")


def _run(code: str, tmp_path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT),
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


HEAVY_LOADED = ("sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') "
                "or m.startswith('workbench.engine'))")


@pytest.fixture
def demo_db(tmp_path):
    from workbench.services.catalog import open_catalog

    db = tmp_path / "catalog.db"
    open_catalog(db).close()  # first start: created with the demo catalog (that validates it: engine)
    return db


def test_building_the_services_imports_no_engine(tmp_path, demo_db):
    out = _run("import json, sys\n"
               "from workbench.app import build_services\n"
               f"s = build_services({str(demo_db)!r}, data_dir=__import__('pathlib').Path({str(tmp_path)!r}) / 'd')\n"
               f"before = {HEAVY_LOADED}\n"
               "n = len(list(s.library.countries))\n"
               f"print(json.dumps({{'before': before, 'countries': n, 'after': {HEAVY_LOADED}}}))\n", tmp_path)
    assert out["before"] == []
    assert out["countries"] > 100 and "pydantic" in out["after"]  # the country table, when asked for
