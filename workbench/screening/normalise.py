"""Turn a party name in any script into comparable tokens.

Steps, in order:

1. :func:`workbench.engine.identity.identity_key` (NFKC, case-fold, format characters removed,
   dashes unified): the project's one comparison key.
2. Traditional Chinese to simplified (OpenCC ``t2s``; nothing else is converted).
3. Chinese runs are cut on the words of the two-language table (:mod:`.lexicon`), ordinals
   (第十四, 十四所) become numbers, and what is left becomes pinyin written without spaces
   (华为 -> ``huawei``), since list entries spell Chinese names in pinyin words.
4. Symbols (emoji, "+", "©") are dropped; every other script goes through anyascii, which also folds Cyrillic and Greek look-alikes
   onto Latin letters (the confusable skeleton: "Huаwei" with a Cyrillic "а" is "huawei").
   Punctuation becomes a space; "14th", "No. 14", "Di 14" (pinyin of 第) and "fourteenth"
   become the number 14.
5. Phrases of the table become concepts (``@tech``), carrying their class's weight.

The result keeps, for every token, the text it came from, so a score can say what matched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from workbench.engine.identity import identity_key
from workbench.screening.lexicon import (COMPOUNDS_ZH, DISTINCTIVE_WEIGHT, NUMBER_WEIGHT, STOP_WORDS, TABLE,
                                         WEIGHTS)

WORD, CONCEPT, PLACE, NUMBER = "word", "concept", "place", "number"

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"([{_HAN}]+)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ORDINAL_EN = re.compile(r"^(\d+)(st|nd|rd|th)$")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇一二两三四五六七八九十百千0-9"
# 第十四 (with 第), or a numeral directly before 所/研究所/研究院 (十四所 is how CETC institutes are called).
_ORDINAL_ZH = re.compile(f"第([{_CN_NUM}]+)|([{_CN_NUM}]+)(?=所|研究所|研究院)")
_ORDINAL_WORDS = {w: i for i, w in enumerate(
    ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
     "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split())}


@dataclass(frozen=True)
class Token:
    """One comparable piece of a name: ``text`` is what is compared (a word, a concept id such as
    ``@tech``, or a number), ``source`` what the name said."""

    text: str
    kind: str
    weight: float
    source: str


@dataclass(frozen=True)
class NormName:
    original: str
    tokens: tuple[Token, ...]

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(t.text for t in self.tokens if t.kind == NUMBER)

    @property
    def words(self) -> tuple[Token, ...]:
        """Tokens compared by spelling: distinctive words and places."""
        return tuple(t for t in self.tokens if t.kind in (WORD, PLACE))

    @property
    def compact(self) -> str:
        """The distinctive words joined without spaces ("hua wei" and "huawei" agree here)."""
        return "".join(spelling(t) for t in self.tokens if t.kind == WORD)

    def query_terms(self) -> list[str]:
        """What to look up in the index: the distinctive words (and their joined form) when the name
        has any; else its places and numbers; else its generic words."""
        words = [t.text for t in self.tokens if t.kind == WORD]
        if any(len(w) > 2 for w in words):
            return list(dict.fromkeys(words + ([self.compact] if len(words) > 1 else []) + _ends(words)))
        return self.search_terms() or self.concept_terms()

    def search_terms(self) -> list[str]:
        """Terms for the full-text candidate index: words, places, numbers and the joined form."""
        terms = [spelling(t) for t in self.tokens if t.kind in (WORD, PLACE)]
        terms += ["n" + t.text for t in self.tokens if t.kind == NUMBER]
        words = [t.text for t in self.tokens if t.kind == WORD]
        if len(words) > 1:
            terms.append(self.compact)
        return list(dict.fromkeys(t for t in terms + _ends(words) if t))

    def concept_terms(self) -> list[str]:
        """Index terms of the generic words ("k" + concept): searched only for a name made of
        generic words alone ("Semiconductor Manufacturing International Corporation")."""
        return list(dict.fromkeys("k" + t.text[1:] for t in self.tokens if t.kind == CONCEPT))


def _ends(words: list[str]) -> list[str]:
    """Index terms for typos: "p" + the first four letters and "s" + the last four of each word of
    five letters or more ("huawie" still shares "phuaw" with "huawei")."""
    return [f"{k}{w[:4] if k == 'p' else w[-4:]}" for w in words if len(w) >= 5 for k in ("p", "s")]


def spelling(token: Token) -> str:
    """The Latin spelling compared for a word or place (a place concept is spelt by its id)."""
    if token.kind == PLACE:
        return token.text[1:].replace("_", "")
    return token.text


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to simplified; text without Han characters is returned as is."""
    if not _HAN_RUN.search(text):
        return text
    return _t2s().convert(text)


def pinyin(text: str) -> list[str]:
    """Toneless pinyin syllables of a Chinese run (non-Han characters pass through)."""
    from pypinyin import lazy_pinyin

    return [s.lower() for s in lazy_pinyin(text)]


def _cn_number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = current * 10 + _CN_DIGITS[ch] if current and ch in "零〇" else _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        elif ch.isdigit():
            current = current * 10 + int(ch)
        else:
            return None
    return total + current


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, int, int]:
    """(English phrase -> (concept, class), Chinese term -> concepts, longest phrase in words,
    longest Chinese term in characters). Pinyin spellings of the Chinese terms are added to the
    English side: joined ("youxiangongsi"), spaced by syllable and in two-syllable words."""
    latin: dict[tuple[str, ...], tuple[str, str]] = {}
    chinese: dict[str, tuple[tuple[str, str], ...]] = {}
    for concept, cls, english, zh in TABLE:
        for phrase in english:
            latin.setdefault(tuple(phrase.split()), (concept, cls))
        for term in zh:
            chinese.setdefault(term, ((concept, cls),))
            syll = pinyin(term)
            forms = {tuple(syll), ("".join(syll),)}
            if len(syll) % 2 == 0 and len(syll) > 2:
                forms.add(tuple(syll[i] + syll[i + 1] for i in range(0, len(syll), 2)))
            for form in forms:
                if len(form) == 1 and len(form[0]) <= 3:
                    continue  # a one-syllable pinyin form ("he", "suo") is too ambiguous to read as a concept
                latin.setdefault(form, (concept, cls))
    classes = {c: cls for c, cls, _e, _z in TABLE}
    for term, concepts in COMPOUNDS_ZH.items():
        chinese[term] = tuple((c, classes[c]) for c in concepts)
    return latin, chinese, max(len(k) for k in latin), max(len(k) for k in chinese)


def _concept_token(concept: str, cls: str, source: str) -> Token:
    return Token(concept, PLACE if cls == "place" else CONCEPT, WEIGHTS[cls], source)


def _word_token(text: str, source: str) -> Token:
    weight = DISTINCTIVE_WEIGHT if len(text) > 2 else DISTINCTIVE_WEIGHT / 2
    return Token(text, WORD, weight, source)


def _latin_tokens(segment: str) -> list[Token]:
    from anyascii import anyascii

    # symbols (emoji, "+", "©") are dropped first: anyascii would spell them out as words
    segment = "".join(" " if unicodedata.category(ch)[0] == "S" else ch for ch in segment)
    ascii_text = anyascii(segment).lower().replace("&", " and ")
    words = [w for w in _NON_ALNUM.split(ascii_text) if w]
    latin, _zh, longest, _ = _tables()
    out: list[Token] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("no", "nr", "number", "di") and i + 1 < len(words) and words[i + 1].isdigit():
            out.append(Token(str(int(words[i + 1])), NUMBER, NUMBER_WEIGHT, f"{w} {words[i + 1]}"))
            i += 2
            continue
        m = _ORDINAL_EN.match(w)
        if w.isdigit() or m:
            out.append(Token(str(int(m.group(1) if m else w)), NUMBER, NUMBER_WEIGHT, w))
            i += 1
            continue
        if w in _ORDINAL_WORDS:
            out.append(Token(str(_ORDINAL_WORDS[w]), NUMBER, NUMBER_WEIGHT, w))
            i += 1
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = latin.get(tuple(words[i:i + n]))
            if hit:
                out.append(_concept_token(hit[0], hit[1], " ".join(words[i:i + n])))
                i += n
                break
        else:
            if w not in STOP_WORDS:
                out.append(_word_token(w, w))
            i += 1
    return out


def _han_tokens(run: str, after_number: bool = False) -> list[Token]:
    _latin, chinese, _l, longest = _tables()
    out: list[Token] = []
    pending = ""
    if after_number and run.startswith("所"):  # "38所": the digits were read as Latin text
        out.append(_concept_token("@research_institute", "generic", "所"))
        run = run[1:]

    def flush() -> None:
        nonlocal pending
        if pending:
            out.append(_word_token("".join(pinyin(pending)), pending))
            pending = ""

    i = 0
    while i < len(run):
        m = _ORDINAL_ZH.match(run, i)
        if m:
            value = _cn_number(m.group(1) or m.group(2))
            if value is not None:
                flush()
                out.append(Token(str(value), NUMBER, NUMBER_WEIGHT, m.group(0)))
                i = m.end()
                if run.startswith("所", i):
                    out.append(_concept_token("@research_institute", "generic", "所"))
                    i += 1
                continue
        for n in range(min(longest, len(run) - i), 0, -1):
            hit = chinese.get(run[i:i + n])
            if hit:
                flush()
                out.extend(_concept_token(c, cls, run[i:i + n]) for c, cls in hit)
                i += n
                break
        else:
            pending += run[i]
            i += 1
    flush()
    return out


@lru_cache(maxsize=4096)
def normalise(name: str) -> NormName:
    """The tokens of ``name`` (see the module's docstring)."""
    text = to_simplified(identity_key(name))
    tokens: list[Token] = []
    for k, part in enumerate(_HAN_RUN.split(text)):
        if not part:
            continue
        after_number = bool(tokens) and tokens[-1].kind == NUMBER
        tokens.extend(_han_tokens(part, after_number) if k % 2 else _latin_tokens(part))
    return NormName(name, tuple(tokens))


def pinyin_forms(name: str) -> tuple[str, str]:
    """The name's pinyin with syllables spaced and without spaces ("" when it has no Chinese)."""
    text = to_simplified(identity_key(name))
    runs = _HAN_RUN.findall(text)
    if not runs:
        return "", ""
    syllables = [s for run in runs for s in pinyin(run)]
    return " ".join(syllables), "".join(syllables)


def from_stored(name: str, rows: list) -> NormName:
    """A :class:`NormName` rebuilt from :func:`to_stored` rows (no re-normalising at screening time)."""
    return NormName(name, tuple(Token(t[0], t[1], t[2], t[3]) for t in rows))


def to_stored(name: NormName) -> list:
    return [[t.text, t.kind, t.weight, t.source] for t in name.tokens]
