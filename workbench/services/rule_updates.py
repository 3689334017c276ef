"""Signed rule updates for offline laptops: verify a bundle, show its impact, adopt it, roll back.

A release signs a rules bundle (workbench.io.rules_bundle) with minisign. Here:

- :func:`verify_bundle` checks it against the trusted release keys (``resources/release-keys/``,
  or ``WORKBENCH_TRUSTED_KEYS``), its sequence against the installed one (the built-in rules are
  sequence 0) and every file against the ruleset schema, and returns the bundle's regimes;
- :func:`impact` lists every catalog product whose classification or licence position changes,
  per regime, before -> after;
- :func:`install` writes the rules into ``rule-updates/bundles/<sequence>-<sha>/`` in the user's
  data folder and then switches ``state.json`` with one atomic rename, inside the catalog
  transaction that records the audit entry (sequence, SHA-256, signer): either both happen or
  neither;
- :func:`rollback` returns to the previous bundle or the built-in rules, audited the same way.

From then on :func:`workbench.paths.rulesets_dir` (and so every determination) reads the
installed bundle; :func:`workbench.services.manifest.rules_in_use` names it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.errors import StorageError, UserError
from workbench.io.atomic import atomic_write
from workbench.io.minisign import PublicKey, read_public_keys
from workbench.io.rules_bundle import INSTALLED_MANIFEST, Bundle, BundleError, read_bundle
from workbench.paths import RULE_UPDATES_STATE, installed_bundle_state, resources_dir, rule_updates_dir
from workbench.services.manifest import RulesInUse, rules_in_use  # noqa: F401  (re-exported: one place to ask)

if TYPE_CHECKING:
    from workbench.engine import ProductSpec
    from workbench.services.regimes import RegimeLibrary

TRUSTED_KEYS_ENV = "WORKBENCH_TRUSTED_KEYS"
AUDIT_APPLY, AUDIT_ROLLBACK = "rules.update", "rules.rollback"


class RuleUpdateError(UserError):
    """A rule update that cannot be adopted (or nothing to roll back)."""


class RuleUpdateStorageError(StorageError):
    """The rule-update folder could not be written; the rules in use are unchanged."""


def trusted_keys() -> list[PublicKey]:
    """The release public keys: ``WORKBENCH_TRUSTED_KEYS`` (a file of one or more minisign
    public keys) when set, else every ``*.pub`` in ``resources/release-keys/``."""
    override = os.environ.get(TRUSTED_KEYS_ENV)
    if override:
        return read_public_keys(Path(override))
    keys: list[PublicKey] = []
    for path in sorted((resources_dir() / "release-keys").glob("*.pub")):
        keys.extend(read_public_keys(path))
    return keys


@dataclass(frozen=True)
class InstalledBundle:
    sequence: int
    sha256: str
    signer: str
    folder: str
    installed_at: str
    created: str
    rules_current_to: str
    notes: str = ""
    file: str = ""

    @classmethod
    def from_json(cls, data: dict) -> "InstalledBundle":
        return cls(**{k: data.get(k, "") for k in cls.__dataclass_fields__})


def installed_bundles() -> list[InstalledBundle]:
    """The installed bundles, oldest first; the last is the one in use."""
    out = []
    for entry in installed_bundle_state()["installed"]:
        with contextlib.suppress(TypeError, ValueError):
            out.append(InstalledBundle.from_json(entry))
    return out


def installed_sequence() -> int:
    bundles = installed_bundles()
    return bundles[-1].sequence if bundles else 0


@dataclass(frozen=True)
class VerifiedBundle:
    bundle: Bundle
    library: RegimeLibrary
    installed_sequence: int

    @property
    def sequence(self) -> int:
        return self.bundle.manifest.sequence

    @property
    def signer(self) -> str:
        return self.bundle.signer.id_text

    def summary_lines(self) -> list[str]:
        m = self.bundle.manifest
        return [f"{self.bundle.path}: signature OK",
                f"signer key:        {self.signer}" + (f" ({self.bundle.signer.comment})"
                if self.bundle.signer.comment and self.signer not in self.bundle.signer.comment else ""),
                f"trusted comment:   {self.bundle.trusted_comment}",
                f"sequence:          {m.sequence} (installed: {self.installed_sequence})",
                f"created:           {m.created.isoformat().replace('+00:00', 'Z')}",
                f"rules current to:  {m.rules_current_to.isoformat()}",
                f"files:             {len(m.files)}",
                f"SHA-256:           {self.bundle.sha256}"] + ([f"notes:             {m.notes}"] if m.notes else [])


# The rules data files this version reads besides the regimes, and how each is checked.
_DATA_PARSERS = {"named-lists.data.yaml": ("workbench.engine.named_lists", "parse_named_lists")}


def _required_files() -> set[str]:
    """Every non-regime file of the built-in rules (countries.csv, *.data.yaml): the app reads
    them from whatever rules folder is in use, so a complete bundle carries each of them."""
    from workbench.io.rules_bundle import COUNTRIES
    from workbench.paths import builtin_rulesets_dir
    from workbench.rule_files import is_regime_file

    names = {p.name for p in builtin_rulesets_dir().iterdir() if p.is_file()}
    return {n for n in names if n == COUNTRIES or (n.endswith(".yaml") and not is_regime_file(n))}


def _check_schema(bundle: Bundle) -> RegimeLibrary:
    """Every file of the bundle against the ruleset schema, the country-data format or its data
    schema; and the bundle complete (every data file this version reads)."""
    import importlib

    from workbench.engine import load_countries
    from workbench.engine.loader import load_regime
    from workbench.rule_files import is_regime_file
    from workbench.services.regimes import RegimeLibrary

    files = bundle.ruleset_files
    for name in sorted(_required_files() - set(files)):
        raise BundleError(f"{bundle.path}: no rulesets/{name} (a rules bundle is complete: every ruleset, "
                          "the country data and the rules data)")
    countries = None
    with tempfile.TemporaryDirectory(prefix="workbench-bundle-") as tmp:
        folder = Path(tmp)
        for name, body in files.items():
            (folder / name).write_bytes(body)
        regimes = []
        for name in sorted(files):
            try:
                if is_regime_file(name):
                    regimes.append(load_regime(folder / name))
                elif name.endswith(".yaml"):
                    if name not in _DATA_PARSERS:
                        raise BundleError(f"{bundle.path}!rulesets/{name}: unknown rules data file (expected one of "
                                          f"{', '.join(sorted(_DATA_PARSERS))})")
                    module, function = _DATA_PARSERS[name]
                    getattr(importlib.import_module(module), function)(files[name], name)
                else:
                    countries = load_countries(folder / name)
            except BundleError:
                raise
            except UserError as exc:
                lines = [line for line in str(exc).replace(str(folder) + os.sep, "").splitlines() if line.strip()]
                text = (lines[0] if lines else type(exc).__name__) + (
                    f" (and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else "")
                raise BundleError(f"{bundle.path}!rulesets/{name}: fails the ruleset schema: {text}") from None
    ids = [r.id for r in regimes]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BundleError(f"{bundle.path}: regime ids used twice: {', '.join(dupes)}")
    regimes.sort(key=lambda r: (r.regime.effective_from, r.id))
    return RegimeLibrary(regimes, countries)


def verify_bundle(path: Path, keys: Optional[Sequence[PublicKey]] = None) -> VerifiedBundle:
    """Everything `update verify` checks, in order: signature file, key, signature, manifest and
    members, sequence, schema. Raises a UserError with one line naming the reason."""
    bundle = read_bundle(Path(path), trusted_keys() if keys is None else keys)
    current = installed_sequence()
    if bundle.manifest.sequence <= current:
        where = f"bundle {current}" if current else "the built-in rules (sequence 0)"
        raise RuleUpdateError(f"{bundle.path}: sequence {bundle.manifest.sequence} is not newer than the installed "
                              f"rules ({where}); expected a sequence above {current}")
    return VerifiedBundle(bundle, _check_schema(bundle), current)


# impact ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImpactRow:
    part_number: str
    regime: str
    before: str
    after: str


@dataclass(frozen=True)
class Impact:
    destination: Optional[str]
    products: int
    rows: tuple[ImpactRow, ...]
    regimes_added: tuple[str, ...] = ()
    regimes_removed: tuple[str, ...] = ()
    regimes_changed: tuple[str, ...] = field(default=())  # regime files whose content differs

    @property
    def flipped_products(self) -> list[str]:
        return sorted({r.part_number for r in self.rows})


def impact(current: RegimeLibrary, proposed: RegimeLibrary, specs: Sequence[ProductSpec],
           destination: Optional[str] = None, end_user_hq: Optional[str] = None, on: Optional[date] = None,
           today: Optional[date] = None) -> Impact:
    """Every product whose classification or licence position (as `compare` shows it) changes
    under each regime both rule sets have, plus the regimes added and removed. Each regime is read
    on ``on``, else on ``today`` (the caller's clock) clamped into its window."""
    from workbench.engine import determine
    from workbench.engine.compare import position
    from workbench.engine.metrics import compute_metrics

    old_ids, new_ids = set(current.ids), set(proposed.ids)
    shared = [r.id for r in proposed.regimes if r.id in old_ids]
    changed = tuple(i for i in shared if current.get(i).sha256 != proposed.get(i).sha256)
    countries_changed = current.countries.sha256 != proposed.countries.sha256
    compared = shared if countries_changed else list(changed)
    dest_ok = destination if destination and destination in proposed.countries and destination in current.countries else None
    rows = []
    for spec in specs:
        metrics = compute_metrics(spec)
        for regime_id in compared:
            before = position(determine(spec, current.get(regime_id), current.countries, dest_ok, end_user_hq, on,
                                        metrics=metrics, today=today))
            after = position(determine(spec, proposed.get(regime_id), proposed.countries, dest_ok, end_user_hq, on,
                                       metrics=metrics, today=today))
            if before != after:
                rows.append(ImpactRow(spec.part_number, regime_id, before, after))
    return Impact(dest_ok, len(specs), tuple(rows), tuple(sorted(new_ids - old_ids)), tuple(sorted(old_ids - new_ids)),
                  changed)


# install and roll back -----------------------------------------------------------------------

def _write_state(installed: list[dict]) -> None:
    with atomic_write(rule_updates_dir() / RULE_UPDATES_STATE) as fh:
        fh.write((json.dumps({"format": 1, "installed": installed}, indent=2) + "\n").encode("utf-8"))


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def _unpack(verified: VerifiedBundle, target: Path) -> None:
    """Write the bundle into ``target`` (a fresh folder): the rules, a MANIFEST.json derived from
    the signed manifest, and the zip and signature themselves (to re-verify later)."""
    from workbench.services.manifest import build_manifest

    bundle, m = verified.bundle, verified.bundle.manifest
    rules = target / "rulesets"
    rules.mkdir(parents=True)
    for name, body in bundle.ruleset_files.items():
        (rules / name).write_bytes(body)
    derived = build_manifest(rules, {"version": m.sequence - 1, "rules_current_to": m.rules_current_to.isoformat(),
                                     "bundle": {"sequence": m.sequence, "sha256": bundle.sha256,
                                                "signer": verified.signer,
                                                "created": m.created.isoformat().replace("+00:00", "Z")}})
    (rules / INSTALLED_MANIFEST).write_text(json.dumps(derived, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (target / "bundle.zip").write_bytes(bundle.zip_bytes)
    (target / "bundle.zip.minisig").write_text(bundle.signature_text, encoding="utf-8")
    _fsync_tree(target)


def _audit(conn: sqlite3.Connection, action: str, before: object, after: object, sha256: Optional[str]) -> None:
    from workbench.store.audit import Change, append

    append(conn, [Change(action, "rules", before, after)], ruleset_sha256=sha256)


def _brief(entry: Optional[dict]) -> dict:
    if not entry:
        return {"rules": "built-in", "sequence": 0}
    return {"rules": "signed bundle", "sequence": entry["sequence"], "sha256": entry["sha256"], "signer": entry["signer"]}


def _switch(conn: sqlite3.Connection, db_label: object, old_state: list[dict], new_state: list[dict], action: str,
             before: Optional[dict], after: Optional[dict]) -> None:
    """Record the audit entry and switch state.json together: the state file is replaced inside
    the catalog transaction (which also keeps two workbenches from switching at once), and put
    back if the commit fails. Refused if the state changed since ``old_state`` was read."""
    from workbench.store.connection import write_transaction

    switched = False
    try:
        with write_transaction(conn, db_label):
            if installed_bundle_state()["installed"] != old_state:
                raise RuleUpdateError("the installed rules changed meanwhile (another workbench adopted or rolled "
                                      "back a bundle); check again with `workbench update list`")
            _audit(conn, action, _brief(before), _brief(after), (after or {}).get("sha256"))
            try:
                _write_state(new_state)
            except OSError as exc:
                raise RuleUpdateStorageError(f"{rule_updates_dir()}: cannot write {RULE_UPDATES_STATE} "
                                             f"({exc.strerror or exc}); the rules in use are unchanged") from None
            switched = True
    except BaseException:
        if switched:
            with contextlib.suppress(OSError):
                _write_state(old_state)
        raise
    _forget_cached_rules()


def _forget_cached_rules() -> None:
    """The next determination reads the rules folder now in use (every cache of rules content)."""
    from workbench.services.regimes import bundled_library

    bundled_library.cache_clear()
    try:
        from workbench.services.named_lists import bundled_named_lists
    except ImportError:  # a build without the named lists
        return
    bundled_named_lists.cache_clear()


def build_bundle(folder: Path, out: Path, sequence: int, rules_current_to: str, notes: str = "",
                 clock: Clock = SYSTEM_CLOCK) -> Path:
    """(Release side) write an unsigned rules bundle of ``folder`` to ``out``, to be signed with
    ``minisign -S -s KEY -m OUT``."""
    from workbench.io.rules_bundle import MAX_SEQUENCE, build_bundle_zip

    folder = Path(folder)
    if not folder.is_dir():
        raise RuleUpdateError(f"{folder}: not a folder (expected a rules folder with *.yaml and countries.csv)")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise RuleUpdateError(f"--sequence: {sequence} (expected a whole number from 1 to {MAX_SEQUENCE})")
    try:
        current_to = date.fromisoformat(rules_current_to).isoformat()
    except ValueError:
        raise RuleUpdateError(f"--rules-current-to: '{rules_current_to}' is not a date (expected YYYY-MM-DD)") from None
    data = build_bundle_zip(folder, sequence, clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), current_to, notes)
    with atomic_write(out) as fh:
        fh.write(data)
    return Path(out)


def install(verified: VerifiedBundle, conn: sqlite3.Connection, db_label: object = "catalog",
            clock: Clock = SYSTEM_CLOCK) -> InstalledBundle:
    """Adopt a verified bundle: unpack it beside the others, then switch to it (audited)."""
    bundle, m = verified.bundle, verified.bundle.manifest
    if installed_sequence() != verified.installed_sequence:
        raise RuleUpdateError(f"{bundle.path}: the installed rules changed since the bundle was verified; verify it again")
    home = rule_updates_dir() / "bundles"
    name = f"{m.sequence:06d}-{bundle.sha256[:12]}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=home))
        try:
            _unpack(verified, staging)
            final = home / name
            if final.exists():  # the same bundle adopted before and rolled back: replace its copy
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise RuleUpdateStorageError(f"{home}: cannot install the bundle ({exc.strerror or exc}); "
                                     "the rules in use are unchanged") from None
    entry = {"sequence": m.sequence, "sha256": bundle.sha256, "signer": verified.signer, "folder": name,
             "installed_at": clock.now().isoformat(), "created": m.created.isoformat().replace("+00:00", "Z"),
             "rules_current_to": m.rules_current_to.isoformat(), "notes": m.notes, "file": bundle.path.name}
    state = installed_bundle_state()["installed"]
    previous = state[-1] if state else None
    if (previous or {}).get("sequence", 0) != verified.installed_sequence:
        shutil.rmtree(home / name, ignore_errors=True)
        raise RuleUpdateError(f"{bundle.path}: the installed rules changed since the bundle was verified; verify it again")
    try:
        _switch(conn, db_label, state, state + [entry], AUDIT_APPLY, previous, entry)
    except BaseException:
        shutil.rmtree(home / name, ignore_errors=True)
        raise
    return InstalledBundle.from_json(entry)


def rollback(conn: sqlite3.Connection, db_label: object = "catalog") -> tuple[InstalledBundle, Optional[InstalledBundle]]:
    """Leave the bundle in use for the one installed before it, or the built-in rules.
    Returns (the bundle left, the bundle now in use or None for the built-in rules)."""
    state = installed_bundle_state()["installed"]
    if not state:
        raise RuleUpdateError("no rule bundle is installed: the built-in rules are in use (nothing to roll back)")
    left, now = state[-1], (state[-2] if len(state) > 1 else None)
    _switch(conn, db_label, state, state[:-1], AUDIT_ROLLBACK, left, now)
    folder = str(left.get("folder") or "")
    if folder and folder == Path(folder).name and not folder.startswith("."):  # never the bundles folder itself
        shutil.rmtree(rule_updates_dir() / "bundles" / folder, ignore_errors=True)
    return InstalledBundle.from_json(left), (InstalledBundle.from_json(now) if now else None)
