"""engine.governance: which regimes are in force, enforced, as enforced and checked on a date
(one definition for memos, workbooks, comparisons and deals), with each window's exact edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from workbench.engine.governance import (as_enforced, checked_on, enforced_on, history_kind, in_force,
                                         is_enforced_on, latest_enforced)
from workbench.services.classify import Classifier


def test_window_edges_from_inclusive_to_exclusive(library):
    r = library.get("us-ear-2023-10")
    start, end = r.regime.effective_from, r.regime.effective_to
    assert not in_force(r, start - timedelta(days=1)) and in_force(r, start)
    assert in_force(r, end - timedelta(days=1)) and not in_force(r, end)


def test_enforced_excludes_proposed_codified_only_and_drafts(library):
    day = date(2026, 6, 15)
    ids = {r.id for r in enforced_on(library.regimes, day)}
    assert {"us-foundry-2025-01", "us-h200-2026-01", "us-d5hq-guidance-2026-05"} <= ids
    assert "us-proposed-2025-04" not in ids and "us-ai-diffusion-2025-01" not in ids
    assert "us-enforced-2025-05" not in ids  # superseded on 2026-01-15
    draft = replace(library.get("us-h200-2026-01"), draft=True)
    assert not is_enforced_on(draft, day)
    assert history_kind(library.get("us-ai-diffusion-2025-01"), day) == "not enforced"
    assert history_kind(library.get("us-ear-2022-10"), day) == "superseded"
    assert history_kind(library.get("us-proposed-2025-04"), day) == "proposed"
    assert history_kind(library.get("us-h200-2026-01"), day) is None


def test_latest_enforced_for_exporters_and_checked_regimes(library):
    assert latest_enforced(library.regimes, date(2026, 6, 15)).id == "us-d5hq-guidance-2026-05"
    assert latest_enforced(library.regimes, date(2026, 1, 14)).id == "us-enforced-2025-05"
    assert latest_enforced(library.regimes, date(2022, 10, 20)) is None
    checked = {r.id for r in checked_on(library.regimes, date(2025, 6, 1))}
    assert "us-ai-diffusion-2025-01" in checked and "us-proposed-2025-04" not in checked
    assert as_enforced(library.get("us-ai-diffusion-2025-01"), library.regimes).id == "us-enforced-2025-05"


def test_the_screening_hook_joins_every_position(library):
    from workbench.engine.spec import ProductSpec

    seen = []

    def screen(position):
        seen.append(position.part_number)
        return "no match"

    classifier = Classifier(library.countries, "CN", None, None, None, screen, today=date(2026, 12, 1))
    pos = classifier.position(ProductSpec(part_number="X-1", fp8_tflops=300.0), library.get("us-h200-2026-01"))
    assert pos.screening == "no match" and seen == ["X-1"] and pos.to_json()["screening"] == "no match"
    assert pos.to_json()["letters_applied"] is False
