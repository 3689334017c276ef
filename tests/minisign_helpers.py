"""Throwaway minisign keys and signatures for the tests, written in minisign's format by hand.

Nothing here is a release key: every key is generated in memory when a test asks for it, and
private halves are never written into the repository.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


@dataclass
class ThrowawayKey:
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    key_id: bytes = field(default_factory=lambda: os.urandom(8))

    @property
    def id_text(self) -> str:
        return f"{int.from_bytes(self.key_id, 'little'):X}"  # as minisign prints it (%llX)

    def public_text(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return (f"untrusted comment: minisign public key {self.id_text}\n"
                + base64.b64encode(b"Ed" + self.key_id + raw).decode() + "\n")

    def sign(self, data: bytes, *, prehashed: bool = True, trusted_comment: str = "timestamp:1800000000\tfile:test.zip") -> str:
        algorithm = b"ED" if prehashed else b"Ed"
        message = hashlib.blake2b(data, digest_size=64).digest() if prehashed else data
        signature = self.private.sign(message)
        global_signature = self.private.sign(signature + trusted_comment.encode("utf-8"))
        return ("untrusted comment: signature from a throwaway test key\n"
                + base64.b64encode(algorithm + self.key_id + signature).decode() + "\n"
                + f"trusted comment: {trusted_comment}\n"
                + base64.b64encode(global_signature).decode() + "\n")
