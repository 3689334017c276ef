"""The memo document: page template, styles, safe text, footer with hashes and "page x of y".

Safety (reliability.md §2, CVE-2023-33733, CVE-2020-28463): reportlab Paragraph text is markup, so
every string that did not come from this package's own constants goes through :meth:`Kit.t`, which
escapes it with ``xml.sax.saxutils.escape`` first and only then adds our own ``<font>`` tags around
characters the base font lacks. Nothing here ever emits ``<img>``, links or colour expressions from
data, so a product name such as ``<img src="/etc/hosts"/>`` prints literally and opens nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from workbench.io.memo.fonts import CJKFont, cjk_font, has_cjk
from workbench.wording.text import shorten, tidy

# User text longer than these is shortened where it appears (with "…") and printed in full in the
# memo's appendix, so no name, note or source can make a page overflow (reportlab LayoutError).
CELL_LIMIT = 300
PARAGRAPH_LIMIT = 1500

# Chinese line breaking (kinsoku): reportlab's CJK wrap keeps the characters of
# textsplit.ALL_CANNOT_START off the start of a line, but its list lacks the full-width colon,
# semicolon, comma, question and exclamation marks, so a "：" could wrap onto a line of its own.
# The paragraph module reads the name it imported, so both copies are extended (once).
NO_LINE_START = "：；，？！％》〉”’·…"


def _extend_kinsoku() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in NO_LINE_START if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START = module.ALL_CANNOT_START + missing


_extend_kinsoku()

PAGE = A4
SIDE = 15 * mm
TOP = 18 * mm
WIDTH = PAGE[0] - 2 * SIDE
INK = colors.HexColor("#1B2430")
ACCENT = colors.HexColor("#1F4E79")
RULE = colors.HexColor("#C9D1DB")
HEAD_BG = colors.HexColor("#E8EDF3")
CHANGED_BG = colors.HexColor("#FFF2CC")

_SYMBOLS = re.compile("[≥≤≠→∈≈∞]")
_CJK_RUN = re.compile(r"[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\U00020000-\U0002FA1F]+")


class Kit:
    """Styles and the one safe way to turn text into Paragraph markup, for one memo language."""

    def __init__(self, lang: str, cjk_loader: Callable[[], CJKFont] = cjk_font):
        self.lang = lang
        self.full_texts: dict[str, str] = {}  # shortened text -> its full text (the appendix)
        self._cjk_loader = cjk_loader
        self._cjk: Optional[CJKFont] = None
        if lang == "zh":
            font = self.cjk()
            self.base, self.bold = font.name, font.name
        else:
            self.base, self.bold = "Helvetica", "Helvetica-Bold"
        wrap = "CJK" if lang == "zh" else None
        self.styles = {
            "title": self._style("title", 17, 21, bold=True, color=ACCENT, after=2, wrap=wrap),
            "company": self._style("company", 10.5, 13, bold=True, color=INK, after=6, wrap=wrap),
            "h2": self._style("h2", 12.5, 16, bold=True, color=ACCENT, before=12, after=5, wrap=wrap),
            "h3": self._style("h3", 10.5, 13.5, bold=True, color=INK, before=9, after=3, wrap=wrap),
            "h4": self._style("h4", 9, 12, bold=True, color=ACCENT, before=6, after=2, wrap=wrap),
            "body": self._style("body", 9.2, 13, after=4, wrap=wrap),
            "small": self._style("small", 7.6, 9.3, wrap=wrap),
            "cell": self._style("cell", 7.4, 8.9, wrap=wrap),
            "cellb": self._style("cellb", 7.4, 8.9, bold=True, wrap=wrap),
            "tiny": self._style("tiny", 6.2, 7.6, wrap=wrap),
            "note": self._style("note", 6.8, 8.4, wrap=wrap, indent=14, color=colors.HexColor("#3A4250")),
            "tinyb": self._style("tinyb", 6.2, 7.6, bold=True, wrap=wrap),
            "mono": ParagraphStyle("mono", fontName="Courier", fontSize=6.6, leading=8.4),
            "bullet": self._style("bullet", 8.6, 11.6, after=2, wrap=wrap, indent=10),
            "right": self._style("right", 7.4, 9.2, wrap=wrap, align=TA_RIGHT),
            # The appendix's full texts: CJK wrapping breaks anywhere, so an unbroken run wraps too.
            "full": self._style("full", 6.8, 8.4, wrap="CJK"),
        }

    def _style(self, name, size, leading, bold=False, color=INK, before=0, after=0, wrap=None, indent=0, align=0):
        style = ParagraphStyle(name, fontName=self.bold if bold else self.base, fontSize=size, leading=leading,
                               textColor=color, spaceBefore=before, spaceAfter=after, leftIndent=indent,
                               bulletIndent=0, alignment=align)
        if wrap:
            style.wordWrap = wrap
        return style

    def cjk(self) -> CJKFont:
        if self._cjk is None:
            self._cjk = self._cjk_loader()
        return self._cjk

    @property
    def cjk_used(self) -> Optional[CJKFont]:
        return self._cjk

    def t(self, text: object) -> str:
        """Escaped, font-patched markup for any text that is not one of our constants."""
        s = escape("" if text is None else str(text))
        if self.lang != "zh":
            s = _SYMBOLS.sub(lambda m: f'<font name="Symbol">{m.group(0)}</font>', s)
            if has_cjk(s):
                name = self.cjk().name
                s = _CJK_RUN.sub(lambda m: f'<font name="{name}">{m.group(0)}</font>', s)
        return s

    def u(self, text: object, limit: int = 160) -> str:
        """User text for the body: cut to ``limit`` characters, the full text kept for the appendix."""
        full = "" if text is None else str(text)
        shown, cut = shorten(full, limit)
        if cut:
            self.full_texts.setdefault(shown, full)
        return shown

    def p(self, text: object, style: str = "body", bold: bool = False) -> Paragraph:
        text = "" if text is None else str(text)
        if len(text) > PARAGRAPH_LIMIT and style != "full":
            text = self.u(text, PARAGRAPH_LIMIT)
        markup = self.t(tidy(text) if style != "full" else text)
        if bold:
            markup = f"<b>{markup}</b>" if self.lang != "zh" else markup
            style = {"cell": "cellb", "tiny": "tinyb"}.get(style, style)
        return Paragraph(markup, self.styles[style])

    def id_cell(self, identifier: str, width: float, style: str = "tiny", bold: bool = True) -> Paragraph:
        """A regime id in a narrow column, wrapped only after its hyphens (never mid-word)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from workbench.wording.text import hyphen_lines

        st = self.styles[style + "b" if bold and style in ("cell", "tiny") else style]
        # a margin over the cell padding: the CJK wrap must never find a line too long and break it again
        lines = hyphen_lines(identifier, lambda t: stringWidth(t, st.fontName, st.fontSize) * 1.05 <= width - 10)
        return Paragraph("<br/>".join(self.t(line) for line in lines), st)

    def _plain_fits(self, text: str, width: float, font: str, size: float) -> bool:
        """A cell reportlab can draw as a plain string: one line that fits, in glyphs the font has.

        Plain strings are drawn with canvas.drawString and never parsed as markup, and they lay out
        several times faster than a Paragraph; anything longer, or needing another font, is a
        Paragraph made by :meth:`p` (escaped)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if not text or "\n" in text or len(text) > 80:
            return False
        if self.lang != "zh":
            if _SYMBOLS.search(text) or has_cjk(text):
                return False
            try:
                text.encode("cp1252")
            except UnicodeEncodeError:
                return False
        return stringWidth(text, font, size) <= width - 6.5

    def table(self, rows: Sequence[Sequence[object]], widths: Sequence[float], style: str = "cell",
              header: bool = True, extra: Sequence[tuple] = (), bold_first_col: bool = False) -> Table:
        """A table whose text cells are escaped Paragraphs, or plain strings where one line fits
        (never markup); Paragraphs and other flowables pass through."""
        st = self.styles[style]
        bold_font = self.styles.get(style + "b", st).fontName if style in ("cell", "tiny") else self.bold
        cells, commands = [], []
        for r, row in enumerate(rows):
            out = []
            for c, value in enumerate(row):
                bold = (header and r == 0) or (bold_first_col and c == 0)
                if isinstance(value, Paragraph) or hasattr(value, "wrapOn"):
                    out.append(value)
                    continue
                text = "" if value is None else str(value)
                if len(text) > CELL_LIMIT:
                    text = self.u(text, CELL_LIMIT)
                font = bold_font if bold else st.fontName
                if self._plain_fits(text, widths[c], font, st.fontSize):
                    out.append(text)
                    if bold:
                        commands.append(("FONT", (c, r), (c, r), font, st.fontSize, st.leading))
                else:
                    out.append(self.p(text, style, bold=bold))
            cells.append(out)
        table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
        commands = [
            ("FONT", (0, 0), (-1, -1), st.fontName, st.fontSize, st.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), st.textColor),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1.8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ] + commands
        if header:
            commands += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT)]
        table.setStyle(TableStyle(commands + list(extra)))
        return table


@dataclass(frozen=True)
class Footer:
    """What every page carries: the memo id, "page x of y", a one-line reference to the memo's
    Integrity section (audit head), and the DEMO DATA or modified-rules mark when they apply."""

    memo_line: str
    page_label: str  # e.g. "Page {x} of {y}"
    header_line: str
    integrity_line: str  # e.g. "Integrity: audit #12 3f2a9c1e… (section 9)"
    font: str
    bold: str
    cjk: Optional[str] = None  # font for user text with CJK characters in an English memo
    mark: str = ""  # "DEMO DATA – not for compliance decisions" on every page of a demo memo
    banner: str = ""  # a modified ruleset

    def _font_for(self, text: str, default: str) -> str:
        return self.cjk if self.cjk and has_cjk(text) else default

    @property
    def height(self) -> float:
        return 7.5 + 7 + 8 * (bool(self.mark) + bool(self.banner)) + 4

    def draw(self, c: rl_canvas.Canvas, page: int, pages: int) -> None:
        c.saveState()
        left, right = SIDE, PAGE[0] - SIDE
        if page > 1:
            c.setFont(self._font_for(self.header_line, self.font), 7)
            c.setFillColor(colors.HexColor("#5A6270"))
            c.drawString(left, PAGE[1] - 11 * mm, self.header_line)
            c.setStrokeColor(RULE)
            c.setLineWidth(0.4)
            c.line(left, PAGE[1] - 12.5 * mm, right, PAGE[1] - 12.5 * mm)
        if self.mark:
            c.setFont(self.bold, 9)
            c.setFillColor(colors.HexColor("#B00020"))
            c.drawRightString(right, PAGE[1] - 8 * mm, self.mark)
        top = 10 * mm + self.height
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.line(left, top, right, top)
        y = top - 8
        c.setFillColor(INK)
        c.setFont(self._font_for(self.memo_line, self.bold), 7)
        c.drawString(left, y, self.memo_line)
        c.setFont(self.bold, 7)
        c.drawRightString(right, y, self.page_label.format(x=page, y=pages))
        y -= 7.5
        c.setFillColor(colors.HexColor("#3A4250"))
        c.setFont(self.font, 6)
        c.drawString(left, y, self.integrity_line)
        for text in (self.mark, self.banner):
            if text:
                y -= 8
                c.setFont(self.bold, 7)
                c.setFillColor(colors.HexColor("#B00020"))
                c.drawString(left, y, text)
        c.restoreState()


def numbered_canvas(footer: Footer, pages_out: list):
    """A canvas class that draws the footer after the last page, when the page count is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            pages_out.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                footer.draw(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas
