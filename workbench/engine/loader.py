"""Reads ruleset files (YAML, safe loader only) into validated Regime models.

Errors name the file, the key path and what was expected. Duplicate keys are refused (PyYAML
would silently keep the last one). The SHA-256 of the file bytes identifies the ruleset in every
determination.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from workbench.engine.conditions import Evaluator, compile_condition
from workbench.engine.ruleset import Regime, Rule
from workbench.errors import UserError

M = TypeVar("M", bound=BaseModel)


class RulesetError(UserError, ValueError):
    """A ruleset file that cannot be used; the message names file, key and expectation."""


@dataclass(frozen=True)
class LoadedRegime:
    regime: Regime
    path: Path
    sha256: str
    draft: bool = False  # a user's what-if copy, never a real regime
    modified: bool = False  # its files differ from the MANIFEST (set by the library that loaded it)

    @property
    def id(self) -> str:
        return self.regime.id

    @cached_property
    def compiled(self) -> "CompiledRegime":
        """Condition trees turned into closures once, reused for every product."""
        return CompiledRegime.build(self.regime)


@dataclass(frozen=True)
class CompiledRegime:
    rules: tuple[tuple[Rule, Evaluator], ...]
    # Product conditions of requirements, review policies and exceptions, by item.
    products: tuple[tuple[object, Evaluator], ...]

    @classmethod
    def build(cls, regime: Regime) -> "CompiledRegime":
        rules = tuple((rule, compile_condition(rule.condition, rule.id)) for rule in regime.rules)
        items = [*regime.licence_requirements, *(p for r in regime.licence_requirements for p in r.review_policies),
                 *regime.licence_exceptions]
        products = tuple((item, compile_condition(item.product, item.id)) for item in items if item.product is not None)
        return cls(rules, products)


# libyaml's safe loader parses the nine rulesets about ten times faster than the pure-Python one
# (0.05 s against 0.6 s of the desktop app's cold start); same safe constructors either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_TAGS = {"all", "any", "not", "metric", "flag", "attribute"}
_HOLDERS = {"condition", "product", "not"}


def _location(loc: tuple) -> str:
    parts = []
    for index, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in _TAGS and index + 1 < len(loc) and (isinstance(loc[index - 1], int) or loc[index - 1] in _HOLDERS):
            continue  # pydantic's union tag, not a key in the file
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def format_validation_error(name: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = _location(err["loc"])
        got = err.get("input")
        shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
        lines.append(f"{name}: {where}: {err['msg']} (got {shown})")
    return "\n".join(lines)


# A ruleset is a few thousand YAML nodes once its aliases are expanded (the largest bundled one
# about 1,100). Anchors and aliases are allowed (the rulesets reuse conditions with them), but
# nested aliases multiply: nine aliases of nine aliases ... eight levels deep is 9^8 = 43 million
# nodes, which took 97 s and 8 GB to build. The expanded count is measured on the composed node
# graph, where an alias is the same node object, before anything is constructed.
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 100
MAX_RULESET_BYTES = 4 * 2**20


def _expanded_size(root: yaml.Node, name: str) -> int:
    """Nodes the document holds once every alias is expanded; refuses a cycle, over-deep nesting
    or over MAX_EXPANDED_NODES. Iterative (no recursion) and linear in the distinct nodes."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(c)] for c in children)
            if size > MAX_EXPANDED_NODES:
                raise RulesetError(f"{name}: line {node.start_mark.line + 1}: more than {MAX_EXPANDED_NODES:,} YAML "
                                   "nodes once aliases are expanded (expected a ruleset of a few thousand; nested "
                                   "anchors and aliases multiply)")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise RulesetError(f"{name}: line {node.start_mark.line + 1}: an alias refers to a node that contains it "
                               "(expected no recursive anchors)")
        if depth > MAX_DEPTH:
            raise RulesetError(f"{name}: line {node.start_mark.line + 1}: nested more than {MAX_DEPTH} levels deep "
                               f"(expected at most {MAX_DEPTH})")
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml_text(text: str, name: str) -> object:
    """YAML from a ruleset, a draft or a rules data file: safe constructors, duplicate keys refused,
    and the expanded size, cycles and depth checked on the node graph before anything is built.
    Raises yaml.YAMLError for bad YAML and RulesetError for the rest (naming ``name``)."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, name)
        return loader.construct_document(node)
    except RecursionError:
        raise RulesetError(f"{name}: nested too deeply to read (expected at most {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()


def parse_data_file(data: bytes, name: str, model: type[M]) -> M:
    """A rules data file (YAML) validated into ``model``: the same YAML safety as a ruleset, and
    every error names the file, the key path and what was expected."""
    try:
        raw = load_yaml_text(data.decode("utf-8"), name)  # alias bombs and deep nesting refused first
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesetError(f"{name}: not valid YAML: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RulesetError(format_validation_error(name, exc)) from None


def parse_regime(data: bytes, name: str) -> Regime:
    if len(data) > MAX_RULESET_BYTES:
        raise RulesetError(f"{name}: {len(data):,} bytes (expected a ruleset of at most {MAX_RULESET_BYTES:,} bytes)")
    try:
        raw = load_yaml_text(data.decode("utf-8"), name)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesetError(f"{name}: not valid YAML: {exc}") from None
    except RecursionError:
        raise RulesetError(f"{name}: nested too deeply to read (expected at most {MAX_DEPTH} levels)") from None
    if not isinstance(raw, dict):
        raise RulesetError(f"{name}: expected a mapping of regime fields at the top level")
    try:
        return Regime.model_validate(raw)
    except ValidationError as exc:
        raise RulesetError(format_validation_error(name, exc)) from None


def load_regime(path: Path, draft: bool = False) -> LoadedRegime:
    data = path.read_bytes()
    regime = parse_regime(data, path.name)
    if not draft and path.stem != regime.id:
        raise RulesetError(f"{path.name}: id '{regime.id}' does not match the file name (expected '{path.stem}')")
    if draft and regime.status != "proposed":
        raise RulesetError(f"{path.name}: status: a draft must have status 'proposed' (got '{regime.status}')")
    return LoadedRegime(regime, path, hashlib.sha256(data).hexdigest(), draft)


def load_all_regimes(folder: Path) -> list[LoadedRegime]:
    """Every ``*.yaml`` regime in a folder, ordered by effective date then id."""
    from workbench.rule_files import is_regime_file  # *.data.yaml holds dated lists, not a regime

    loaded = [load_regime(p) for p in sorted(folder.glob("*.yaml")) if is_regime_file(p.name)]
    ids = [r.id for r in loaded]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RulesetError(f"{folder}: regime ids used twice: {', '.join(sorted(dupes))}")
    return sorted(loaded, key=lambda r: (r.regime.effective_from, r.id))
