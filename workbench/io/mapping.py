"""Deciding what becomes of every source column: mapped to a template field, ignored, or held
until the user says ("probably fp16_tflops: map it?").

Recognition (workbench.io.headers) proposes; the user's choices (``--map``, ``--ignore``, a
mapping file or a saved GUI profile) decide. Nothing is dropped silently: a column that looks
like a template field (a near-match header, or numbers with a template unit) blocks until it is
mapped or ignored; a clearly foreign column (price, owner) is listed and does not block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from workbench.engine.spec import TEMPLATE_FIELDS, THROUGHPUT_BIT_LENGTH
from workbench.errors import UserError
from workbench.io.headers import (ALIAS, EXACT, FAMILY_FIELDS, NONE, PROBABLE, UNITS, HeaderMatch, clean,
                                  recognise, show_unit, _check_unit)

# Column statuses. BLOCKING and REFUSED stop an import until the user maps or ignores the column.
MAPPED, CHOSEN, IGNORED, FOREIGN, BLOCKING, REFUSED = "mapped", "chosen", "ignored", "foreign", "blocking", "refused"
IGNORE = "ignore"  # the field name a user gives to ignore a column

Choices = dict[str, Optional[str]]  # clean(header) -> field, or None to ignore the column
SAMPLE_ROWS = 50
_NUMBER_AND_UNIT = re.compile(r"^\s*[+-]?[\d.,]+(?:[eE][+-]?\d+)?\s*([^\d\s.,][^\d]*?)\s*$")


class MappingError(UserError, ValueError):
    """A --map/--ignore/--mapping choice that cannot be used (unknown field, unreadable file)."""


@dataclass(frozen=True)
class ColumnPlan:
    index: int  # 0-based column
    header: str
    match: HeaderMatch
    field: Optional[str]  # the field the column is written to (None: not written)
    status: str
    message: str = ""  # why it blocks or was ignored (one line, names the header)
    suggestion: Optional[str] = None  # the probable field
    samples: tuple[str, ...] = ()
    factor: float = 1.0
    note: Optional[str] = None

    @property
    def confidence(self) -> str:
        return self.match.confidence


def choice_key(header: str) -> str:
    return clean(str(header))


def make_choices(maps: list[str] = (), ignores: list[str] = (), file_choices: Optional[dict] = None) -> Choices:
    """``--map "HEADER=field"`` (repeatable), ``--ignore "HEADER"`` and a mapping file's
    {header: field or "ignore"} -> Choices. Raises MappingError naming the bad option."""
    choices: Choices = {}
    for header, target in (file_choices or {}).items():
        choices[choice_key(header)] = _field(str(target) if target is not None else IGNORE, f"mapping for '{header}'")
    for item in maps:
        header, sep, target = str(item).rpartition("=")
        if not sep or not header.strip():
            raise MappingError(f"--map {item!r}: expected HEADER=field (e.g. --map \"FP16 算力 (TFLOPS)=fp16_tflops\")")
        choices[choice_key(header)] = _field(target.strip(), f"--map {item!r}")
    for header in ignores:
        choices[choice_key(header)] = None
    return choices


def _field(name: str, where: str) -> Optional[str]:
    if name.lower() in (IGNORE, "ignored", "none", "-", ""):
        return None
    if name not in TEMPLATE_FIELDS:
        raise MappingError(f"{where}: '{name}' is not a template field (expected one of {', '.join(TEMPLATE_FIELDS)}, "
                           "or 'ignore')")
    return name


def read_mapping_file(path) -> Choices:
    """A YAML (or JSON) file {header: field | ignore}, optionally under a 'columns' key."""
    import yaml
    from pathlib import Path

    p = Path(path)
    try:
        if p.stat().st_size > 1 << 20:
            raise MappingError(f"{p}: mapping file over 1 MiB (expected a short list of header: field lines)")
        text = p.read_text(encoding="utf-8-sig")
        # No anchors or aliases: a mapping file is a short list, and aliases can expand exponentially.
        if any(isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None) for ev in yaml.parse(text)):
            raise MappingError(f"{p}: YAML anchors and aliases are not accepted in a mapping file (expected plain "
                               "'header: field' lines)")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{p}: cannot read the mapping file ({exc})") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{p}: not a YAML mapping file ({str(exc).splitlines()[0]}; expected header: field lines)") \
            from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise MappingError(f"{p}: expected lines 'header: field' (or 'header: ignore')")
    return make_choices(file_choices=data)


def samples_of(table, index: int, count: int = 3) -> tuple[str, ...]:
    """The first few non-empty values of a column (looked for in the first rows only)."""
    out: list[str] = []
    for _, cells in table.rows[:SAMPLE_ROWS * 4]:
        if index < len(cells) and cells[index] not in (None, ""):
            v = cells[index]
            out.append(f"{v:g}" if isinstance(v, float) else str(v))
            if len(out) == count:
                break
    return tuple(out)


def _unit_in_cells(table, index: int) -> Optional[str]:
    """The template unit most cells of a column carry ("700 GB/s"), if they do."""
    seen = hits = 0
    unit_seen: dict[str, int] = {}
    for _, cells in table.rows[:SAMPLE_ROWS]:
        v = cells[index] if index < len(cells) else None
        if v in (None, ""):
            continue
        seen += 1
        if isinstance(v, str) and (m := _NUMBER_AND_UNIT.match(v)):
            unit = clean(m.group(1)).replace(" ", "")
            if unit in UNITS and UNITS[unit][0] in FAMILY_FIELDS:
                hits += 1
                unit_seen[unit] = unit_seen.get(unit, 0) + 1
    if seen and hits * 2 >= seen:
        return max(unit_seen, key=unit_seen.__getitem__)
    return None


def plan_columns(table, choices: Optional[Choices] = None) -> list[ColumnPlan]:
    """One ColumnPlan per non-empty header cell, in sheet order."""
    choices = choices or {}
    plans: list[ColumnPlan] = []
    for index, raw in enumerate(table.header):
        if raw is None or str(raw).strip() == "":
            continue
        header = f"{raw:g}" if isinstance(raw, float) else str(raw)
        match = recognise(header)
        key = choice_key(header)
        if key in choices:
            plans.append(_chosen(table, index, header, match, choices[key]))
            continue
        plans.append(_recognised(table, index, header, match))
    # A sparse column next to a dense column of the same precision is a supplement: ignored, said so.
    given = {p.field for p in plans if p.field is not None}
    for i, p in enumerate(plans):
        if p.status == BLOCKING and p.match.sparse and p.suggestion in given:
            plans[i] = ColumnPlan(p.index, p.header, p.match, None, IGNORED,
                                  f"column '{p.header}' holds sparse figures; {p.suggestion} comes from the dense "
                                  "column (TPP uses dense figures)", p.suggestion, p.samples)
    return plans


def _chosen(table, index: int, header: str, match: HeaderMatch, target: Optional[str]) -> ColumnPlan:
    samples = samples_of(table, index)
    if target is None:
        return ColumnPlan(index, header, match, None, IGNORED, f"column '{header}' ignored as you chose",
                          match.field, samples)
    factor, note, problem = _check_unit(header, target, match.unit)
    if problem:
        return ColumnPlan(index, header, match, None, REFUSED, problem, target, samples)
    if match.sparse and target in THROUGHPUT_BIT_LENGTH:
        note = "; ".join(filter(None, [note, f"column '{header}' is marked sparse and was mapped to the dense field "
                                             f"{target} as you chose (TPP uses dense figures)"]))
    return ColumnPlan(index, header, match, target, CHOSEN, "", target, samples, factor, note)


def _recognised(table, index: int, header: str, match: HeaderMatch) -> ColumnPlan:
    samples = samples_of(table, index)
    if match.problem:
        return ColumnPlan(index, header, match, None, REFUSED, match.problem, match.field, samples)
    if match.mapped:
        return ColumnPlan(index, header, match, match.field, MAPPED, "", match.field, samples, match.factor, match.note)
    if match.confidence == PROBABLE:
        return ColumnPlan(index, header, match, None, BLOCKING, _ask(header, match.field, match.reason),
                          match.field, samples)
    unit = _unit_in_cells(table, index) if match.unit is None else None
    if unit is not None:
        candidates = FAMILY_FIELDS[UNITS[unit][0]]
        guess = candidates[0] if len(candidates) == 1 else None
        why = f"its cells hold figures in {show_unit(unit)}" + ("" if guess else f": one of {', '.join(candidates)}")
        return ColumnPlan(index, header, match, None, BLOCKING, _ask(header, guess, why), guess, samples)
    return ColumnPlan(index, header, match, None, FOREIGN, f"column '{header}' is not in the template, ignored",
                      None, samples)


def _ask(header: str, field: Optional[str], reason: str) -> str:
    if field:
        return (f"column '{header}' is probably {field} ({reason}): map it? (expected --map \"{header}={field}\" "
                f"or --ignore \"{header}\")")
    return (f"column '{header}' looks like a template figure ({reason}): map it? (expected --map \"{header}=FIELD\" "
            f"or --ignore \"{header}\")")


__all__ = ["ColumnPlan", "Choices", "MappingError", "make_choices", "read_mapping_file", "plan_columns", "choice_key",
           "MAPPED", "CHOSEN", "IGNORED", "FOREIGN", "BLOCKING", "REFUSED", "IGNORE", "EXACT", "ALIAS", "NONE"]
