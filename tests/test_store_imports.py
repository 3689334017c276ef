"""Opening and reading the catalog imports no engine model (issue 4: the desktop app paints the
catalog before pydantic is imported), without changing the schema: the store's own copies of the
template fields and of the letter and deal statuses equal the engine's, and every shipped
migration's SQL text is exactly what it was."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from workbench.engine.deals import STATUSES as DEAL_STATUSES
from workbench.engine.letters import STATUSES as LETTER_STATUSES
from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.store import columns, deals_ddl, letters_ddl, schema

ROOT = Path(__file__).resolve().parents[1]

# SHA-256 of json.dumps(MIGRATIONS[version]): a shipped migration never changes (a new one is added).
SHIPPED = {
    1: "9ab5ebb3e9490abaadf9c05b7ec7d82db9d353b033850a37f48c391ad8849b1c",
    2: "46f5c146e346a8d325c2cb0efb63137a21dfdd855eb964bc5a2fe15ff5c56fbf",
    3: "6afc381ef4bae11e2c9162795ba5f72ea12f0dbccc4f8f17b39f88ddce0e1f9e",
    4: "0eb06eb28d85c04fbda12a584a554e846adedcc7029d0190868e0ddc340cd64b",
    5: "5dc9c04754cc2b372571e121c23116b45b5ce87197384bc7e2db191432577909",
    6: "7218956015e6df40a65f7338f9857d6e40403ff5232e42bf261a7a38c08b1821",
}


def test_the_store_copies_equal_the_engine_definitions():
    assert columns.PRODUCT_COLUMNS == TEMPLATE_FIELDS
    assert letters_ddl.LETTER_STATUSES_V6 == tuple(LETTER_STATUSES)  # migration 6's table (2's lacks one)
    assert deals_ddl.DEAL_STATUSES == tuple(DEAL_STATUSES)


def test_shipped_migrations_are_unchanged():
    for version, digest in SHIPPED.items():
        assert hashlib.sha256(json.dumps(schema.MIGRATIONS[version]).encode()).hexdigest() == digest, version


def test_the_sample_letter_marker_is_the_letters_service_one():
    from workbench.services import catalog, letters

    assert catalog.SAMPLE_LETTER_KEY == letters._SAMPLE_KEY


def _modules_after(code: str) -> dict:
    probe = code + ("\nimport json, sys\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
                    "('pydantic', 'yaml') or m.startswith('workbench.engine'))))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_opening_and_reading_a_catalog_imports_no_engine(tmp_path):
    from workbench.services.catalog import open_catalog

    db = tmp_path / "catalog.db"
    open_catalog(db).close()  # created with the demo (that needs the engine: it validates the demo)
    loaded = _modules_after(
        "import workbench.store, workbench.store.schema, workbench.store.products, workbench.services.catalog\n"
        "from workbench.services.catalog import open_catalog\n"
        "from workbench.store.products import all_products\n"
        f"conn = open_catalog({str(db)!r})\n"
        "assert len(all_products(conn)) > 50\n")
    assert loaded == []
