"""Fonts for memos: an embedded TrueType CJK font where the system has one, else reportlab's CID font.

Why (machine-setup.md): reportlab's built-in CID fonts (STSong-Light) need no file but are not
embedded, so a reader without CJK fonts shows boxes; a TrueType CJK font embeds as a subset and
renders everywhere. Noto CJK / Source Han (CFF outlines) cannot be embedded by reportlab, so only
TrueType-outline fonts are listed. A font file that fails to load is skipped, never fatal.
Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

CJK_FONT_NAME = "WorkbenchCJK"
CID_FALLBACK = "STSong-Light"

# (path, subfont index in a .ttc, display name). Order: Linux (README set-up), Windows, macOS.
_CANDIDATES: list[tuple[str, int, str]] = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing"),
    ("%WINDIR%/Fonts/msyh.ttc", 0, "Microsoft YaHei"),
    ("%WINDIR%/Fonts/msyh.ttf", 0, "Microsoft YaHei"),
    ("%WINDIR%/Fonts/simhei.ttf", 0, "SimHei"),
    ("%WINDIR%/Fonts/simsun.ttc", 0, "SimSun"),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0, "STHeiti Light"),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0, "Hiragino Sans GB"),
    ("/Library/Fonts/Arial Unicode.ttf", 0, "Arial Unicode MS"),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0, "Arial Unicode MS"),
]


@dataclass(frozen=True)
class CJKFont:
    name: str  # the reportlab font name to use in styles and <font name=...>
    display: str  # what the memo says was used
    embedded: bool
    path: Optional[str]


def _expand(path: str) -> str:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or "C:/Windows"
    return path.replace("%WINDIR%", windir)


def candidate_paths() -> list[tuple[str, int, str]]:
    """WORKBENCH_CJK_FONT (a .ttf/.ttc path) first, then the usual system fonts."""
    items = []
    override = os.environ.get("WORKBENCH_CJK_FONT")
    if override:
        items.append((override, 0, Path(override).stem))
    for path, index, name in _CANDIDATES:
        if path.startswith("%WINDIR%") and sys.platform != "win32":
            continue
        items.append((_expand(path), index, name))
    return items


_cache: dict[tuple, CJKFont] = {}


def cjk_font(candidates: Optional[list[tuple[str, int, str]]] = None) -> CJKFont:
    """Register and return the CJK font for this process (cached per candidate list)."""
    key = tuple(candidates) if candidates is not None else ("default", os.environ.get("WORKBENCH_CJK_FONT"))
    if key in _cache:
        return _cache[key]
    from reportlab.pdfbase import pdfmetrics

    font: Optional[CJKFont] = None
    for path, index, display in (candidate_paths() if candidates is None else candidates):
        if not os.path.isfile(path):
            continue
        try:
            from reportlab.pdfbase.ttfonts import TTFont

            name = f"{CJK_FONT_NAME}-{hashlib.sha256(f'{path}#{index}'.encode()).hexdigest()[:8]}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
            font = CJKFont(name, display, True, path)
            break
        except Exception:  # CFF outlines, a broken file, a collection without that index: try the next one
            continue
    if font is None:
        font = cid_font()
    _cache[key] = font
    return font


def cid_font() -> CJKFont:
    """reportlab's built-in Simplified Chinese CID font (no file, not embedded)."""
    from reportlab.pdfbase import _cidfontdata, pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    # reportlab maps MSung-Light (Traditional) onto a GB CMap, which makes its text vanish in
    # poppler (machine-setup.md); fix the table before any CID font is created, in case a
    # Traditional font is ever registered in this process.
    _cidfontdata.defaultUnicodeEncodings["MSung-Light"] = ("cht", "UniCNS-UCS2-H")
    if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CJKFont(CID_FALLBACK, f"{CID_FALLBACK} (reportlab CID font, not embedded)", False, None)


def has_cjk(text: str) -> bool:
    return any(_is_cjk(ch) for ch in text)


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF or 0xFE30 <= cp <= 0xFE4F
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x2FA1F)
