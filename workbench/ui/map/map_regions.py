"""Regions of the TPP x PD plane, derived from a regime's rule thresholds (Qt-free).

A rule for ICs/boards whose top-level ``all`` bounds TPP and/or performance density gives one
rectangle labelled with its paragraph (3A090.a.1, 3A090.a.2, the 3A090.b bands ...). Review
policies with a product window on TPP (the 2026 case-by-case window) give a band. Other numeric
tests of the same rule (interconnect, DRAM bandwidth) are listed in the region's note, since the
map cannot show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from workbench.engine.conditions import All, Compare, OneOf
from workbench.engine.loader import LoadedRegime
from workbench.wording import METRIC_SHORT, OPS
from workbench.ui.support import engine_text as et
from workbench.ui.support.i18n import tr

_SHORT = METRIC_SHORT["en"]


@dataclass(frozen=True)
class Region:
    label: str
    kind: str  # "rule" | "window"
    tpp_lo: Optional[float] = None
    tpp_hi: Optional[float] = None
    pd_lo: Optional[float] = None
    pd_hi: Optional[float] = None
    note: str = ""


def _bounds(leaves) -> tuple[dict, list[str], bool]:
    b: dict[str, Optional[float]] = {"tpp_lo": None, "tpp_hi": None, "pd_lo": None, "pd_hi": None}
    notes: list[str] = []
    chip = True
    for leaf in leaves:
        if isinstance(leaf, OneOf) and leaf.attribute == "product_type":
            chip = bool({"ic", "board"} & set(leaf.one_of))
        if not isinstance(leaf, Compare):
            continue
        short = {"tpp": "tpp", "performance_density": "pd"}.get(leaf.metric)
        if short is None:
            name = et.metric_name(leaf.metric, _SHORT.get(leaf.metric, leaf.metric))
            notes.append(f"{name} {OPS.get(leaf.op, leaf.op)} {leaf.value:,.6g}")
            continue
        side = "lo" if leaf.op in (">=", ">") else "hi" if leaf.op in ("<", "<=") else None
        if side:
            b[f"{short}_{side}"] = leaf.value
    return b, notes, chip


def regions(loaded: LoadedRegime) -> list[Region]:
    out: list[Region] = []
    seen: set[str] = set()
    reg = loaded.regime
    for rule in reg.rules:
        cond = rule.condition
        leaves = cond.all if isinstance(cond, All) else [cond]
        b, notes, chip = _bounds(leaves)
        if not chip or all(v is None for v in b.values()) or rule.paragraph in seen:
            continue
        seen.add(rule.paragraph)
        if len(leaves) != sum(1 for x in leaves if isinstance(x, (Compare, OneOf))) and any(
                not isinstance(x, (Compare, OneOf)) and x.__class__.__name__ != "Flag" for x in leaves):
            notes.append(tr("further conditions"))
        out.append(Region(rule.paragraph, "rule", note=", ".join(notes), **b))
    for req in reg.licence_requirements:
        for pol in req.review_policies:
            if pol.product is None:
                continue
            cond = pol.product
            b, notes, _ = _bounds(cond.all if isinstance(cond, All) else [cond])
            if b["tpp_hi"] is None and b["tpp_lo"] is None:
                continue
            label = f"{pol.policy.replace('_', '-')} window ({pol.id})"
            out.append(Region(label, "window", note=", ".join(notes), **b))
    return out
