"""Rules bundles for the tests: built from a copy of the built-in rules, signed with throwaway keys.

``make_bundle`` writes ``NAME.zip`` and ``NAME.zip.minisig``; keyword arguments let a test break
exactly one thing (an extra member, a wrong hash, a path with ``..``) while the rest stays valid.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Callable, Optional

from minisign_helpers import ThrowawayKey
from workbench.paths import builtin_rulesets_dir

LOWERED_FROM = '- {metric: tpp, op: ">=", value: 4800}'
LOWERED_TO = '- {metric: tpp, op: ">=", value: 4700}'


def lower_3a090a_tpp(folder: Path) -> None:
    """3A090.a.1 of the October 2023 rule at TPP 4700 instead of 4800 (the first such line only)."""
    path = folder / "us-ear-2023-10.yaml"
    text = path.read_text(encoding="utf-8")
    assert LOWERED_FROM in text
    path.write_text(text.replace(LOWERED_FROM, LOWERED_TO, 1), encoding="utf-8")


def rules_members(tmp: Path, edit: Optional[Callable[[Path], None]] = None) -> dict[str, bytes]:
    folder = tmp / "rules-src"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(builtin_rulesets_dir(), folder)
    (folder / "MANIFEST.json").unlink()
    if edit:
        edit(folder)
    return {f"rulesets/{p.name}": p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def manifest_for(members: dict[str, bytes], sequence: int = 1, **fields) -> dict:
    data = {"format": 1, "content": "rules", "sequence": sequence, "created": "2027-01-20T10:00:00Z",
            "rules_current_to": "2027-01-15", "notes": "test bundle",
            "files": [{"path": p, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)} for p, b in members.items()]}
    data.update(fields)
    return data


def zip_bytes(manifest: object, members: dict[str, bytes], extra: Optional[dict[str, bytes]] = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest if isinstance(manifest, (bytes, str)) else json.dumps(manifest))
        for name, body in {**members, **(extra or {})}.items():
            zf.writestr(name, body)
    return out.getvalue()


def write_signed(path: Path, data: bytes, key: ThrowawayKey, prehashed: bool = True) -> Path:
    path.write_bytes(data)
    path.with_name(path.name + ".minisig").write_text(key.sign(data, prehashed=prehashed), encoding="utf-8")
    return path


def make_bundle(tmp: Path, key: ThrowawayKey, *, name: str = "rules.zip", sequence: int = 1,
                edit: Optional[Callable[[Path], None]] = None, prehashed: bool = True,
                manifest_fields: Optional[dict] = None, extra: Optional[dict[str, bytes]] = None,
                tamper: Optional[Callable[[dict, dict], None]] = None) -> Path:
    """A signed bundle; ``tamper(manifest, members)`` may change either before zipping and signing."""
    members = rules_members(tmp, edit)
    manifest = manifest_for(members, sequence, **(manifest_fields or {}))
    if tamper:
        tamper(manifest, members)
    return write_signed(tmp / name, zip_bytes(manifest, members, extra), key, prehashed)
