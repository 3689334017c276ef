"""kill -9 at a random moment during a 50,000-row import leaves the catalog exactly as it was
(target 1): same row count, same content digest, integrity_check ok. The child reports its
progress on stdout; the test picks one of those moments at random and kills right after reading
it, so kills land in the parse, the product inserts, the audit rows and just before COMMIT.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from catalog_helpers import HEADER, fresh_catalog, product_row, snapshot
from workbench.services.catalog import open_catalog
from workbench.store.backup import integrity_check
from xlsx_builder import Sheet, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys
from pathlib import Path
from workbench.services.catalog import open_catalog
from workbench.services.import_products import import_products

conn = open_catalog(sys.argv[1])
def progress(phase, done, total):
    print(phase, done, flush=True)
plan = import_products(conn, Path(sys.argv[2]), progress=progress)
print("done", len(plan.added), flush=True)
"""


def _start(db: Path, xlsx: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(xlsx)], stdout=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


@pytest.mark.slow
def test_kill_9_during_a_50000_row_import_leaves_the_catalog_unchanged(tmp_path):
    db = tmp_path / "catalog.db"
    conn = fresh_catalog(tmp_path)
    before = snapshot(conn)
    conn.close()
    xlsx = write_xlsx(tmp_path / "big.xlsx", [Sheet("Products", [HEADER] + [product_row(i) for i in range(50_000)])])

    seed = random.randrange(2**32)
    rng = random.Random(seed)
    # Moments the child reports well before COMMIT ("audit 0" and "commit" are excluded: the
    # child keeps running while we read its line, and from there COMMIT is close).
    moments = ["read 0", "validated 50000", "begin 0"] + [f"add {n}" for n in range(5000, 50_001, 5000)]
    targets = [rng.choice(moments[3:]), rng.choice(moments)]  # one inside the write transaction, one anywhere
    for target in targets:
        child = _start(db, xlsx)
        seen = []
        for line in child.stdout:
            seen.append(line.strip())
            if line.strip() == target:
                child.send_signal(signal.SIGKILL)
                break
        child.wait()
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL, f"seed {seed}: child was not killed at {target!r} (saw {seen})"
        conn = open_catalog(db)
        assert snapshot(conn) == before, f"seed {seed}: catalog changed after kill at {target!r}"
        assert integrity_check(conn) == []
        conn.close()

    # The same import, left to finish, does write: the kills above had something to interrupt.
    child = _start(db, xlsx)
    out, _ = child.communicate()
    assert child.returncode == 0 and out.strip().endswith("done 50000")
    conn = open_catalog(db)
    assert snapshot(conn)[0] == before[0] + 50_000 and integrity_check(conn) == []
    conn.close()


@pytest.mark.slow
def test_backup_while_an_import_is_writing_is_consistent(tmp_path):
    """Target 6: VACUUM INTO while another process is inside its import transaction copies the last
    committed state, and the copy passes integrity_check; the import then commits normally."""
    from workbench.store.backup import backup_to

    db = tmp_path / "catalog.db"
    conn = fresh_catalog(tmp_path)
    before = snapshot(conn)
    xlsx = write_xlsx(tmp_path / "big.xlsx", [Sheet("Products", [HEADER] + [product_row(i) for i in range(20_000)])])
    child = _start(db, xlsx)
    for line in child.stdout:
        if line.startswith("add 10000"):  # the child is mid-transaction, holding the write lock
            backup = backup_to(conn, tmp_path / "during.db")
            break
    rest = child.stdout.read()
    child.wait()
    child.stdout.close()
    assert child.returncode == 0 and rest.strip().endswith("done 20000")
    copy = open_catalog(backup)
    assert snapshot(copy) == before and integrity_check(copy) == []
    copy.close()
    assert snapshot(conn)[0] == before[0] + 20_000
    conn.close()
