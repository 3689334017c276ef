"""Recording determinations with everything needed to reproduce them, and replaying them (target 18).

``record(...)`` evaluates a product under a regime and stores, through
workbench.store.determinations.record_determination (actor, UTC time and app version are added
there): the inputs exactly as evaluated (the full ProductSpec, destination, end-user HQ, the date
the rules were read on, the ruleset id and SHA-256) and the complete result (Determination.to_json).

``replay(conn, library)`` re-evaluates every stored row from its stored inputs with the regime of
the same id and checks the result is identical. A row whose ruleset SHA-256 differs from the one
installed now is reported as not replayable (the rules changed), never as a mismatch.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Optional

from workbench.engine import ProductSpec, determine
from workbench.engine.determine import default_date
from workbench.services.regimes import RegimeLibrary, UnknownRegime
from workbench.store import audit
from workbench.store.determinations import record_determination

INPUTS_FORMAT = 1


def evaluation_inputs(spec: ProductSpec, regime_id: str, ruleset_sha256: str, destination: Optional[str],
                      end_user_hq: Optional[str], on: date) -> dict:
    return {"format": INPUTS_FORMAT, "spec": spec.model_dump(mode="json"), "regime": regime_id,
            "ruleset_sha256": ruleset_sha256, "destination": destination, "end_user_hq": end_user_hq,
            "date": on.isoformat()}


def record(conn: sqlite3.Connection, library: RegimeLibrary, spec: ProductSpec, regime_id: str, *,
           destination: Optional[str] = None, end_user_hq: Optional[str] = None, on: Optional[date] = None,
           actor: Optional[str] = None, rationale: Optional[str] = None, supersedes: Optional[int] = None,
           today: Optional[date] = None) -> int:
    """Evaluate and record one determination inside the caller's transaction; returns its id. The
    evaluation date is ``on``, else ``today`` (the caller's clock) clamped into the regime's window."""
    loaded = library.get(regime_id)
    if on is None and today is None:
        raise TypeError("record needs the evaluation date `on` or `today` from the caller's clock")
    day = on or default_date(loaded.regime, today)
    det = determine(spec, loaded, library.countries, destination, end_user_hq, day)
    inputs = evaluation_inputs(spec, loaded.id, loaded.sha256, destination, end_user_hq, day)
    return record_determination(conn, part_number=spec.part_number, regime=loaded.id,
                                classification=det.classification, result=det.to_json(), inputs=inputs,
                                ruleset_sha256=loaded.sha256, actor=actor, rationale=rationale, supersedes=supersedes)


@dataclass(frozen=True)
class ReplayRow:
    id: int
    part_number: str
    regime: str
    status: str  # "same", "different", "ruleset changed", "unknown regime", "unreadable inputs"
    detail: str = ""


def replay(conn: sqlite3.Connection, library: RegimeLibrary) -> list[ReplayRow]:
    out = []
    for det_id, part, regime_id, result_json, inputs_json, sha in conn.execute(
            "SELECT id, part_number, regime, result_json, inputs_json, ruleset_sha256 FROM determinations ORDER BY id"):
        try:
            loaded = library.get(regime_id)
        except UnknownRegime:
            out.append(ReplayRow(det_id, part, regime_id, "unknown regime", f"no regime '{regime_id}' installed"))
            continue
        if loaded.sha256 != sha:
            out.append(ReplayRow(det_id, part, regime_id, "ruleset changed",
                                 f"recorded with {sha[:12]}..., installed {loaded.sha256[:12]}..."))
            continue
        try:
            import json

            inputs = json.loads(inputs_json)
            spec = ProductSpec(**inputs["spec"])
            day = date.fromisoformat(inputs["date"])
            again = determine(spec, loaded, library.countries, inputs.get("destination"), inputs.get("end_user_hq"), day)
        except Exception as exc:  # inputs recorded by an older format or by hand
            out.append(ReplayRow(det_id, part, regime_id, "unreadable inputs", f"{type(exc).__name__}: {exc}"))
            continue
        same = audit.canonical_json(again.to_json()) == result_json
        out.append(ReplayRow(det_id, part, regime_id, "same" if same else "different",
                             "" if same else f"recorded {json.loads(result_json).get('classification')}, "
                                             f"now {again.classification}"))
    return out
