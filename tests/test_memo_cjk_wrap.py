"""Chinese memo text never starts a line with closing punctuation (the full-width colon, comma,
semicolon ...): reportlab's CJK wrap is given the full kinsoku list."""

from __future__ import annotations

import pytest

from workbench.io.memo.layout import NO_LINE_START, Kit


@pytest.mark.parametrize("mark", list("：；，？！"))
def test_no_line_starts_with_closing_punctuation(mark):
    kit = Kit("zh")
    for width in range(60, 200, 3):  # many break positions: the mark lands at a line end somewhere
        para = kit.p("许可证要求" * 3 + mark + "需要许可证审查政策推定拒绝" * 3, "body")
        para.wrap(width, 10_000)
        lines = ["".join(getattr(w, "text", w) if isinstance(w, str) else "".join(map(str, w))
                         for w in (line.words if hasattr(line, "words") else line[1]))
                 for line in para.blPara.lines]
        for line in lines[1:]:
            assert line.strip()[:1] not in NO_LINE_START, (width, lines)
