"""Score a screened name against one list name, token by token, and say why.

The score is the harmonic mean of two coverages: how much of the screened name's weight the
list name accounts for, and how much of the list name's weight the screened name accounts for
(weights from :mod:`.lexicon`; legal forms are interchangeable: distinctive words 1, places 0.35, generic words 0.25, legal forms
0.1). Missing or extra distinctive words therefore cost much; "Co., Ltd." against "Corporation"
costs little. Words are compared by Jaro-Winkler (a word counts from 0.85); concepts and
numbers only when equal. A second reading compares the distinctive words joined without spaces
("Hua Wei" and "Huawei"), and the better reading is kept. Then:

- a place named by only one of the names is left out of the comparison; cities and provinces
  must agree when both names carry one (x0.7: "National
  Supercomputing Center Jinan" is not "... Wuxi"); countries do not count here;
- numbers (ordinals) must agree: both names carry numbers and they differ -> the score is
  multiplied by 0.3 ("14th Research Institute" is not "38th"); only one name has one -> 0.85;
- a country or an address given with the screened party nudges the score up or down a little.

Every step adds a reason. Nothing is cleared here: the score only orders a review queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from rapidfuzz.distance import JaroWinkler, Levenshtein

from workbench.screening.lexicon import COUNTRY_PLACES, FORMS
from workbench.screening.normalise import CONCEPT, NUMBER, PLACE, WORD, NormName, Token, spelling

WORD_MATCH = 0.85  # Jaro-Winkler similarity from which two words count as the same word
JOINED_MATCH = 0.88  # normalised Levenshtein similarity for the joined-spelling reading
NUMBER_CONFLICT = 0.3
NUMBER_ONE_SIDED = 0.85
PLACE_CONFLICT = 0.7
COUNTRY_AGREES, COUNTRY_DIFFERS = 0.03, 0.9
ADDRESS_BONUS = 0.03


@dataclass(frozen=True)
class Score:
    score: float
    reasons: tuple[str, ...]


@dataclass
class _Pair:
    q: Optional[Token]
    e: Optional[Token]
    sim: float = 0.0


def _similarity(a: Token, b: Token) -> float:
    if a.kind in (CONCEPT, NUMBER) or b.kind in (CONCEPT, NUMBER):
        if a.kind == b.kind and (a.text == b.text or (a.text in FORMS and b.text in FORMS)):
            return 1.0
        return 0.0
    return _spelling_similarity(spelling(a), spelling(b))


def _spelling_similarity(x: str, y: str) -> float:
    if x == y:
        return 1.0
    if min(len(x), len(y)) <= 3:
        return 0.0  # short words and initials must be spelt the same
    sim = JaroWinkler.normalized_similarity(x, y)
    return sim if sim >= WORD_MATCH else 0.0


def _align(q: Sequence[Token], e: Sequence[Token]) -> list[_Pair]:
    """Greedy one-to-one alignment, best pairs first; unmatched tokens pair with None. Words and
    places are compared by spelling; generic words and numbers only with their own kind."""
    candidates = []
    for i, a in enumerate(q):
        a_spelt = a.kind in (WORD, PLACE)
        for j, b in enumerate(e):
            if a_spelt:
                if b.kind not in (WORD, PLACE):
                    continue
                s = _spelling_similarity(spelling(a), spelling(b))
            elif a.kind != b.kind:
                continue
            else:
                s = 1.0 if a.text == b.text or (a.text in FORMS and b.text in FORMS) else 0.0
            if s > 0:
                candidates.append((s, i, j))
    candidates.sort(reverse=True)
    used_q, used_e, pairs = set(), set(), []
    for s, i, j in candidates:
        if i in used_q or j in used_e:
            continue
        used_q.add(i)
        used_e.add(j)
        pairs.append(_Pair(q[i], e[j], s))
    pairs += [_Pair(t, None) for i, t in enumerate(q) if i not in used_q]
    pairs += [_Pair(None, t) for j, t in enumerate(e) if j not in used_e]
    return pairs


def _f_score(pairs: Iterable[_Pair]) -> float:
    pairs = list(pairs)
    wq = sum(p.q.weight for p in pairs if p.q)
    we = sum(p.e.weight for p in pairs if p.e)
    if wq == 0 or we == 0:
        return 0.0
    cq = sum(p.q.weight * p.sim for p in pairs if p.q and p.e) / wq
    ce = sum(p.e.weight * p.sim for p in pairs if p.q and p.e) / we
    return 0.0 if cq + ce == 0 else 2 * cq * ce / (cq + ce)


def _describe(p: _Pair) -> str:
    if p.q and p.e:
        how = "same" if p.sim == 1.0 else f"similar {p.sim:.2f}"
        what = {CONCEPT: "generic word", PLACE: "place", NUMBER: "number", WORD: "word"}[p.e.kind]
        return f"{what} '{p.q.source}' ~ '{p.e.source}' ({how}, weight {p.e.weight:g})"
    if p.q:
        label = "distinctive word" if p.q.kind == WORD else p.q.kind if p.q.kind != CONCEPT else "generic word"
        return f"{label} '{p.q.source}' not in the list name (weight {p.q.weight:g})"
    label = "distinctive word" if p.e.kind == WORD else p.e.kind if p.e.kind != CONCEPT else "generic word"
    return f"{label} '{p.e.source}' of the list name not in the screened name (weight {p.e.weight:g})"


def _joined_reading(q: NormName, e: NormName) -> Optional[tuple[list[_Pair], str]]:
    """The alignment with the distinctive words of each side joined into one word, when the
    joined spellings agree (and at least one side had several words or different spacing)."""
    qc, ec = q.compact, e.compact
    if not qc or not ec:
        return None
    sim = 1.0 if qc == ec else Levenshtein.normalized_similarity(qc, ec)
    if sim < JOINED_MATCH:
        return None
    qw = [t for t in q.tokens if t.kind == WORD]
    ew = [t for t in e.tokens if t.kind == WORD]
    jq = Token(qc, WORD, sum(t.weight for t in qw), " ".join(t.source for t in qw))
    je = Token(ec, WORD, sum(t.weight for t in ew), " ".join(t.source for t in ew))
    rest = _align([t for t in q.tokens if t.kind != WORD], [t for t in e.tokens if t.kind != WORD])
    return [_Pair(jq, je, sim)] + rest, f"joined spelling '{qc}' ~ '{ec}' ({sim:.2f})"


def score_names(q: NormName, e: NormName, explain: bool = True) -> Score:
    """How alike two normalised names are (0..1), with the reasons (see the module docstring).
    ``explain=False`` skips writing the reasons (a first pass over many candidates)."""
    pairs, dropped = _without_one_sided_places(_align(q.tokens, e.tokens), q, e)
    best = _f_score(pairs)
    lead: list[str] = []
    joined = _joined_reading(q, e)
    if joined is not None:
        alt_pairs, alt_dropped = _without_one_sided_places(joined[0], q, e)
        alt = _f_score(alt_pairs)
        if alt > best:
            best, pairs, dropped, lead = alt, alt_pairs, alt_dropped, [joined[1]]
    if explain:
        lead += [f"place '{t.source}' named on one side only (not counted)" for t in dropped]
    reasons = (lead + [_describe(p) for p in sorted(pairs, key=lambda p: (not (p.q and p.e), -(p.sim or 0)))]
               if explain else [])
    qn, en = q.numbers, e.numbers
    if qn and en and qn != en:
        best *= NUMBER_CONFLICT
        reasons.append(f"numbers differ: {', '.join(sorted(qn))} vs {', '.join(sorted(en))} (x{NUMBER_CONFLICT})")
    elif bool(qn) != bool(en):
        best *= NUMBER_ONE_SIDED
        side = "screened name" if qn else "list name"
        reasons.append(f"number {', '.join(sorted(qn or en))} only in the {side} (x{NUMBER_ONE_SIDED})")
    qp, ep = _local_places(q), _local_places(e)
    if qp and ep and not qp & ep:
        best *= PLACE_CONFLICT
        reasons.append(f"places differ: {', '.join(sorted(p[1:] for p in qp))} vs "
                       f"{', '.join(sorted(p[1:] for p in ep))} (x{PLACE_CONFLICT})")
    return Score(round(min(1.0, best), 4), tuple(reasons))


def _without_one_sided_places(pairs: list[_Pair], q: NormName, e: NormName) -> tuple[list[_Pair], list[Token]]:
    """A place named by only one of the two names is no evidence either way ("Haiguang" and
    "Chengdu Haiguang"): its unmatched place tokens leave the comparison."""
    q_places = any(t.kind == PLACE for t in q.tokens)
    e_places = any(t.kind == PLACE for t in e.tokens)
    kept, dropped = [], []
    for p in pairs:
        if p.q is None and p.e.kind == PLACE and not q_places:
            dropped.append(p.e)
        elif p.e is None and p.q.kind == PLACE and not e_places:
            dropped.append(p.q)
        else:
            kept.append(p)
    return kept, dropped


def _local_places(name: NormName) -> frozenset[str]:
    return frozenset(t.text for t in name.tokens if t.kind == PLACE and t.text not in COUNTRY_PLACES)


def adjust_for_place(result: Score, country: Optional[str], entry_countries: Iterable[str],
                     address: Optional[str] = None, entry_addresses: Iterable[str] = ()) -> Score:
    """Nudge a name score by the country and address given with the screened party."""
    score, reasons = result.score, list(result.reasons)
    countries = {c.upper() for c in entry_countries if c}
    if country and countries:
        if country.upper() in countries:
            score = min(1.0, score + COUNTRY_AGREES)
            reasons.append(f"country {country.upper()} agrees (+{COUNTRY_AGREES})")
        else:
            score *= COUNTRY_DIFFERS
            reasons.append(f"country {country.upper()} not among the entry's ({', '.join(sorted(countries))}) "
                           f"(x{COUNTRY_DIFFERS})")
    if address:
        from workbench.screening.normalise import normalise

        given = {spelling(t) for t in normalise(address).tokens if t.kind in (WORD, PLACE)}
        best, where = 0.0, ""
        for text in entry_addresses:
            theirs = {spelling(t) for t in normalise(text).tokens if t.kind in (WORD, PLACE)}
            if given and theirs:
                overlap = len(given & theirs) / len(given | theirs)
                if overlap > best:
                    best, where = overlap, text
        if best >= 0.3:
            score = min(1.0, score + ADDRESS_BONUS)
            reasons.append(f"address shares {best:.0%} of its words with '{where}' (+{ADDRESS_BONUS})")
    return Score(round(score, 4), tuple(reasons))


@dataclass(frozen=True)
class NameScore:
    """The best-scoring of an entry's names (its name and alt_names)."""

    name: str
    score: Score
    others: tuple[str, ...] = field(default=())


def best_name(q: NormName, names: Sequence[NormName]) -> NameScore:
    scored = [(score_names(q, n), n.original) for n in names]
    top, name = max(scored, key=lambda s: s[0].score)
    return NameScore(name, top)
