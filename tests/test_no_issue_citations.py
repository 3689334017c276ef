"""Comments and docstrings say why, not which issue asked: an issue number means nothing to the
next reader of the code (the tracker is not shipped with it), so none may appear in the source."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"\b[Ii]ssues? #?\d+\b")


def _comments_and_strings(path: Path):
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type in (tokenize.COMMENT, tokenize.STRING):
                yield token.start[0], token.string


def test_the_source_cites_no_issue_numbers():
    found = [f"{path.relative_to(ROOT)}:{line}"
             for folder in ("workbench", "bench", "packaging")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for line, text in _comments_and_strings(path) if CITATION.search(text)]
    assert found == []


def test_the_pattern_catches_a_citation_and_spares_ordinary_words():
    assert CITATION.search("start-up time (issue 4): the rows are painted first")
    assert CITATION.search("see Issue #12")
    assert not CITATION.search("the issue date of a letter, 2025-05-13")
    assert not CITATION.search("issued 3 letters")
