"""Start-up audit check speed: `verify` on a 50,000-product catalog (one audit row per product).

What the app runs at start (workbench.store.audit_verify.verify: the hash chain, the subjects
index and the catalog state bound to the log), against a baseline measured in the same run:
reading every audit row and every product row once with plain SELECTs. Medians of a few repeats;
the machine is noisy, read the ratio.
Usage: python bench/bench_audit_verify.py [N_PRODUCTS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import synthetic  # noqa: E402
from timing import median_time  # noqa: E402

from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.store.audit_verify import verify  # noqa: E402
from workbench.store.connection import write_transaction  # noqa: E402
from workbench.store.products import ProductWrite, write_products  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_catalog(Path(tmp) / "big.db", with_demo=False)
        with write_transaction(conn):
            write_products(conn, ProductWrite(added=synthetic(n)))  # one product.add audit row each

        def plain_read() -> None:
            for _ in conn.execute("SELECT * FROM audit"):
                pass
            for _ in conn.execute("SELECT * FROM products"):
                pass

        base = median_time(plain_read)
        reports = []
        t = median_time(lambda: reports.append(verify(conn)))
        assert reports[-1].ok, reports[-1].message()
        print(f"baseline: read {reports[-1].entries:,} audit rows and {n:,} products   {base * 1000:7.1f} ms")
        print(f"verify (start-up check), {n:,} products          {t * 1000:7.1f} ms  ratio {t / base:5.1f}x")
        conn.close()


if __name__ == "__main__":
    main()
