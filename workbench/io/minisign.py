"""minisign public keys and detached signatures, verified with the ``cryptography`` package.

Rule updates are signed with the standard ``minisign`` tool, so a release needs no tool of ours.
The formats (https://jedisct1.github.io/minisign/):

Public key, two lines::

    untrusted comment: <text>
    base64( "Ed" | key id (8 bytes) | Ed25519 public key (32 bytes) )

Signature (``FILE.minisig``), four lines::

    untrusted comment: <text>
    base64( "ED" or "Ed" | key id (8 bytes) | signature (64 bytes) )
    trusted comment: <text>
    base64( global signature (64 bytes) )

``ED`` (minisign's default since 0.10) signs the BLAKE2b-512 digest of the file; the legacy
``Ed`` signs the file itself. The global signature covers the signature followed by the trusted
comment, so the trusted comment (minisign puts a timestamp and the file name there) cannot be
swapped. Key ids are shown as minisign shows them: the 8 bytes read as a little-endian integer,
in 16 upper-case hex digits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from workbench.errors import UserError

PREHASHED, LEGACY = b"ED", b"Ed"
UNTRUSTED_PREFIX = "untrusted comment:"
TRUSTED_PREFIX = "trusted comment:"
MAX_KEY_FILE_BYTES = 64 * 1024
MAX_SIGNATURE_FILE_BYTES = 8 * 1024


class MinisignError(UserError, ValueError):
    """A key or signature file that is not in minisign's format."""


class UnknownKey(UserError):
    """The signature was made by a key that is not trusted here."""


class BadSignature(UserError):
    """The signature does not match the file (or the trusted comment was altered)."""


def key_id_text(key_id: bytes) -> str:
    """A key id as minisign prints it: the little-endian 64-bit integer in upper-case hex, with no
    leading zeros (minisign's ``%llX``), so the text matches its key files and messages."""
    return f"{int.from_bytes(key_id, 'little'):X}"


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    key: bytes
    comment: str = ""

    @property
    def id_text(self) -> str:
        return key_id_text(self.key_id)


@dataclass(frozen=True)
class Signature:
    algorithm: bytes  # PREHASHED or LEGACY
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes
    untrusted_comment: str = ""

    @property
    def key_id_text(self) -> str:
        return key_id_text(self.key_id)

    @property
    def prehashed(self) -> bool:
        return self.algorithm == PREHASHED


@dataclass(frozen=True)
class Verified:
    """A signature that checked out: which key made it and what it vouches for."""

    key: PublicKey
    trusted_comment: str
    prehashed: bool


def _b64(line: str, where: str, expected_len: int) -> bytes:
    try:
        raw = base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MinisignError(f"{where}: not base64 (expected minisign's format)") from None
    if len(raw) != expected_len:
        raise MinisignError(f"{where}: {len(raw)} bytes after base64 (expected {expected_len})")
    return raw


def _lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def parse_public_keys(text: str, source: str = "public key") -> list[PublicKey]:
    """Every public key in ``text``: minisign's two-line blocks (comment line optional), in order."""
    keys, comment = [], ""
    for number, line in enumerate(_lines(text), 1):
        if line.startswith(UNTRUSTED_PREFIX):
            comment = line[len(UNTRUSTED_PREFIX):].strip()
            continue
        raw = _b64(line, f"{source}: line {number}", 42)
        if raw[:2] != LEGACY:
            raise MinisignError(f"{source}: line {number}: key algorithm {raw[:2]!r} (expected 'Ed')")
        keys.append(PublicKey(raw[2:10], raw[10:], comment))
        comment = ""
    if not keys:
        raise MinisignError(f"{source}: no minisign public key found (expected 'untrusted comment: ...' and a base64 line)")
    return keys


def read_public_keys(path: Path) -> list[PublicKey]:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise MinisignError(f"{path}: cannot read the public key file ({exc.strerror or exc})") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise MinisignError(f"{path}: larger than {MAX_KEY_FILE_BYTES} bytes (expected minisign public keys)")
    return parse_public_keys(data.decode("utf-8", "replace"), str(path))


def parse_signature(text: str, source: str = "signature") -> Signature:
    lines = _lines(text)
    if len(lines) != 4 or not lines[0].startswith(UNTRUSTED_PREFIX) or not lines[2].startswith(TRUSTED_PREFIX):
        raise MinisignError(f"{source}: not a minisign signature (expected 4 lines: untrusted comment, "
                            "signature, trusted comment, global signature)")
    raw = _b64(lines[1], f"{source}: line 2", 74)
    if raw[:2] not in (PREHASHED, LEGACY):
        raise MinisignError(f"{source}: signature algorithm {raw[:2]!r} (expected 'ED' or 'Ed')")
    return Signature(raw[:2], raw[2:10], raw[10:], lines[2][len(TRUSTED_PREFIX):].strip(),
                     _b64(lines[3], f"{source}: line 4", 64), lines[0][len(UNTRUSTED_PREFIX):].strip())


def read_signature(path: Path) -> Signature:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SIGNATURE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise MinisignError(f"{path}: no signature file (expected the detached minisign signature beside the file)") from None
    except OSError as exc:
        raise MinisignError(f"{path}: cannot read the signature ({exc.strerror or exc})") from None
    if len(data) > MAX_SIGNATURE_FILE_BYTES:
        raise MinisignError(f"{path}: larger than {MAX_SIGNATURE_FILE_BYTES} bytes (expected a minisign signature)")
    return parse_signature(data.decode("utf-8", "replace"), str(path))


def signed_message(data: bytes, algorithm: bytes) -> bytes:
    """What the Ed25519 signature covers: the BLAKE2b-512 digest (``ED``) or the data (``Ed``)."""
    return hashlib.blake2b(data, digest_size=64).digest() if algorithm == PREHASHED else data


def _ed25519_ok(key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def verify(data: bytes, signature: Signature, keys: Iterable[PublicKey], source: str = "file") -> Verified:
    """Check ``signature`` over ``data`` against the trusted ``keys``; raise UnknownKey or BadSignature."""
    keys: Sequence[PublicKey] = list(keys)
    key = next((k for k in keys if k.key_id == signature.key_id), None)
    if key is None:
        trusted = ", ".join(k.id_text for k in keys) or "none"
        raise UnknownKey(f"{source}: signed by unknown key {signature.key_id_text} (trusted keys: {trusted})")
    if not _ed25519_ok(key.key, signature.signature, signed_message(data, signature.algorithm)):
        raise BadSignature(f"{source}: bad signature (the file does not match what key {key.id_text} signed)")
    if not _ed25519_ok(key.key, signature.global_signature,
                       signature.signature + signature.trusted_comment.encode("utf-8")):
        raise BadSignature(f"{source}: bad signature on the trusted comment (it was altered after signing)")
    return Verified(key, signature.trusted_comment, signature.prehashed)
