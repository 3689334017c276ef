"""Rulesets and what-if drafts under hostile input: a YAML alias bomb (nested anchors, 9^8 nodes)
once ran ``workbench regimes`` for 97 s and 8 GB and hung the GUI at start as a draft. It is now
refused from the composed node graph, before anything is built. The bombs run in a child process
under a memory limit, so a regression fails the test instead of exhausting the machine."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from workbench.engine.loader import MAX_DEPTH, MAX_EXPANDED_NODES, RulesetError, load_regime, parse_regime
from workbench.paths import rulesets_dir


def condition_bomb(levels: int = 8, fan: int = 9) -> str:
    """An ``any`` of nine aliases of an ``any`` of nine aliases ...: fan**levels comparisons once expanded."""
    text = '&c0 {metric: tpp, op: ">=", value: 1}'
    for k in range(1, levels + 1):
        text = f"&c{k} {{any: [{text}, " + ", ".join([f"*c{k - 1}"] * (fan - 1)) + "]}"
    return text


def alias_bomb(levels: int = 8, fan: int = 9) -> str:
    """A valid ruleset whose first rule's condition is the bomb (so validation would walk all of it)."""
    import yaml

    data = yaml.safe_load((rulesets_dir() / "us-ear-2022-10.yaml").read_text(encoding="utf-8"))
    data["id"] = "bomb"
    data["status"] = "proposed"
    data["rules"][0]["condition"] = "BOMB_HERE"
    return yaml.safe_dump(data, sort_keys=False, width=10**6).replace("BOMB_HERE", condition_bomb(levels, fan))


_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    from pathlib import Path
    from workbench.engine.loader import RulesetError, load_regime
    try:
        load_regime(Path(sys.argv[1]), draft=sys.argv[2] == "draft")
    except RulesetError as exc:
        print(exc)
        sys.exit(2)
    print("loaded")
""")


@pytest.mark.parametrize("kind", ["ruleset", "draft"])
def test_an_alias_bomb_is_refused_before_anything_is_built(tmp_path, kind):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), kind], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-400:]
    assert done.stdout.strip() == (
        f"bomb.yaml: line 26: more than {MAX_EXPANDED_NODES:,} YAML nodes once aliases are expanded (expected a "
        "ruleset of a few thousand; nested anchors and aliases multiply)")


def test_a_recursive_alias_is_refused():
    with pytest.raises(RulesetError, match="an alias refers to a node that contains it"):
        parse_regime(b"a: &a [1, *a]\n", "loop.yaml")


def test_deep_nesting_is_refused_with_its_line():
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(RulesetError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_regime(text.encode(), "deep.yaml")


def test_very_deep_nesting_never_raises_recursion_error():
    text = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(RulesetError):
        parse_regime(text.encode(), "deeper.yaml")


def test_the_bundled_rulesets_with_their_anchors_still_load():
    for path in sorted(rulesets_dir().glob("*.yaml")):
        if not path.name.endswith(".data.yaml"):  # data files, not regimes
            load_regime(path)


def test_expansion_is_measured_exactly():
    import yaml

    from workbench.engine.loader import _expanded_size, _UniqueKeyLoader

    loader = _UniqueKeyLoader("x: " + condition_bomb(levels=2, fan=3))
    node = loader.get_single_node()
    loader.dispose()
    leaf = 1 + 6  # a mapping of three pairs
    one = 1 + 1 + (1 + 3 * leaf)  # {any: [leaf, *c0, *c0]}: the mapping, its key, the list
    two = 1 + 1 + (1 + 3 * one)
    assert _expanded_size(node, "x") == 1 + 1 + two
    assert isinstance(node, yaml.MappingNode)


def _modified_rulesets(tmp_path):
    import shutil

    copy = tmp_path / "rulesets"
    if copy.is_dir():
        return copy
    shutil.copytree(rulesets_dir(), copy)
    path = copy / "us-ear-2023-10.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    return copy


def _run(tmp_path, *argv):
    import os
    from pathlib import Path

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WORKBENCH_RULESETS": str(_modified_rulesets(tmp_path)),
           "PYTHONPATH": str(Path(__file__).parents[1]), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "workbench", *argv], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)


WARNING = ("warning: ruleset us-ear-2023-10 is modified (its file differs from rulesets/MANIFEST.json): results "
           "computed from it are not the published rules (see: workbench rulesets verify)")


def test_classify_and_compare_say_when_a_ruleset_is_modified(tmp_path):
    import json

    done = _run(tmp_path, "classify", "--demo", "--regime", "us-ear-2023-10", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert WARNING in done.stderr.splitlines()
    items = json.loads(done.stdout)
    assert items and all(i["rules_modified"] == ["us-ear-2023-10"] for i in items)
    done = _run(tmp_path, "classify", "--demo", "--regime", "us-ear-2022-10", "--format", "json")
    assert "warning" not in done.stderr and all(i["rules_modified"] == [] for i in json.loads(done.stdout))
    done = _run(tmp_path, "compare", "--demo", "--from", "us-ear-2022-10", "--to", "us-ear-2023-10", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert WARNING in done.stderr.splitlines() and json.loads(done.stdout)["rules_modified"] == ["us-ear-2023-10"]


def test_memo_and_export_say_when_a_ruleset_is_modified(tmp_path):
    from catalog_helpers import fresh_catalog

    fresh_catalog(tmp_path).close()
    db = str(tmp_path / "catalog.db")
    done = _run(tmp_path, "export", "--out", str(tmp_path / "w.xlsx"), "--db", db)
    assert done.returncode == 0, done.stderr
    assert WARNING in done.stderr.splitlines()
    done = _run(tmp_path, "memo", "--product", "NVIDIA-H100-SXM5-80GB", "--regime", "us-ear-2023-10",
                "--out", str(tmp_path / "m.pdf"), "--db", db)
    assert done.returncode == 0, done.stderr
    assert WARNING in done.stderr.splitlines()
    done = _run(tmp_path, "memo", "--product", "NVIDIA-H100-SXM5-80GB", "--regime", "us-ear-2022-10",
                "--out", str(tmp_path / "m2.pdf"), "--db", db)
    assert done.returncode == 0 and "warning: ruleset" not in done.stderr


@pytest.mark.parametrize("parse", ["workbench.engine.named_lists:parse_named_lists",
                                   "workbench.engine.ledgers.limits:parse_limits"])
def test_the_rules_data_files_refuse_an_alias_bomb_too(parse):
    import importlib

    module, name = parse.split(":")
    function = getattr(importlib.import_module(module), name)
    with pytest.raises(RulesetError, match="YAML nodes once aliases are expanded"):
        function(("x: " + condition_bomb()).encode(), "data.yaml")
