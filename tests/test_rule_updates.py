"""Signed rule updates: every refusal of `update verify`, and adopting and rolling back a bundle
as a new user would (the impact first, then classify on the new rules, then the old answer back)."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from bundle_helpers import lower_3a090a_tpp, make_bundle, rules_members, write_signed, zip_bytes
from minisign_helpers import ThrowawayKey
from workbench.cli import main
from workbench.services.catalog import create_catalog
from workbench.services import regimes as regimes_module
from workbench.services.manifest import rules_current_to, rules_in_use

FLIPS = "NVIDIA-RTX5090D-32GB"  # TPP 4,750: below 4800, at or above 4700


def _file_count() -> int:
    """Every file of the built-in rules folder but its MANIFEST.json."""
    from workbench.paths import builtin_rulesets_dir

    return sum(1 for p in builtin_rulesets_dir().iterdir() if p.is_file() and p.name != "MANIFEST.json")


@pytest.fixture
def key(tmp_path, monkeypatch):
    """A throwaway release key trusted through WORKBENCH_TRUSTED_KEYS, and an empty install folder."""
    key = ThrowawayKey()
    trusted = tmp_path / "trusted.pub"
    trusted.write_text(key.public_text(), encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_TRUSTED_KEYS", str(trusted))
    monkeypatch.setenv("WORKBENCH_RULE_UPDATES", str(tmp_path / "rule-updates"))
    monkeypatch.delenv("WORKBENCH_RULESETS", raising=False)
    regimes_module.bundled_library.cache_clear()
    yield key
    regimes_module.bundled_library.cache_clear()


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(capsys, bundle, reason):
    code, out, err = run(capsys, "update", "verify", str(bundle))
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert reason in err, err
    return err


@pytest.mark.parametrize("prehashed", [True, False], ids=["ED-prehashed", "Ed-legacy"])
def test_verify_prints_signer_sequence_dates_and_file_count(key, tmp_path, capsys, prehashed):
    bundle = make_bundle(tmp_path, key, sequence=3, prehashed=prehashed)
    code, out, err = run(capsys, "update", "verify", str(bundle))
    assert code == 0, err
    for text in (key.id_text, "sequence:          3 (installed: 0)", "2027-01-20T10:00:00Z", "2027-01-15",
                 f"files:             {_file_count()}", hashlib.sha256(bundle.read_bytes()).hexdigest()):
        assert text in out


def test_unknown_key(key, tmp_path, capsys):
    stranger = ThrowawayKey()
    refused(capsys, make_bundle(tmp_path, stranger), f"unknown key {stranger.id_text}")


def test_bad_signature(key, tmp_path, capsys):
    bundle = make_bundle(tmp_path, key)
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    refused(capsys, bundle, "bad signature")


def test_no_signature_file(key, tmp_path, capsys):
    bundle = make_bundle(tmp_path, key)
    bundle.with_name(bundle.name + ".minisig").unlink()
    refused(capsys, bundle, "no signature file")


def test_member_hash_differs_from_manifest(key, tmp_path, capsys):
    def tamper(manifest, members):
        manifest["files"][0]["sha256"] = "0" * 64
    refused(capsys, make_bundle(tmp_path, key, tamper=tamper), "SHA-256 differs from the manifest")


def test_member_size_differs_from_manifest(key, tmp_path, capsys):
    def tamper(manifest, members):
        manifest["files"][0]["size"] += 1
    refused(capsys, make_bundle(tmp_path, key, tamper=tamper), "the manifest says")


def test_zip_member_missing_from_manifest(key, tmp_path, capsys):
    refused(capsys, make_bundle(tmp_path, key, extra={"rulesets/us-extra.yaml": b"id: x\n"}),
            "member 'rulesets/us-extra.yaml' is not in the manifest")


def test_manifest_file_missing_from_zip(key, tmp_path, capsys):
    def tamper(manifest, members):
        del members["rulesets/us-ear-2022-10.yaml"]
    refused(capsys, make_bundle(tmp_path, key, tamper=tamper),
            "'rulesets/us-ear-2022-10.yaml' is in the manifest but missing from the zip")


@pytest.mark.parametrize("path, reason", [("/etc/cron.d/evil", "absolute path"),
                                          ("rulesets/../../evil.yaml", "'..' path"),
                                          ("C:/evil.yaml", "absolute path")])
def test_absolute_or_dotdot_member(key, tmp_path, capsys, path, reason):
    refused(capsys, make_bundle(tmp_path, key, extra={path: b"x"}), reason)


def test_absolute_or_dotdot_path_in_manifest(key, tmp_path, capsys):
    def tamper(manifest, members):
        manifest["files"][0]["path"] = "rulesets/../countries.csv"
    refused(capsys, make_bundle(tmp_path, key, tamper=tamper), "'..' path")


def test_sequence_at_or_below_the_installed_one(key, tmp_path, capsys):
    refused(capsys, make_bundle(tmp_path, key, sequence=0), "sequence 0 is not newer than the installed rules")
    db = create_catalog(tmp_path / "c.sqlite3")
    code, _, err = run(capsys, "update", "apply", str(make_bundle(tmp_path, key, name="s5.zip", sequence=5)), "--db", str(db))
    assert code == 0, err
    refused(capsys, make_bundle(tmp_path, key, name="again.zip", sequence=5), "sequence 5 is not newer")
    refused(capsys, make_bundle(tmp_path, key, name="older.zip", sequence=4), "(bundle 5); expected a sequence above 5")


def test_a_file_failing_the_ruleset_schema(key, tmp_path, capsys):
    def edit(folder):
        path = folder / "us-ear-2023-10.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "surprise_key: 1\n", encoding="utf-8")
    err = refused(capsys, make_bundle(tmp_path, key, edit=edit), "rulesets/us-ear-2023-10.yaml: fails the ruleset schema")
    assert "surprise_key" in err


def test_an_incomplete_bundle_and_other_content(key, tmp_path, capsys):
    def tamper(manifest, members):
        del members["rulesets/countries.csv"]
        manifest["files"] = [f for f in manifest["files"] if f["path"] != "rulesets/countries.csv"]
    refused(capsys, make_bundle(tmp_path, key, tamper=tamper), "no rulesets/countries.csv")
    refused(capsys, make_bundle(tmp_path, key, name="csl.zip", manifest_fields={"content": "screening-list"}),
            "is not a rules bundle")


def test_the_rules_data_travel_with_the_regimes_and_are_checked(key, tmp_path, capsys):
    def drop(manifest, members):
        del members["rulesets/named-lists.data.yaml"]
        manifest["files"] = [f for f in manifest["files"] if f["path"] != "rulesets/named-lists.data.yaml"]
    refused(capsys, make_bundle(tmp_path, key, tamper=drop), "no rulesets/named-lists.data.yaml")

    def break_data(folder):
        (folder / "named-lists.data.yaml").write_text("lists: 5\n", encoding="utf-8")
    refused(capsys, make_bundle(tmp_path, key, name="bad-data.zip", edit=break_data),
            "rulesets/named-lists.data.yaml: fails the ruleset schema")

    def unknown_data(folder):
        (folder / "surprise.data.yaml").write_text("a: 1\n", encoding="utf-8")
    refused(capsys, make_bundle(tmp_path, key, name="unknown-data.zip", edit=unknown_data),
            "unknown rules data file")


def test_a_zip_bomb_is_refused_before_it_is_inflated(key, tmp_path, capsys):
    bomb = b"\0" * (9 * 1024 * 1024)  # inflates to 9 MiB from a few kilobytes
    refused(capsys, make_bundle(tmp_path, key, extra={"rulesets/bomb.yaml": bomb}), "zip bomb")


def test_manifest_that_is_not_json(key, tmp_path, capsys):
    members = rules_members(tmp_path)
    refused(capsys, write_signed(tmp_path / "x.zip", zip_bytes(b"{not json", members), key), "not JSON")


def _audit_rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT action, after_json, ruleset_sha256 FROM audit WHERE action LIKE 'rules.%' "
                            "ORDER BY seq").fetchall()


def _classification(capsys, db, part):
    code, out, err = run(capsys, "classify", "--db", str(db), "--regime", "us-ear-2023-10", "--destination", "CN",
                         "--format", "json")
    assert code == 0, err
    return next(d for d in json.loads(out) if d["part_number"] == part)


def test_adopt_classify_roll_back_and_refuse_a_flipped_byte(key, tmp_path, capsys):
    """Tried as a new user would: impact first, adopt, classify uses it, roll back, tampering refused."""
    db = create_catalog(tmp_path / "catalog.sqlite3", demo=True)
    assert _classification(capsys, db, FLIPS)["classification"] == "not-3A090"
    bundle = make_bundle(tmp_path, key, edit=lower_3a090a_tpp, name="rules-2027-01.zip")

    # 1. The dry run shows which catalog products flip, and writes nothing.
    code, out, err = run(capsys, "update", "apply", str(bundle), "--db", str(db), "--destination", "CN", "--dry-run")
    assert code == 0, err
    assert "1 of 53 catalog products change under the bundle for CN" in out
    line = next(line for line in out.splitlines() if line.startswith(FLIPS))
    assert "us-ear-2023-10" in line and "not 3A090/4A090 / no licence" in line and "3A090.a.1 / licence" in line
    assert "nothing was installed" in out
    assert not (tmp_path / "rule-updates").exists() and _audit_rows(db) == []
    assert rules_in_use().builtin

    # 2. Adopted: every determination uses the bundle, and says so.
    code, out, err = run(capsys, "update", "apply", str(bundle), "--db", str(db), "--destination", "CN")
    assert code == 0, err
    sha = hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert _classification(capsys, db, FLIPS)["classification"] == "3A090.a"
    assert _classification(capsys, db, FLIPS)["ruleset_sha256"] != ""
    used = rules_in_use()
    assert (used.sequence, used.sha256, used.signer, used.modified) == (1, sha, key.id_text, False)
    assert used.label == f"signed rule bundle 1 (SHA-256 {sha})"
    assert str(rules_current_to()) == "2027-01-15"
    assert regimes_module.bundled_library().manifest.summary().startswith("updated by signed bundle 1")
    assert not regimes_module.bundled_library().modified
    code, out, _ = run(capsys, "rulesets", "verify")
    assert code == 0 and "updated by signed bundle 1" in out and "modified" not in out
    code, out, _ = run(capsys, "update", "list")
    assert code == 0 and "signed rule bundle 1" in out and key.id_text in out and "in use" in out
    (action, after, rs_sha), = _audit_rows(db)
    assert action == "rules.update" and rs_sha == sha
    assert json.loads(after) == {"rules": "signed bundle", "sequence": 1, "sha256": sha, "signer": key.id_text}

    # 3. A byte flipped in a newer bundle: refused, and nothing changes.
    newer = make_bundle(tmp_path, key, sequence=2, name="rules-2027-02.zip")
    data = bytearray(newer.read_bytes())
    data[100] ^= 0x01
    newer.write_bytes(bytes(data))
    state = (tmp_path / "rule-updates" / "state.json").read_bytes()
    code, _, err = run(capsys, "update", "apply", str(newer), "--db", str(db))
    assert code == 2 and "bad signature" in err
    assert (tmp_path / "rule-updates" / "state.json").read_bytes() == state
    assert len(_audit_rows(db)) == 1 and rules_in_use().sequence == 1

    # 4. Rolled back: the old answer returns, audited.
    code, out, err = run(capsys, "update", "rollback", "--db", str(db))
    assert code == 0 and "the built-in rules" in out, err
    assert _classification(capsys, db, FLIPS)["classification"] == "not-3A090"
    assert rules_in_use().builtin and str(rules_current_to()) != "2027-01-15"
    assert [r[0] for r in _audit_rows(db)] == ["rules.update", "rules.rollback"]
    code, _, err = run(capsys, "update", "rollback", "--db", str(db))
    assert code == 2 and "nothing to roll back" in err


def test_rollback_returns_to_the_previous_bundle(key, tmp_path, capsys):
    db = create_catalog(tmp_path / "catalog.sqlite3", demo=True)
    for seq in (1, 2):
        code, _, err = run(capsys, "update", "apply", str(make_bundle(tmp_path, key, sequence=seq, name=f"r{seq}.zip")),
                           "--db", str(db))
        assert code == 0, err
    assert rules_in_use().sequence == 2
    code, out, _ = run(capsys, "update", "rollback", "--db", str(db))
    assert code == 0 and "now uses signed rule bundle 1" in out
    assert rules_in_use().sequence == 1 and not rules_in_use().modified


def test_an_edited_installed_bundle_shows_as_modified(key, tmp_path, capsys):
    db = create_catalog(tmp_path / "catalog.sqlite3", demo=True)
    assert run(capsys, "update", "apply", str(make_bundle(tmp_path, key)), "--db", str(db))[0] == 0
    folder = rules_in_use().folder
    (folder / "us-ear-2022-10.yaml").write_text("# edited\n", encoding="utf-8")
    regimes_module.bundled_library.cache_clear()
    assert rules_in_use().modified and rules_in_use().label.endswith("(modified)")
    assert "us-ear-2022-10" in regimes_module.bundled_library().modified


def test_release_keys_ship_two_public_keys_and_no_private_key(monkeypatch):
    from workbench.io.minisign import read_public_keys
    from workbench.paths import resources_dir
    from workbench.services.rule_updates import trusted_keys

    monkeypatch.delenv("WORKBENCH_TRUSTED_KEYS", raising=False)
    folder = resources_dir() / "release-keys"
    files = sorted(folder.iterdir())
    assert [p.suffix for p in files] == [".pub", ".pub"]
    shipped = [k for p in files for k in read_public_keys(p)]
    assert len({k.key_id for k in shipped}) == 2
    assert [k.key_id for k in trusted_keys()] == [k.key_id for k in shipped]
    for path in files:  # a minisign secret key file says so in its comment, and is longer
        assert "secret" not in path.read_text().lower() and len(path.read_text().splitlines()) == 2


def test_trusted_keys_file_replaces_the_release_keys(tmp_path, monkeypatch):
    from workbench.services.rule_updates import trusted_keys

    a, b = ThrowawayKey(), ThrowawayKey()
    (tmp_path / "keys.pub").write_text(a.public_text() + b.public_text(), encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_TRUSTED_KEYS", str(tmp_path / "keys.pub"))
    assert [k.id_text for k in trusted_keys()] == [a.id_text, b.id_text]


@pytest.mark.skipif(__import__("shutil").which("minisign") is None, reason="Debian's minisign is not installed")
def test_a_bundle_built_by_update_build_and_signed_by_the_real_minisign(tmp_path, monkeypatch, capsys):
    """The release procedure of the README: `workbench update build`, then one minisign command."""
    import shutil
    import subprocess

    from workbench.paths import builtin_rulesets_dir

    monkeypatch.setenv("WORKBENCH_RULE_UPDATES", str(tmp_path / "rule-updates"))
    pub, sec = tmp_path / "release.pub", tmp_path / "release.key"
    subprocess.run(["minisign", "-G", "-W", "-p", str(pub), "-s", str(sec)], check=True, capture_output=True)
    monkeypatch.setenv("WORKBENCH_TRUSTED_KEYS", str(pub))
    folder = tmp_path / "rules"
    shutil.copytree(builtin_rulesets_dir(), folder)
    bundle = tmp_path / "rules-2027-01.zip"
    code, _, err = run(capsys, "update", "build", str(folder), "--sequence", "7", "--rules-current-to", "2027-01-15",
                       "--out", str(bundle))
    assert code == 0, err
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(bundle), "-t", "rules 2027-01, sequence 7"],
                   check=True, capture_output=True)
    code, out, err = run(capsys, "update", "verify", str(bundle))
    assert code == 0, err
    assert "sequence:          7" in out and "rules 2027-01, sequence 7" in out and f"files:             {_file_count()}" in out


def test_a_failed_switch_leaves_rules_and_catalog_as_they_were(key, tmp_path, capsys, monkeypatch):
    from workbench.services import rule_updates

    db = create_catalog(tmp_path / "catalog.sqlite3", demo=True)
    assert run(capsys, "update", "list")[0] == 0

    def disk_full(installed):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rule_updates, "_write_state", disk_full)
    code, _, err = run(capsys, "update", "apply", str(make_bundle(tmp_path, key)), "--db", str(db))
    assert code == 3 and "No space left on device" in err and "unchanged" in err
    assert _audit_rows(db) == [] and rules_in_use().builtin
    assert list((tmp_path / "rule-updates" / "bundles").iterdir()) == []  # the unpacked copy is gone too


def test_an_unreadable_state_file_falls_back_to_the_built_in_rules_and_says_so(key, tmp_path, capsys):
    db = create_catalog(tmp_path / "catalog.sqlite3", demo=True)
    assert run(capsys, "update", "apply", str(make_bundle(tmp_path, key)), "--db", str(db))[0] == 0
    (tmp_path / "rule-updates" / "state.json").write_text("{half a file", encoding="utf-8")
    regimes_module.bundled_library.cache_clear()
    assert rules_in_use().builtin
    code, out, err = run(capsys, "update", "list")
    assert code == 0 and "built-in rules" in out and "state.json is unreadable" in err
