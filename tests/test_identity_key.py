"""Identifiers compare on one normalised key: look-alike spellings are the same identifier."""

from __future__ import annotations

import unicodedata

import pytest

from workbench.engine.identity import _DASHES, identity_key


@pytest.mark.parametrize("variant", [
    "NVIDIA\u2010H20-LITE",      # hyphen
    "NVIDIA\u2011H20\u2013LITE",  # non-breaking hyphen, en dash
    "nvidia-h20-lite",
    "ＮＶＩＤＩＡ－Ｈ２０－ＬＩＴＥ",  # full width
    "NVIDIA-\u200bH20-LITE",      # zero-width space
    "NVIDIA-H20-LITE\u00ad",      # soft hyphen
    "  NVIDIA-H20-LITE ",
])
def test_look_alike_spellings_share_one_key(variant):
    assert identity_key(variant) == identity_key("NVIDIA-H20-LITE") == "nvidia-h20-lite"


def test_different_identifiers_keep_different_keys():
    assert identity_key("H20") != identity_key("H200")
    assert identity_key("A 100") != identity_key("A100")  # a space is not nothing


def test_every_dash_punctuation_character_is_unified():
    pd = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd"]
    assert pd and all(ch in _DASHES for ch in pd)
