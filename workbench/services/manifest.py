"""Ruleset integrity (target 20, offline part): rulesets/MANIFEST.json lists every file's SHA-256.

Format::

    {"format": 1, "version": <int, +1 whenever the file set changes>,
     "files": {"us-ear-2023-10.yaml": "<sha256>", "countries.csv": "<sha256>", ...},
     "regimes": {"us-ear-2023-10.yaml": "us-ear-2023-10", ...}}

At start the app compares the folder with the manifest. A changed, missing or extra file is
reported, and every regime it affects is marked *modified* (RegimeLibrary.modified) wherever the
regime appears: a changed regime file affects that regime; a changed countries.csv affects every
regime (country groups feed every determination). The regimes still load: a compliance officer may
be testing an edit on purpose, but no output may pass it off as the bundled rules.

Signed rule updates (workbench.services.rule_updates) install a bundle's rules in a folder of
their own with a MANIFEST.json written from the bundle's signed manifest; it carries a ``bundle``
key (sequence, SHA-256 of the zip, signer key id). Such a folder that matches its manifest is
reported as "updated by signed bundle N", never as modified, and ``rules_current_to`` follows the
bundle. :func:`rules_in_use` names the rules every determination uses.

Regenerate after an intended change with ``python -m workbench rulesets manifest --write``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from workbench.errors import StorageError
from workbench.rule_files import is_regime_file

MANIFEST_NAME = "MANIFEST.json"
REGENERATE = "python -m workbench rulesets manifest --write"
COUNTRIES = "countries.csv"


class ManifestError(StorageError, ValueError):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ruleset_files(folder: Path) -> dict[str, str]:
    """Every file in the rulesets folder (except the manifest and hidden files) with its SHA-256."""
    return {p.name: _sha256(p) for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")}


def _regime_ids(folder: Path, names: list[str]) -> dict[str, str]:
    ids = {}
    for name in names:
        if name.endswith((".yaml", ".yml")) and is_regime_file(name):  # *.data.yaml: data, no regime id
            import yaml  # only for a file the caller has no id for (the app's start imports no YAML)

            try:
                data = yaml.safe_load((Path(folder) / name).read_bytes())
                ids[name] = str(data["id"])
            except Exception:  # an unreadable file has no id to record; the loader reports it
                continue
    return ids


def build_manifest(folder: Path, previous: Optional[dict] = None) -> dict:
    files = ruleset_files(folder)
    version = int((previous or {}).get("version", 0))
    if previous is None or previous.get("files") != files:
        version += 1
    data = {"format": 1, "version": version, "files": files, "regimes": _regime_ids(folder, list(files))}
    if (previous or {}).get("rules_current_to"):  # set by hand when a rule is researched; kept across rewrites
        data["rules_current_to"] = previous["rules_current_to"]
    if (previous or {}).get("bundle"):  # an installed signed bundle keeps saying where it came from
        data["bundle"] = previous["bundle"]
    return data


def rules_current_to(folder: Optional[Path] = None) -> Optional["date"]:
    """The date of the latest Federal Register item or guidance the rules content considered
    (``rules_current_to`` in the manifest), or None when the manifest does not say."""
    from datetime import date

    from workbench.paths import rulesets_dir

    try:
        value = read_manifest(Path(folder) if folder is not None else rulesets_dir()).get("rules_current_to")
        return date.fromisoformat(value) if value else None
    except (ManifestError, TypeError, ValueError):
        return None


# Regulations change at least yearly; rules not reviewed for this long are called out to the user.
STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class RulesFreshness:
    """How fresh the rules content is on ``today``: its "current to" date, the days since, and
    whether that is more than STALE_AFTER_DAYS (always stale when the date is unknown)."""

    current_to: Optional["date"]
    today: "date"

    @property
    def days(self) -> Optional[int]:
        return None if self.current_to is None else (self.today - self.current_to).days

    @property
    def stale(self) -> bool:
        return self.current_to is None or (self.days or 0) > STALE_AFTER_DAYS

    def line(self) -> str:
        """'rules current to 2026-07-14' (plus a warning when stale), in English for CLI output."""
        if self.current_to is None:
            return "rules current to: not stated (rulesets/MANIFEST.json has no rules_current_to)"
        text = f"rules current to {self.current_to.isoformat()}"
        if self.stale:
            text += (f" ({self.days} days before {self.today.isoformat()}, more than {STALE_AFTER_DAYS}: "
                     "check for newer rules before relying on a determination)")
        return text


def rules_freshness(today: "date", folder: Optional[Path] = None) -> RulesFreshness:
    """The freshness of the rules on ``today`` (an injected date, never the wall clock)."""
    return RulesFreshness(rules_current_to(folder), today)


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: missing (expected the ruleset manifest; create it with `{REGENERATE}`)") from None
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: unreadable ({exc})") from None
    if (not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("version"), int)
            or not isinstance(data.get("files"), dict)
            or not all(isinstance(v, str) and len(v) == 64 for v in data["files"].values())):
        raise ManifestError(f"{path}: not a ruleset manifest (expected format 1 with version and files)")
    return data


def write_manifest(folder: Path) -> dict:
    try:
        previous = read_manifest(folder)
    except ManifestError:
        previous = None
    data = build_manifest(folder, previous)
    (Path(folder) / MANIFEST_NAME).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return data


@dataclass(frozen=True)
class ManifestReport:
    version: Optional[int]
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    modified_regimes: frozenset[str] = frozenset()
    error: Optional[str] = None  # the manifest itself is missing or unreadable
    all_regimes_modified: bool = False
    bundle_sequence: Optional[int] = None  # the rules came from this signed rule bundle
    bundle_sha256: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None and not (self.changed or self.missing or self.extra)

    def summary(self) -> str:
        """One line for `rulesets verify`, the app's banner and logs."""
        if not self.ok:
            return "modified: " + "; ".join(self.problems())
        if self.bundle_sequence is not None:
            return f"updated by signed bundle {self.bundle_sequence} (SHA-256 {(self.bundle_sha256 or '')[:16]}…)"
        return f"built-in rules (manifest version {self.version})"

    def problems(self) -> list[str]:
        out = [self.error] if self.error else []
        out += [f"{name}: changed since the manifest (SHA-256 differs)" for name in self.changed]
        out += [f"{name}: listed in the manifest but missing" for name in self.missing]
        out += [f"{name}: not in the manifest (extra file)" for name in self.extra]
        return out


def verify_manifest(folder: Path, regime_files: Optional[dict[str, str]] = None) -> ManifestReport:
    """Compare the folder with its manifest. ``regime_files`` maps file name -> regime id for the
    regimes actually loaded (so an extra or renamed file is attributed to the id inside it)."""
    folder = Path(folder)
    loaded = dict(regime_files or {})
    loaded.update({k: v for k, v in _regime_ids(folder, [n for n in ruleset_files(folder) if n not in loaded]).items()})
    try:
        manifest = read_manifest(folder)
    except ManifestError as exc:
        return ManifestReport(None, modified_regimes=frozenset(loaded.values()), error=str(exc),
                              all_regimes_modified=True)
    listed, actual = manifest["files"], ruleset_files(folder)
    changed = tuple(sorted(n for n in listed if n in actual and actual[n] != listed[n]))
    missing = tuple(sorted(n for n in listed if n not in actual))
    extra = tuple(sorted(n for n in actual if n not in listed))
    touched = set(changed) | set(missing) | set(extra)
    names = dict(manifest.get("regimes") or {})
    names.update(loaded)
    # Country groups and the rules data (*.data.yaml: named lists, rule dates) feed every regime.
    shared = COUNTRIES in touched or any(not is_regime_file(n) and n.endswith(".yaml") for n in touched)
    if shared:
        modified = frozenset(loaded.values()) | frozenset(names.values())
    else:
        modified = frozenset(names[n] for n in touched if n in names)
    bundle = manifest.get("bundle") if isinstance(manifest.get("bundle"), dict) else {}
    sequence = bundle.get("sequence") if isinstance(bundle.get("sequence"), int) else None
    return ManifestReport(manifest["version"], changed, missing, extra, modified, None, shared,
                          sequence, str(bundle.get("sha256") or "") or None)


@dataclass(frozen=True)
class RulesInUse:
    """Which rules a determination was made under: the built-in rules (sequence 0) or a signed
    rule bundle (its sequence and the SHA-256 of its zip). Memos, workbooks and determinations
    print :attr:`label`."""

    sequence: int
    sha256: Optional[str]
    signer: Optional[str]
    rules_current_to: Optional["date"]
    folder: Path
    modified: bool = False  # the folder no longer matches its manifest
    override: bool = False  # WORKBENCH_RULESETS points elsewhere

    @property
    def builtin(self) -> bool:
        return self.sequence == 0 and not self.override

    @property
    def label(self) -> str:
        if self.override:
            text = f"rules from {self.folder} (WORKBENCH_RULESETS)"
        elif self.sequence == 0:
            text = "built-in rules"
        else:
            text = f"signed rule bundle {self.sequence} (SHA-256 {self.sha256})"
        return text + (" (modified)" if self.modified else "")


def rules_in_use(folder: Optional[Path] = None) -> RulesInUse:
    """The rules every determination uses now (or those in ``folder``): built-in or which bundle."""
    import os

    override = folder is None and bool(os.environ.get("WORKBENCH_RULESETS"))
    if folder is None:
        from workbench.services.regimes import bundled_library  # its check is already made (and cached)

        library = bundled_library()
        folder, report = library.folder, library.manifest
    else:
        folder = Path(folder)
        report = verify_manifest(folder)
    signer = None
    if report.bundle_sequence is not None:
        try:
            signer = (read_manifest(folder).get("bundle") or {}).get("signer")
        except ManifestError:
            signer = None
    return RulesInUse(report.bundle_sequence or 0, report.bundle_sha256, signer, rules_current_to(folder), folder,
                      not report.ok, override)
