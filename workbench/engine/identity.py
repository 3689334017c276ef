"""One normalised key for comparing identifiers: part numbers, party names, letter patterns and
ledger keys.

Two spellings that a reader cannot tell apart must compare equal, or a rule is dodged by a
hyphen (U+2010 for "-") or a zero-width space. The key is: Unicode NFKC (full-width to ASCII,
compatibility forms), case-fold, format characters (Cf: zero-width spaces and joiners, bidi
marks, soft hyphens) removed, every dash and hyphen variant made "-", and runs of white space
made one space. Then, for a string that mixes Latin with other scripts (or is written wholly in
letters that look Latin), the Cyrillic, Greek and Armenian letters that look like Latin ones are
replaced by them: the confusable skeleton of Unicode Technical Standard #39 (confusables.txt,
prototype mappings), restricted to those scripts, so "NVIDIA-Н20" with a Cyrillic En is
"nvidia-h20". A string in one non-Latin script with letters that look like nothing Latin (a
Russian or Chinese company name) keeps its letters, and ASCII is never remapped (O and 0, l and
1 stay different: part numbers use both). Compare keys, never store them in place of what the
officer typed.
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


# Lower-case (case-folded) letters of other scripts and the Latin letter each is confusable with,
# from UTS #39 confusables.txt (the capital's or the small letter's prototype, whichever is Latin;
# З and б are confusable with the digits 3 and 6 there).
_SKELETON = {
    # Cyrillic
    "\u0430": "a", "\u0431": "6", "\u0432": "b", "\u0435": "e", "\u0437": "3", "\u043a": "k", "\u043c": "m",
    "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y", "\u0445": "x",
    "\u0455": "s", "\u0456": "i", "\u0458": "j", "\u04af": "y", "\u04bb": "h", "\u04cf": "l", "\u0501": "d",
    "\u051b": "q", "\u051d": "w",
    # Greek
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b6": "z", "\u03b7": "h", "\u03b9": "i", "\u03ba": "k",
    "\u03bc": "m", "\u03bd": "n", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "y", "\u03c7": "x",
    "\u03f2": "c", "\u03f3": "j",
    # Armenian
    "\u0570": "h", "\u0578": "n", "\u057d": "u", "\u0585": "o",
}
_SKELETON_TABLE = str.maketrans(_SKELETON)


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN ")


def _skeleton(text: str) -> str:
    """Latin look-alikes of other scripts made Latin, in mixed-script or wholly look-alike text."""
    letters = [ch for ch in text if ch.isalpha()]
    if any(_is_latin(ch) for ch in letters) or all(ch in _SKELETON for ch in letters):
        return text.translate(_SKELETON_TABLE)
    return text


def identity_key(text: str) -> str:
    """The comparison key of an identifier (see the module's docstring)."""
    if text.isascii():  # same result, faster: ASCII has no format characters and one dash
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _DASH_RE.sub("-", text)
    if not text.isascii():
        text = _skeleton(text)
    return _SPACE_RE.sub(" ", text).strip()
