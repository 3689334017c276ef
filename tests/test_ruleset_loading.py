"""Ruleset files are data: strict validation with file and key in every error."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine.loader import RulesetError, load_all_regimes, load_regime, parse_regime
from workbench.paths import rulesets_dir

SOURCE = rulesets_dir() / "us-ear-2023-10.yaml"


def _raw() -> dict:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


def _dump(data: dict) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def test_all_bundled_rulesets_load(library):
    ids = [r.id for r in library.regimes]
    starts = [r.regime.effective_from for r in library.regimes]
    assert starts == sorted(starts)
    assert set(ids) == {"us-ear-2022-10", "us-ear-2023-10", "us-ear-2024-12-hbm", "us-ai-diffusion-2025-01",
                        "us-foundry-2025-01", "us-enforced-2025-05", "us-proposed-2025-04", "us-h200-2026-01",
                        "us-d5hq-guidance-2026-05"}
    for loaded in library.regimes:
        assert loaded.regime.sources, loaded.id
        for rule in loaded.regime.rules:
            assert rule.citation.strip(), (loaded.id, rule.id)


def test_unknown_key_is_rejected_with_its_path():
    data = _raw()
    data["rules"][0]["thresold"] = 1
    with pytest.raises(RulesetError) as info:
        parse_regime(_dump(data), "x.yaml")
    assert "x.yaml: rules[0].thresold: Extra inputs are not permitted" in str(info.value)


@pytest.mark.parametrize("bad", ["4800", True, math.nan, math.inf])
def test_threshold_must_be_a_real_number(bad):
    data = _raw()
    data["rules"][0]["condition"]["all"][1]["value"] = bad
    with pytest.raises(RulesetError) as info:
        parse_regime(_dump(data), "x.yaml")
    assert "x.yaml: rules[0].condition.all[1].value" in str(info.value)


def test_unknown_metric_suggests_the_right_one():
    data = _raw()
    data["rules"][0]["condition"]["all"][1]["metric"] = "tpq"
    with pytest.raises(RulesetError, match="did you mean 'tpp'"):
        parse_regime(_dump(data), "x.yaml")


def test_nan_written_as_yaml_is_rejected():
    text = SOURCE.read_text(encoding="utf-8").replace("value: 4800}", "value: .nan}", 1)
    with pytest.raises(RulesetError, match="finite number"):
        parse_regime(text.encode(), "x.yaml")


def test_duplicate_yaml_key_is_rejected():
    text = SOURCE.read_text(encoding="utf-8").replace("jurisdiction: US\n", "jurisdiction: US\njurisdiction: US\n")
    with pytest.raises(RulesetError, match="duplicate key 'jurisdiction'"):
        parse_regime(text.encode(), "x.yaml")


def test_missing_required_field_is_named():
    data = _raw()
    del data["rules"][0]["citation"]
    with pytest.raises(RulesetError, match=r"rules\[0\]\.citation: Field required"):
        parse_regime(_dump(data), "x.yaml")


def test_bad_status_and_group_are_rejected():
    data = _raw()
    data["status"] = "in force"
    data["licence_requirements"][0]["destination"]["groups_any"] = ["D9"]
    with pytest.raises(RulesetError) as info:
        parse_regime(_dump(data), "x.yaml")
    assert "status" in str(info.value) and "unknown country group 'D9'" in str(info.value)


def test_file_name_must_match_id(tmp_path: Path):
    target = tmp_path / "other-name.yaml"
    target.write_bytes(SOURCE.read_bytes())
    with pytest.raises(RulesetError, match="does not match the file name"):
        load_regime(target)


def test_draft_must_be_proposed(tmp_path: Path):
    target = tmp_path / "draft.yaml"
    target.write_bytes(SOURCE.read_bytes())
    with pytest.raises(RulesetError, match="a draft must have status 'proposed'"):
        load_regime(target, draft=True)
    data = _raw()
    data["status"] = "proposed"
    target.write_bytes(_dump(data))
    assert load_regime(target, draft=True).draft is True


def test_overlapping_duplicate_ids_are_rejected():
    data = _raw()
    data["licence_exceptions"][1].pop("valid_from")
    with pytest.raises(RulesetError, match="duplicate licence exception id 'NAC'"):
        parse_regime(_dump(data), "x.yaml")


@settings(max_examples=60, deadline=None)
@given(key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12))
def test_any_unknown_top_level_key_is_rejected(key):
    data = _raw()
    if key in data:
        return
    data[key] = 1
    with pytest.raises(RulesetError, match=key):
        parse_regime(_dump(data), "x.yaml")


def test_hash_is_of_the_file_bytes(tmp_path: Path):
    import hashlib

    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / SOURCE.name).write_bytes(SOURCE.read_bytes())
    loaded = load_all_regimes(folder)[0]
    assert loaded.sha256 == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
