"""A regime's catalog column as plain data: the compiled form the desktop app reads before pydantic.

The catalog column (class, nearest threshold and margin, TPP and PD, licence position with the
company's letters) depends on a product only through a few things: the result of every condition
leaf of the regime and of the letters' criteria, the part-number patterns its names match (the
regime's product flags, the letters' listings) and whether it is model weights (a letter's item
kinds). That tuple is the product's *signature* (as in ``engine.fastpath``); the nearest
threshold, TPP and PD need its own numbers.

``engine.fastpath.column_plan`` compiles a regime (for one date, destination and headquarters)
and a set of letters into a :class:`ColumnPlan`'s plain data (JSON-able: lists, strings, numbers,
booleans); the services fill in the answer of each signature met from the full path (the engine,
then the letters) and keep it in a per-user cache. This module reads that data back without the
engine's models: :func:`from_data` checks every part of it (types, sizes) and returns None for
anything it does not expect, and :meth:`ColumnPlan.column` gives None as soon as a product has a
signature without a stored answer or a figure the plain arithmetic cannot decide. None always
means "ask the full engine"; it never means a guess.

Only the standard library, ``engine.identity`` and ``engine.words`` (both stdlib-only) are imported here.
"""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from operator import eq, ge, gt, le, lt, ne
from collections import namedtuple
from typing import Any, Optional, Sequence

from workbench.engine.identity import identity_key
from workbench.engine.words import MET, NOT_MET

FORMAT = 1
_OPS = {">=": ge, ">": gt, "<": lt, "<=": le, "==": eq, "!=": ne}
# Bounds on what a stored plan may hold (a larger one is not ours: ignored).
MAX_LEAVES = 5_000
MAX_PATTERNS = 2_000
MAX_ANSWERS = 200_000
MAX_TEXT = 2_000
_NA = object()  # a metric the device does not have (planar logic has no performance density)
_NO, _YES, _UNKNOWN = "0", "1", "2"


# Plain named tuples (collections.namedtuple: cheaper to define at import than typing.NamedTuple).
Nearest = namedtuple("Nearest", "id metric op threshold value result margin margin_pct label note",
                     defaults=(None, None, None, None))
Nearest.__doc__ = """The nearest numeric criterion: the same fields, in the same order, as ``engine.conditions.Criterion``."""
Answer = namedtuple("Answer", "classification shown position licence")
Answer.__doc__ = """What the column shows for every product of one signature (from the full path): the class,
the paragraph (or the class when there is none), wording.position_text of the licence position
(English), and (license_required, binding refs, maybe refs) or None when the column shows none."""
Row = namedtuple("Row", "answer nearest tpp pd")


def _is_num(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_text(x: object, empty: bool = True) -> bool:
    return isinstance(x, str) and len(x) <= MAX_TEXT and (empty or bool(x))


def _texts(x: object, limit: int = MAX_PATTERNS) -> bool:
    return isinstance(x, list) and len(x) <= limit and all(_is_text(s) for s in x)


def _leaf_ok(leaf: object, fields: set) -> bool:
    if not isinstance(leaf, list) or len(leaf) != 4 or leaf[1] not in fields:
        return False
    kind, _, a, b = leaf
    if kind == "cmp":
        return a in _OPS and _is_num(b)
    if kind == "flag":
        return isinstance(a, bool) and (b is None or isinstance(b, bool))
    if kind == "in":
        return _texts(a) and b is None
    return False


def _pair_ok(pair: object, fields: set) -> bool:
    return (isinstance(pair, list) and len(pair) == 6 and _is_text(pair[0], False) and pair[1] in fields
            and pair[2] in _OPS and _is_num(pair[3]) and pair[3] != 0 and _is_num(pair[4])
            and (pair[5] is None or _is_text(pair[5])))


def _answer(value: object) -> Optional[Answer]:
    if not isinstance(value, list) or len(value) != 4 or not all(_is_text(v) for v in value[:3]):
        return None
    licence = value[3]
    if licence is not None:
        if not (isinstance(licence, list) and len(licence) == 3 and (licence[0] is None or isinstance(licence[0], bool))
                and _texts(licence[1], 100) and _texts(licence[2], 100)):
            return None
        licence = (licence[0], tuple(licence[1]), tuple(licence[2]))
    return Answer(value[0], value[1], value[2], licence)


class ColumnPlan:
    """A checked plan: evaluates products (plain records) into column rows, or says it cannot."""

    def __init__(self, data: dict, answers: dict[str, Answer]):
        self.data = data
        self.answers = answers
        self.fields: tuple[str, ...] = tuple(data["fields"])
        self.defaults: dict = data["defaults"]
        self.bits: tuple = tuple((f, b) for f, b in data["bits"])
        self.leaves = [(kind, metric, _OPS.get(a) if kind == "cmp" else a, b)
                       for kind, metric, a, b in data["leaves"]]
        self.name_patterns = [tuple(p) for p in data["name_patterns"]]
        self.listings = [tuple(p) for p in data["listings"]]
        self.kinds = bool(data["kinds"])
        self.pairs = [tuple(p) for p in data["pairs"]]

    # --- one product ---------------------------------------------------------------------------
    def _value(self, rec: dict, name: str) -> Any:
        value = rec.get(name)
        return self.defaults.get(name) if value is None else value

    def _tpp(self, rec: dict) -> Optional[float]:
        """As ``fastpath.tpp_of``: declared when trusted, else the best computed, else declared."""
        best = None
        for name, bits in self.bits:
            figure = rec.get(name)
            if figure is not None:
                candidate = figure * bits
                if best is None or candidate > best:
                    best = candidate
        declared = rec.get("tpp")
        if declared is not None and (best is None or self._value(rec, "tpp_basis") == "declared"):
            return declared
        return best

    def _metric(self, rec: dict, name: str, tpp: Optional[float]) -> Any:
        if name == "tpp":
            return tpp
        if name == "performance_density":
            planar = self._value(rec, "non_planar")
            if planar is False:
                return _NA
            die = rec.get("die_area_mm2")
            if planar is None or die is None or tpp is None:
                return None
            return tpp / die
        return self._value(rec, name)

    def signature(self, rec: dict, values: dict) -> str:
        out = []
        for kind, metric, a, b in self.leaves:
            value = values[metric]
            if kind == "cmp":
                out.append(_UNKNOWN if value is None else _NO if value is _NA else (_YES if a(value, b) else _NO))
            elif kind == "flag":
                used = b if value is None else value
                out.append(_UNKNOWN if used is None else (_YES if used == a else _NO))
            else:
                out.append(_YES if value in a else _NO)
        out.append("|")
        if self.name_patterns:
            part, name, vendor = rec.get("part_number"), rec.get("name"), rec.get("vendor")
            names = [part] + ([name] + ([f"{vendor} {name}"] if vendor else []) if name else [])
            keys = [identity_key(n) for n in names]
            out.extend(_YES if any(fnmatchcase(k, p) for p in patterns for k in keys) else _NO
                       for patterns in self.name_patterns)
        out.append("|")
        if self.listings:
            key = identity_key(rec.get("part_number"))
            out.extend(_YES if any(fnmatchcase(key, p) for p in patterns) else _NO for patterns in self.listings)
        out.append("|")
        if self.kinds:
            out.append(_YES if self._value(rec, "product_type") == "model_weights" else _NO)
        return "".join(out)

    def _nearest(self, values: dict) -> tuple[bool, Optional[Nearest]]:
        """(decided, nearest): the first minimum distance in the regime's criteria order."""
        best, best_distance = None, math.inf
        for pair in self.pairs:
            value = values[pair[1]]
            if value is None or value is _NA:
                continue
            distance = abs((value - pair[3]) * pair[4])
            if not math.isfinite(distance):
                return False, None  # overflow: the engine decides this one the slow way
            if best is None or distance < best_distance:
                best, best_distance = (pair, value), distance
        if best is None:
            return True, None
        (owner, metric, op, threshold, per_cent, label), value = best
        margin = value - threshold
        return True, Nearest(owner, metric, op, threshold, value, MET if _OPS[op](value, threshold) else NOT_MET,
                             margin, margin * per_cent, label, None)

    def measure(self, rec: dict) -> tuple[str, bool, Optional[Nearest], Optional[float], Optional[float]]:
        """(signature, nearest decided here, nearest, TPP, PD) of one product (a record as the store holds it)."""
        tpp = self._tpp(rec)
        values = {name: self._metric(rec, name, tpp) for name in self.fields}
        values["tpp"], values["performance_density"] = tpp, self._metric(rec, "performance_density", tpp)
        decided, nearest = self._nearest(values)
        pd = values["performance_density"]
        return self.signature(rec, values), decided, nearest, tpp, (None if pd is _NA else pd)

    def row(self, rec: dict) -> Optional[Row]:
        """The column's row for one product, or None: ask the engine."""
        signature, decided, nearest, tpp, pd = self.measure(rec)
        answer = self.answers.get(signature)
        if answer is None or not decided:
            return None
        return Row(answer, nearest, tpp, pd)

    def column(self, records: Sequence[dict]) -> Optional[list[Row]]:
        """Every product's row, in order; None as soon as one cannot be answered here."""
        out = []
        for rec in records:
            row = self.row(rec)
            if row is None:
                return None
            out.append(row)
        return out


def from_data(data: object, key: dict) -> Optional[ColumnPlan]:
    """A :class:`ColumnPlan` from stored data, or None if anything is unexpected or the key differs."""
    try:
        return _checked(data, key)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return None


def _checked(data: object, key: dict) -> Optional[ColumnPlan]:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    fields = data.get("fields")
    if not (_texts(fields, 200) and isinstance(data.get("defaults"), dict) and len(data["defaults"]) <= 200):
        return None
    if not all(isinstance(k, str) and (v is None or isinstance(v, (str, bool)) or _is_num(v))
               for k, v in data["defaults"].items()):
        return None
    bits = data.get("bits")
    if not (isinstance(bits, list) and len(bits) <= 50 and all(
            isinstance(b, list) and len(b) == 2 and _is_text(b[0], False) and _is_num(b[1]) for b in bits)):
        return None
    known = set(fields) | {"tpp", "performance_density"}
    leaves = data.get("leaves")
    if not (isinstance(leaves, list) and len(leaves) <= MAX_LEAVES and all(_leaf_ok(x, known) for x in leaves)):
        return None
    for name in ("name_patterns", "listings"):
        groups = data.get(name)
        if not (isinstance(groups, list) and len(groups) <= MAX_PATTERNS and all(_texts(g) for g in groups)):
            return None
    if not isinstance(data.get("kinds"), bool):
        return None
    pairs = data.get("pairs")
    if not (isinstance(pairs, list) and len(pairs) <= MAX_LEAVES and all(_pair_ok(p, known) for p in pairs)):
        return None
    stored = data.get("answers")
    if not isinstance(stored, dict) or len(stored) > MAX_ANSWERS:
        return None
    width = len(leaves) + len(data["name_patterns"]) + len(data["listings"]) + int(data["kinds"]) + 3
    answers = {}
    for signature, value in stored.items():
        answer = _answer(value)
        if answer is None or not isinstance(signature, str) or len(signature) != width:
            return None
        answers[signature] = answer
    return ColumnPlan(data, answers)
