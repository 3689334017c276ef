"""What-if drafts (Qt-free): a copy of a regime's ruleset with status "proposed", saved in the
user's data folder and loaded with ``load_regime(path, draft=True)``. Its id starts with
``draft-`` and its title with ``DRAFT``, and every view labels it DRAFT, so it is never taken
for a real regime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.engine import LoadedRegime, load_regime


@dataclass
class Threshold:
    owner: str  # rule / policy / exception id
    metric: str
    op: str
    leaf: dict  # the YAML mapping holding ``value`` (shared when the file used an anchor)

    @property
    def value(self) -> float:
        return float(self.leaf["value"])


def _walk(node, owner: str, out: list[Threshold], seen: set[int]) -> None:
    if isinstance(node, dict):
        owner = node.get("id", owner) if isinstance(node.get("id"), str) else owner
        if "metric" in node and "op" in node and "value" in node:
            if id(node) not in seen:
                seen.add(id(node))
                out.append(Threshold(owner, node["metric"], node["op"], node))
            return
        for key, value in node.items():
            if key not in ("sources", "interpretations"):
                _walk(value, owner, out, seen)
    elif isinstance(node, list):
        for value in node:
            _walk(value, owner, out, seen)


class Draft:
    """An editable draft: the ruleset as data, its thresholds, and the file it is saved to."""

    def __init__(self, data: dict, path: Path, base_id: str):
        self.data, self.path, self.base_id = data, path, base_id
        self.thresholds: list[Threshold] = []
        _walk(data.get("rules", []), "", self.thresholds, set())
        seen = {id(t.leaf) for t in self.thresholds}
        for key in ("licence_requirements", "licence_exceptions"):
            _walk(data.get(key, []), "", self.thresholds, seen)

    @property
    def id(self) -> str:
        return self.data["id"]

    @classmethod
    def from_regime(cls, base: LoadedRegime, folder: Path) -> "Draft":
        data = yaml.safe_load(base.path.read_text(encoding="utf-8"))
        folder.mkdir(parents=True, exist_ok=True)
        n = 1
        while (folder / f"draft-{base.id}-{n}.yaml").exists():
            n += 1
        new_id = f"draft-{base.id}-{n}"
        data.update(id=new_id, title=f"DRAFT what-if copy of {base.id}: {data.get('title', '')}",
                    status="proposed", enforced=False)
        return cls(data, folder / f"{new_id}.yaml", base.id)

    @classmethod
    def open(cls, path: Path) -> "Draft":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(data, path, str(data.get("id", "")).removeprefix("draft-").rsplit("-", 1)[0])

    def set_threshold(self, k: int, value: float) -> None:
        self.thresholds[k].leaf["value"] = float(value)

    def save(self) -> LoadedRegime:
        """Write the YAML atomically and load it back as a draft (validated like any ruleset)."""
        text = f"# DRAFT what-if copy of {self.base_id}, made in the desktop app. Not a real regime.\n"
        text += yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=120)
        tmp = self.path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)
        return load_regime(self.path, draft=True)
