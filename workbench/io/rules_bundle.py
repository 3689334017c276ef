"""Signed update bundles: a zip with ``manifest.json`` at its root and a detached minisign signature.

``rules-2027-01.zip`` + ``rules-2027-01.zip.minisig``. The manifest::

    {"format": 1, "content": "rules", "sequence": 7, "created": "2027-01-20T10:00:00Z",
     "rules_current_to": "2027-01-15", "notes": "...",
     "files": [{"path": "rulesets/us-ear-2023-10.yaml", "sha256": "...", "size": 1234}, ...]}

A rules bundle is complete: every ``*.yaml`` and ``countries.csv`` of the rules folder (never
MANIFEST.json, which the installer writes), replacing the installed rules as a whole. Data
files (``*.data.yaml``: named lists, rule dates) travel with the regimes.

The signature is checked over the zip's bytes *before* the zip is opened, so nothing an unknown
party wrote is parsed beyond the signature file. Then every member must be listed in the manifest
with its size and SHA-256, every listed file must be in the zip, no path may be absolute or climb
out with ``..``, and sizes are bounded at every step (declared and actual), so a zip bomb is
refused before it is inflated. Everything is read into memory: a rules bundle is a few hundred
kilobytes and the bounds keep it small.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Iterable

from workbench.errors import UserError
from workbench.io.minisign import PublicKey, read_signature, verify

MANIFEST_MEMBER = "manifest.json"
SIGNATURE_SUFFIX = ".minisig"
RULES_FOLDER = "rulesets"
RULES_CONTENT = "rules"
COUNTRIES = "countries.csv"
INSTALLED_MANIFEST = "MANIFEST.json"

MAX_BUNDLE_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_NOTES_CHARS = 4000
MAX_SEQUENCE = 2**31 - 1

_MANIFEST_KEYS = {"format", "content", "sequence", "created", "rules_current_to", "notes", "files"}
_FILE_KEYS = {"path", "sha256", "size"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RULES_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.yaml")


class BundleError(UserError, ValueError):
    """A bundle that cannot be trusted or used: one line naming the file and the reason."""


@dataclass(frozen=True)
class BundleFile:
    path: str
    sha256: str
    size: int

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class BundleManifest:
    format: int
    content: str
    sequence: int
    created: datetime
    rules_current_to: date
    notes: str
    files: tuple[BundleFile, ...]


@dataclass(frozen=True)
class Bundle:
    """A bundle whose signature, manifest and members all checked out."""

    path: Path
    sha256: str  # of the zip file, what the audit log and every determination name
    signer: PublicKey
    trusted_comment: str
    prehashed: bool
    manifest: BundleManifest
    contents: dict[str, bytes]  # manifest path -> bytes
    zip_bytes: bytes
    signature_text: str

    @property
    def ruleset_files(self) -> dict[str, bytes]:
        """File name -> bytes of the rules folder the bundle carries."""
        return {PurePosixPath(p).name: data for p, data in self.contents.items()}


def signature_path(bundle: Path) -> Path:
    bundle = Path(bundle)
    return bundle.with_name(bundle.name + SIGNATURE_SUFFIX)


def unsafe_path_reason(name: str) -> str | None:
    """Why a member path could write outside the folder it is unpacked into, or None."""
    if not name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if "\\" in name or "\x00" in name:
        return "a backslash or NUL in the path"
    parts = name.rstrip("/").split("/")
    if any(part == ".." for part in parts):
        return "a '..' path"
    if any(part in ("", ".") for part in parts):
        return "an empty or '.' path component"
    return None


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path}: {size} bytes (expected a rules bundle of at most {MAX_BUNDLE_BYTES} bytes)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file (expected a rules bundle .zip)") from None
    except IsADirectoryError:
        raise BundleError(f"{path}: a folder (expected a rules bundle .zip)") from None
    except OSError as exc:
        raise BundleError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"{path}: larger than {MAX_BUNDLE_BYTES} bytes (expected a rules bundle)")
    return data


def parse_manifest(data: bytes, where: str) -> BundleManifest:
    """The manifest's fields, each checked; a problem names its JSON path."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{where}: not JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise BundleError(f"{where}: expected a JSON object")
    unknown = sorted(set(raw) - _MANIFEST_KEYS)
    if unknown:
        raise BundleError(f"{where}: {unknown[0]}: unknown key (expected {', '.join(sorted(_MANIFEST_KEYS))})")
    missing = sorted(_MANIFEST_KEYS - {"notes"} - set(raw))
    if missing:
        raise BundleError(f"{where}: {missing[0]}: missing")
    if raw["format"] != 1 or isinstance(raw["format"], bool):
        raise BundleError(f"{where}: format: {raw['format']!r} (expected 1)")
    if raw["content"] != RULES_CONTENT:
        raise BundleError(f"{where}: content: {raw['content']!r} is not a rules bundle (expected 'rules')")
    seq = raw["sequence"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_SEQUENCE:
        raise BundleError(f"{where}: sequence: {seq!r} (expected a whole number from 0 to {MAX_SEQUENCE})")
    try:
        created = datetime.fromisoformat(str(raw["created"]).replace("Z", "+00:00"))
    except ValueError:
        raise BundleError(f"{where}: created: {raw['created']!r} (expected an ISO date-time such as 2027-01-20T10:00:00Z)") from None
    try:
        current_to = date.fromisoformat(str(raw["rules_current_to"]))
    except ValueError:
        raise BundleError(f"{where}: rules_current_to: {raw['rules_current_to']!r} (expected YYYY-MM-DD)") from None
    notes = raw.get("notes", "")
    if not isinstance(notes, str) or len(notes) > MAX_NOTES_CHARS:
        raise BundleError(f"{where}: notes: expected text of at most {MAX_NOTES_CHARS} characters")
    if not isinstance(raw["files"], list) or not raw["files"] or len(raw["files"]) > MAX_MEMBERS:
        raise BundleError(f"{where}: files: expected a list of 1 to {MAX_MEMBERS} entries")
    files, seen = [], set()
    for i, entry in enumerate(raw["files"]):
        at = f"{where}: files[{i}]"
        if not isinstance(entry, dict) or set(entry) != _FILE_KEYS:
            raise BundleError(f"{at}: expected an object with exactly path, sha256 and size")
        path, sha, size = entry["path"], entry["sha256"], entry["size"]
        if not isinstance(path, str):
            raise BundleError(f"{at}.path: expected text")
        reason = unsafe_path_reason(path)
        if reason:
            raise BundleError(f"{at}.path: '{path}' is {reason} (expected a path inside the bundle)")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise BundleError(f"{at}.sha256: expected 64 lower-case hex digits")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_MEMBER_BYTES:
            raise BundleError(f"{at}.size: {size!r} (expected a whole number of bytes up to {MAX_MEMBER_BYTES})")
        if path in seen:
            raise BundleError(f"{at}.path: '{path}' listed twice")
        seen.add(path)
        parent, name = PurePosixPath(path).parent, PurePosixPath(path).name
        if str(parent) != RULES_FOLDER or not (name == COUNTRIES or _RULES_NAME.fullmatch(name)):
            raise BundleError(f"{at}.path: '{path}' (a rules bundle holds only {RULES_FOLDER}/*.yaml and "
                              f"{RULES_FOLDER}/{COUNTRIES})")
        files.append(BundleFile(path, sha, size))
    names = {f.name for f in files}
    if COUNTRIES not in names:
        raise BundleError(f"{where}: files: no {RULES_FOLDER}/{COUNTRIES} (a rules bundle is complete: every ruleset and the country data)")
    if not any(n.endswith(".yaml") for n in names):
        raise BundleError(f"{where}: files: no {RULES_FOLDER}/*.yaml (a rules bundle is complete: every ruleset and the country data)")
    if sum(f.size for f in files) > MAX_TOTAL_BYTES:
        raise BundleError(f"{where}: files: more than {MAX_TOTAL_BYTES} bytes in all")
    return BundleManifest(1, RULES_CONTENT, seq, created, current_to, notes, tuple(files))


def _members(zf: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS + 2:
        raise BundleError(f"{where}: {len(infos)} members (expected at most {MAX_MEMBERS})")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        reason = unsafe_path_reason(info.filename)
        if reason:
            raise BundleError(f"{where}: member '{info.filename}' is {reason} (expected paths inside the bundle)")
        if info.flag_bits & 0x1:
            raise BundleError(f"{where}: member '{info.filename}' is encrypted")
        if info.filename in members:
            raise BundleError(f"{where}: member '{info.filename}' appears twice")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise BundleError(f"{where}: member '{info.filename}' would inflate beyond {MAX_MEMBER_BYTES} bytes "
                              f"({MAX_TOTAL_BYTES} in all); refused as a possible zip bomb")
        members[info.filename] = info
    return members


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str) -> bytes:
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError) as exc:
        raise BundleError(f"{where}: member '{info.filename}' cannot be read ({exc})") from None
    if len(data) > limit:
        raise BundleError(f"{where}: member '{info.filename}' inflates beyond {limit} bytes; refused as a possible zip bomb")
    return data


def read_bundle(path: Path, keys: Iterable[PublicKey]) -> Bundle:
    """Check a bundle against the trusted ``keys`` and its own manifest; raise BundleError (or the
    minisign errors) with one line naming the reason."""
    path = Path(path)
    sig_path = signature_path(path)
    if not sig_path.exists():
        raise BundleError(f"{path}: no signature file (expected {sig_path.name} beside it)")
    data = _read_bounded(path)
    signature = read_signature(sig_path)
    verified = verify(data, signature, keys, str(path))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BundleError(f"{path}: not a zip file ({exc})") from None
    with zf:
        members = _members(zf, str(path))
        if MANIFEST_MEMBER not in members:
            raise BundleError(f"{path}: no {MANIFEST_MEMBER} at the zip's root")
        manifest = parse_manifest(_read_member(zf, members[MANIFEST_MEMBER], MAX_MANIFEST_BYTES, str(path)),
                                  f"{path}!{MANIFEST_MEMBER}")
        listed = {f.path: f for f in manifest.files}
        files = {n: i for n, i in members.items() if n != MANIFEST_MEMBER and not i.is_dir()}
        for name, info in members.items():
            if info.is_dir() and name.rstrip("/") != RULES_FOLDER:
                raise BundleError(f"{path}: folder '{name}' is not in the manifest (expected only {RULES_FOLDER}/)")
        for name in sorted(files):
            if name not in listed:
                raise BundleError(f"{path}: member '{name}' is not in the manifest")
        for name in sorted(listed):
            if name not in files:
                raise BundleError(f"{path}: '{name}' is in the manifest but missing from the zip")
        contents = {}
        for entry in manifest.files:
            info = files[entry.path]
            if info.file_size != entry.size:
                raise BundleError(f"{path}: '{entry.path}' is {info.file_size} bytes (the manifest says {entry.size})")
            body = _read_member(zf, info, entry.size, str(path))
            if len(body) != entry.size:
                raise BundleError(f"{path}: '{entry.path}' is {len(body)} bytes (the manifest says {entry.size})")
            if hashlib.sha256(body).hexdigest() != entry.sha256:
                raise BundleError(f"{path}: '{entry.path}' SHA-256 differs from the manifest")
            contents[entry.path] = body
    return Bundle(path, hashlib.sha256(data).hexdigest(), verified.key, verified.trusted_comment, verified.prehashed,
                  manifest, contents, data, sig_path.read_text(encoding="utf-8", errors="replace"))


def build_bundle_zip(folder: Path, sequence: int, created: str, rules_current_to: str, notes: str = "") -> bytes:
    """A rules bundle zip (unsigned) from a rules folder: every *.yaml and countries.csv, no
    MANIFEST.json. What a release signs with ``minisign -S -m FILE``."""
    folder = Path(folder)
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and (p.suffix == ".yaml" or p.name == COUNTRIES))
    files, blobs = [], {}
    for name in names:
        body = (folder / name).read_bytes()
        member = f"{RULES_FOLDER}/{name}"
        files.append({"path": member, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)})
        blobs[member] = body
    manifest = {"format": 1, "content": RULES_CONTENT, "sequence": sequence, "created": created,
                "rules_current_to": rules_current_to, "notes": notes, "files": files}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST_MEMBER, json.dumps(manifest, indent=2) + "\n")
        for member, body in blobs.items():
            zf.writestr(member, body)
    return out.getvalue()
