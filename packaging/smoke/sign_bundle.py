"""Sign a rules bundle with a throwaway minisign key, for the smoke test of the built app.

Writes FILE.zip.minisig (prehashed Ed25519, minisign's format) and KEY.pub. The key lives only in
memory for this run; it is never a release key. Needs the ``cryptography`` package (the build
venv has it). Usage: python sign_bundle.py FILE.zip KEY.pub
"""

import base64
import hashlib
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def main(bundle: str, pub_path: str) -> None:
    key, key_id = Ed25519PrivateKey.generate(), os.urandom(8)
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    id_text = f"{int.from_bytes(key_id, 'little'):X}"
    with open(pub_path, "w", encoding="utf-8") as fh:
        fh.write(f"untrusted comment: minisign public key {id_text}\n"
                 + base64.b64encode(b"Ed" + key_id + raw).decode() + "\n")
    with open(bundle, "rb") as fh:
        signature = key.sign(hashlib.blake2b(fh.read(), digest_size=64).digest())
    trusted = f"timestamp:1800000000\tfile:{os.path.basename(bundle)}"
    with open(bundle + ".minisig", "w", encoding="utf-8") as fh:
        fh.write("untrusted comment: signature from a throwaway smoke-test key\n"
                 + base64.b64encode(b"ED" + key_id + signature).decode() + "\n"
                 + f"trusted comment: {trusted}\n"
                 + base64.b64encode(key.sign(signature + trusted.encode("utf-8"))).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
