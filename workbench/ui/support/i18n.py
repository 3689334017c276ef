"""English and Simplified Chinese UI text.

Sources are Qt Linguist ``.ts`` files in resources/i18n (edited with pyside6-linguist; terms from
the shared glossary). At start the app compiles the one it needs with ``pyside6-lrelease`` into
the user cache folder (only when the .ts is newer than the cached .qm) and loads it with a real
QTranslator. Where no lrelease tool is installed it reads the .ts XML itself into
:class:`TsTranslator`, a QTranslator that answers from a dict: same source, same lookups.
No compiled .qm file is kept in the repository.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication, QTranslator

from workbench.paths import resources_dir

log = logging.getLogger("workbench.ui.support.i18n")
CONTEXT = "Workbench"
LANGUAGES = {"en": "English", "zh": "简体中文"}
TS_NAMES = {"zh": "workbench_zh_CN.ts"}


_CURRENT = {"lang": "en"}


def current_language() -> str:
    return _CURRENT["lang"]


def tr(text: str) -> str:
    """Translate UI text (context "Workbench"); every literal passed here must be in the .ts files."""
    return QCoreApplication.translate(CONTEXT, text)


def tr_noop(text: str) -> str:
    """Marks a literal kept untranslated in a table (headers, constants) and passed to tr() when shown;
    the .ts coverage test collects tr_noop literals like tr ones."""
    return text


def ts_path(lang: str) -> Optional[Path]:
    name = TS_NAMES.get(lang)
    return resources_dir() / "i18n" / name if name else None


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation, from a Linguist .ts file (our own file, not user input)."""
    import xml.etree.ElementTree as ET  # (imports here: not needed for an English start)

    table: dict[tuple[str, str], str] = {}
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source, trans = msg.find("source"), msg.find("translation")
            if source is None or trans is None or trans.get("type") in ("unfinished", "obsolete"):
                continue
            if source.text and trans.text:
                table[(name, source.text)] = trans.text
    return table


class TsTranslator(QTranslator):
    """A QTranslator answering from a .ts file read in Python (used when lrelease is missing)."""

    def __init__(self, table: dict[tuple[str, str], str], parent=None):
        super().__init__(parent)
        self.table = table

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 - Qt override
        return self.table.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return not self.table


def find_lrelease() -> Optional[str]:
    import shutil

    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "lrelease"):
        candidate = here / name
        if candidate.exists():
            return str(candidate)
    return shutil.which("pyside6-lrelease")


def compile_ts(ts: Path, cache_dir: Path) -> Optional[Path]:
    """The .ts compiled to a .qm in ``cache_dir`` (reused while newer than the .ts); None if impossible."""
    import subprocess

    qm = cache_dir / (ts.stem + ".qm")
    if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
        return qm
    tool = find_lrelease()
    if not tool:
        return None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = qm.with_suffix(f".{os.getpid()}.tmp")
        subprocess.run([tool, "-silent", str(ts), "-qm", str(tmp)], check=True, capture_output=True, timeout=60)
        os.replace(tmp, qm)
        return qm
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("lrelease failed for %s: %s; reading the .ts directly", ts, exc)
        return None


def make_translator(lang: str, cache_dir: Optional[Path], use_lrelease: bool = True) -> Optional[QTranslator]:
    """A translator for ``lang`` (None for English, the source language)."""
    ts = ts_path(lang)
    if ts is None:
        return None
    if use_lrelease and cache_dir is not None:
        qm = compile_ts(ts, cache_dir)
        if qm is not None:
            translator = QTranslator()
            if translator.load(str(qm)):
                return translator
            log.warning("could not load %s; reading the .ts directly", qm)
    return TsTranslator(read_ts(ts))


class LanguageSwitch:
    """Installs at most one app translator and swaps it when the user picks another language."""

    def __init__(self, cache_dir: Optional[Path]):
        self.cache_dir = cache_dir
        self.current: Optional[QTranslator] = None
        self.lang = "en"

    def apply(self, lang: str, use_lrelease: bool = True) -> None:
        app = QCoreApplication.instance()
        if self.current is not None:
            app.removeTranslator(self.current)
            self.current = None
        translator = make_translator(lang, self.cache_dir, use_lrelease)
        if translator is not None:
            app.installTranslator(translator)
            self.current = translator
        self.lang = lang if lang in LANGUAGES else "en"
        _CURRENT["lang"] = self.lang
