"""Compliance memos as PDF (reportlab, offline): English or Simplified Chinese.

``render_memo(data, lang, out)`` takes the MemoData (workbench.io.report_data, filled in by the services) and
writes the PDF atomically. It returns which CJK font was used (embedded TrueType, or reportlab's
CID fallback), which is also written into the memo and the PDF's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from workbench.io.atomic import atomic_write


@dataclass(frozen=True)
class Rendered:
    font: str
    embedded: bool
    pages: int


def render_memo(data, lang: str, out: Path, cancel: Optional[Callable[[], bool]] = None,
                cjk_loader=None) -> Rendered:
    from reportlab.platypus import SimpleDocTemplate

    from workbench.io.memo import layout, sections
    from workbench.io.memo.fonts import cjk_font
    from workbench.io.memo.strings import strings_for

    s = strings_for(lang)
    kit = layout.Kit(lang, cjk_loader or cjk_font)

    def font_note() -> str:
        used = kit.cjk_used
        if used is None:
            return "none needed (no Chinese text)" if lang == "en" else "—"
        return f"{used.display} ({'embedded subset' if used.embedded else 'not embedded'})" if lang == "en" else \
            f"{used.display}（{'已嵌入子集' if used.embedded else '未嵌入'}）"

    story = sections.build_story(data, kit, s, cancel, font_note)
    ctx = data.context
    company = kit.u(ctx.company, 60) if ctx.company else ""
    memo_line = f"{s.L['memo_id']} {data.memo_id}" + (f" · {company}" if company else "")
    footer = layout.Footer(
        memo_line=memo_line, page_label=s.L["page"],
        header_line=f"{s.L['title']} · {data.memo_id}" + (f" · {company}" if company else ""),
        integrity_line=s.L["footer_integrity"].format(seq=ctx.audit_seq, head=ctx.audit_head[:12], n=9),
        font=kit.base, bold=kit.bold, cjk=kit.cjk_used.name if kit.cjk_used and lang != "zh" else None,
        mark=s.L["demo_mark"] if ctx.demo else "",
        banner=s.L["modified_banner"].format(ids=", ".join(ctx.modified)) if ctx.modified else "")
    used = kit.cjk_used
    pages: list[int] = []
    with atomic_write(out) as fh:
        doc = SimpleDocTemplate(
            fh, pagesize=layout.PAGE, leftMargin=layout.SIDE, rightMargin=layout.SIDE, topMargin=layout.TOP,
            bottomMargin=10 * 2.834645669 + footer.height + 10, title=f"{s.L['title']} {data.memo_id}",
            author=ctx.prepared_by or "export-control workbench", subject=s.subject(len(data.products), len(ctx.regimes), ""),
            creator=f"export-control workbench {ctx.app_version}",
            keywords=f"memo {data.memo_id}; audit head {ctx.audit_head}; CJK font: {font_note()}",
        )
        doc.build(story, canvasmaker=layout.numbered_canvas(footer, pages))
    return Rendered(used.display if used else "none needed", bool(used and used.embedded), pages[0] if pages else 0)
