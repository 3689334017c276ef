"""Small text rules shared by every output: no doubled punctuation, ids that wrap only at hyphens,
long user text shortened with the full text kept elsewhere."""

from __future__ import annotations

import re
from typing import Callable

_DOUBLED = [
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "."),     # "export.." -> "export." (an ellipsis "..." stays)
    (re.compile(r"\.\s*;"), ";"),                 # ".;" -> ";"
    (re.compile(r";\s*\."), "."),                 # ";." -> "."
    (re.compile(r"([。；：！？])[。.]"), r"\1"),   # "。。", "。." -> "。"
    (re.compile(r"\.\s*。"), "。"),
    (re.compile(r"([，、])[，、。]"), r"\1"),
]


def tidy(text: str) -> str:
    """A composed sentence without doubled punctuation ("before export..", "[unverified]..", ".;")."""
    for pattern, repl in _DOUBLED:
        text = pattern.sub(repl, text)
    return text


def hyphen_lines(identifier: str, fits: Callable[[str], bool]) -> list[str]:
    """Split an id such as ``us-ai-diffusion-2025-01`` into lines that each fit, breaking only
    after hyphens (a segment too long for any line stays whole rather than breaking mid-word)."""
    parts = identifier.split("-")
    segments = [p + "-" for p in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    current = ""
    for seg in segments:
        if current and not fits(current + seg):
            lines.append(current)
            current = seg
        else:
            current += seg
    if current:
        lines.append(current)
    return lines


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters with an ellipsis; (shown, was it shortened)."""
    if len(text) <= limit:
        return text, False
    return text[: max(1, limit - 1)].rstrip() + "…", True
