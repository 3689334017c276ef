"""Memo wording shared by both languages: number formats, symbols, precision names.

The English and Simplified Chinese wording live in strings_en.py and strings_zh.py.

Everything returned here is *plain text*: the layout escapes it before it reaches reportlab, so a
sentence that quotes a product name can never open markup. Chinese follows the project glossary
(总处理性能 (TPP), 性能密度（算力密度）, 适用芯片面积, 距阈值余量, 许可例外, 告知函 ...) and is written
as sentences, not label-by-label translation. Regulatory text taken from the rulesets (rule
descriptions, licence conditions, citations) stays in English in both memos: it is quoted, and the
Chinese memo says so.
"""

from __future__ import annotations

from typing import Optional



from workbench.wording.labels import PRECISION, THROUGHPUT as _THROUGHPUT  # noqa: E402,F401
from workbench.wording.numbers import fmt_num, fmt_pct  # noqa: E402,F401  (one number format everywhere)
from workbench.wording.symbols import OPS  # noqa: E402,F401


def strings_for(lang: str):
    """The wording for a memo language: strings_zh.Chinese for "zh", else strings_en.English."""
    if lang == "zh":
        from workbench.io.memo.strings_zh import Chinese

        return Chinese()
    from workbench.io.memo.strings_en import English

    return English()
