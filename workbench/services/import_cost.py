"""What a sheet's missing columns cost: which imported products will be indeterminate, under which
paragraphs, and which column would decide them.

Run only when the sheet lacks a column the classification reads (a clean full template costs
nothing here). Products are classified as they will stand after the import: a changed product
keeps its stored values for the columns the sheet does not have.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from workbench.engine.metrics import FLAG_METRICS, NUMERIC_METRICS
from workbench.engine.spec import TEMPLATE_FIELDS, THROUGHPUT_BIT_LENGTH, ProductSpec
from workbench.io.headers import ALIASES

DECISIVE = frozenset({*THROUGHPUT_BIT_LENGTH, "tpp", "die_area_mm2", "non_planar", *NUMERIC_METRICS, *FLAG_METRICS}) \
    & frozenset(TEMPLATE_FIELDS)
MAX_PRODUCTS = 5000  # beyond this the summary says so instead of classifying every row
MAX_LISTED = 8


def _example(field: str) -> str:
    aliases = ALIASES.get(field, ())
    chinese = next((a for a in aliases if not a.isascii()), None)
    return f"'{field}'" + (f" (or '{chinese}')" if chinese else "")


def missing_cost(conn: sqlite3.Connection, plan, parsed, on: date, library=None) -> list[str]:
    given = set(plan.columns)
    absent = DECISIVE - given
    if not absent or not parsed.values:
        return []
    if len(parsed.values) > MAX_PRODUCTS:
        return [f"the sheet has no column for {', '.join(sorted(absent))}; products that need them will be "
                "indeterminate (not classified here: more than "
                f"{MAX_PRODUCTS:,} rows; run `workbench classify --db` after the import)"]
    from workbench.engine import determine
    from workbench.engine.metrics import compute_metrics
    from workbench.services.regimes import bundled_library
    from workbench.store.products import all_products

    lib = library or bundled_library()
    regimes = [r for r in lib.regimes if r.regime.enforced and r.regime.effective_from <= on
               and (r.regime.effective_to is None or on < r.regime.effective_to)] or list(lib.regimes)
    existing = all_products(conn)
    matched = {v: k for k, v in plan.matched.items()}
    groups: dict[tuple, list[str]] = {}
    for values in parsed.values:
        record = dict(zip(TEMPLATE_FIELDS, values))
        part = plan.matched.get(record["part_number"], record["part_number"])
        old = existing.get(part)
        if old is not None:
            record = {**old, **{f: record[f] for f in given if f != "part_number"}, "part_number": part}
        try:
            spec = ProductSpec.model_validate({f: record.get(f) for f in TEMPLATE_FIELDS})
        except Exception:  # a stored record the model no longer accepts: not this summary's business
            continue
        metrics = compute_metrics(spec)
        for r in regimes:
            det = determine(spec, r, lib.countries, on=on, metrics=metrics)
            if det.classification != "indeterminate":
                continue
            lacking = tuple(sorted(set(det.missing) & absent))
            if not lacking:
                continue
            groups.setdefault((r.id, tuple(det.candidates), lacking), []).append(matched.get(part, part))
    lines = []
    for (regime, candidates, lacking), parts in sorted(groups.items(), key=lambda g: -len(g[1])):
        shown = ", ".join(parts[:MAX_LISTED]) + (f" and {len(parts) - MAX_LISTED} more" if len(parts) > MAX_LISTED else "")
        throughput = [f for f in lacking if f in THROUGHPUT_BIT_LENGTH or f == "tpp"]
        rest = [f for f in lacking if f not in throughput]
        decide = [_example(f) for f in rest] + (["a dense throughput column (e.g. 'fp16_tflops' or 'FP16 算力 (TFLOPS)')"]
                                                 if throughput else [])
        lines.append(f"{len(parts)} product{'s' if len(parts) != 1 else ''} will be indeterminate under {regime} "
                     f"(could be {' or '.join(candidates)}): {shown}; the sheet has no column for "
                     f"{', '.join(rest + (['throughput'] if throughput else []))}: a column {' and '.join(decide)} "
                     "would decide them")
    return lines
