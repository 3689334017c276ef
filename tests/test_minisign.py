"""minisign verification: both signature forms, key ids, the trusted comment, and the real tool."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest

from minisign_helpers import ThrowawayKey
from workbench.io.minisign import (BadSignature, MinisignError, UnknownKey, parse_public_keys, parse_signature,
                                   read_public_keys, read_signature, verify)

DATA = b"rules bundle bytes\x00\x01" * 100


@pytest.mark.parametrize("prehashed", [True, False], ids=["ED-prehashed", "Ed-legacy"])
def test_both_forms_verify_and_name_the_key(prehashed):
    key = ThrowawayKey()
    sig = parse_signature(key.sign(DATA, prehashed=prehashed, trusted_comment="sequence:7"))
    assert sig.prehashed is prehashed
    verified = verify(DATA, sig, parse_public_keys(key.public_text()))
    assert verified.key.id_text == key.id_text and verified.trusted_comment == "sequence:7"
    assert verified.prehashed is prehashed


@pytest.mark.parametrize("prehashed", [True, False], ids=["ED-prehashed", "Ed-legacy"])
def test_a_flipped_byte_is_a_bad_signature(prehashed):
    key = ThrowawayKey()
    sig = parse_signature(key.sign(DATA, prehashed=prehashed))
    tampered = bytearray(DATA)
    tampered[5] ^= 1
    with pytest.raises(BadSignature, match="bad signature"):
        verify(bytes(tampered), sig, parse_public_keys(key.public_text()))


def test_an_altered_trusted_comment_is_refused():
    key = ThrowawayKey()
    text = key.sign(DATA, trusted_comment="sequence:7").replace("sequence:7", "sequence:8")
    with pytest.raises(BadSignature, match="trusted comment"):
        verify(DATA, parse_signature(text), parse_public_keys(key.public_text()))


def test_an_unknown_key_is_named():
    signer, other = ThrowawayKey(), ThrowawayKey()
    with pytest.raises(UnknownKey, match=signer.id_text):
        verify(DATA, parse_signature(signer.sign(DATA)), parse_public_keys(other.public_text()))


def test_same_key_id_but_another_key_is_a_bad_signature():
    signer = ThrowawayKey()
    impostor = ThrowawayKey(key_id=signer.key_id)
    with pytest.raises(BadSignature):
        verify(DATA, parse_signature(impostor.sign(DATA)), parse_public_keys(signer.public_text()))


def test_a_key_file_may_hold_several_keys():
    a, b = ThrowawayKey(), ThrowawayKey()
    keys = parse_public_keys(a.public_text() + "\n" + b.public_text())
    assert [k.id_text for k in keys] == [a.id_text, b.id_text]
    verify(DATA, parse_signature(b.sign(DATA)), keys)


@pytest.mark.parametrize("text, reason", [
    ("", "no minisign public key"),
    ("untrusted comment: x\nnot base64!!\n", "not base64"),
    ("untrusted comment: x\n" + base64.b64encode(b"Ed" + b"1" * 30).decode() + "\n", "expected 42"),
    ("untrusted comment: x\n" + base64.b64encode(b"XX" + b"1" * 40).decode() + "\n", "expected 'Ed'"),
])
def test_malformed_public_keys(text, reason):
    with pytest.raises(MinisignError, match=reason):
        parse_public_keys(text)


def test_malformed_signatures():
    key = ThrowawayKey()
    good = key.sign(DATA).splitlines()
    with pytest.raises(MinisignError, match="4 lines"):
        parse_signature("\n".join(good[:3]))
    with pytest.raises(MinisignError, match="algorithm"):
        raw = base64.b64decode(good[1])
        parse_signature("\n".join([good[0], base64.b64encode(b"XX" + raw[2:]).decode(), good[2], good[3]]))


def test_missing_signature_file(tmp_path):
    with pytest.raises(MinisignError, match="no signature file"):
        read_signature(tmp_path / "bundle.zip.minisig")


@pytest.mark.skipif(shutil.which("minisign") is None, reason="Debian's minisign is not installed")
@pytest.mark.parametrize("legacy", [False, True], ids=["ED-prehashed", "Ed-legacy"])
def test_a_file_signed_by_the_real_minisign_tool(tmp_path, legacy):
    pub, sec, data = tmp_path / "k.pub", tmp_path / "k.key", tmp_path / "bundle.zip"
    data.write_bytes(DATA)
    subprocess.run(["minisign", "-G", "-W", "-p", str(pub), "-s", str(sec)], check=True, capture_output=True)
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(data), "-t", "release 7"] + (["-l"] if legacy else []),
                   check=True, capture_output=True)
    keys = read_public_keys(pub)
    sig = read_signature(tmp_path / "bundle.zip.minisig")
    assert sig.prehashed is (not legacy)
    verified = verify(DATA, sig, keys)
    assert verified.trusted_comment == "release 7"
    # Our key id text is what minisign itself prints for the key.
    assert verified.key.id_text in pub.read_text()


def test_a_key_id_reads_as_minisign_prints_it_without_leading_zeros():
    """minisign prints key ids with %llX: about one key in sixteen starts with a zero nibble and
    then has 15 digits (seen with Debian's minisign 0.11)."""
    from workbench.io.minisign import key_id_text

    assert key_id_text(bytes.fromhex("a952008cc9ea35cc")) == "CC35EAC98C0052A9"
    assert key_id_text(bytes.fromhex("ffeeddccbbaa9900")) == "99AABBCCDDEEFF"
    assert key_id_text((0x0123456789ABCDEF).to_bytes(8, "little")) == "123456789ABCDEF"
