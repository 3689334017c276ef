"""One normalised key for comparing identifiers: part numbers, party names, letter patterns and
ledger keys.

Two spellings that a reader cannot tell apart must compare equal, or a rule is dodged by a
hyphen (U+2010 for "-") or a zero-width space. The key is: Unicode NFKC (full-width to ASCII,
compatibility forms), case-fold, format characters (Cf: zero-width spaces and joiners, bidi
marks, soft hyphens) removed, every dash and hyphen variant made "-", and runs of white space
made one space. Compare keys, never store them in place of what the officer typed.
"""

from __future__ import annotations

import re
import unicodedata

# Every dash punctuation character (Unicode category Pd, as of Python 3.11's Unicode 14), plus the
# minus signs and hyphen look-alikes outside Pd. Spelled out, not computed, to keep import cheap.
_DASHES = ("-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b"
           "\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
           "\u2212\u2043\u02d7")
_DASH_RE = re.compile("[" + re.escape(_DASHES) + "]")
_SPACE_RE = re.compile(r"\s+")


def identity_key(text: str) -> str:
    """The comparison key of an identifier (see the module's docstring)."""
    if text.isascii():  # same result, faster: ASCII has no format characters and one dash
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _DASH_RE.sub("-", text)
    return _SPACE_RE.sub(" ", text).strip()
