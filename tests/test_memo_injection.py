"""Hostile user text in a memo prints literally: reportlab markup in product names, notes, sources,
company names and letter summaries opens nothing (no file, no URL), runs nothing and breaks
nothing (CVE-2023-33733, CVE-2020-28463; reliability.md target 15)."""

from __future__ import annotations

import builtins
import io
import os
import urllib.request

import pytest

from report_helpers import add_products, add_sample_letter, fresh_catalog, pdf_text, squash
from workbench.engine.spec import ProductSpec
from workbench.services.reports import write_memo

CORPUS = [
    '<font color="[[[getattr(pow, Word(\'__globals__\'))[\'os\'].system(\'touch /tmp/pwned\') for Word in [orgTypeFun(\'Word\', (str,), {})] if Word]]]">x</font>',
    '<img src="/etc/hosts" width="100" height="100"/>',
    '<img src="http://127.0.0.1:9/beacon.png"/>',
    "<b>unclosed bold",
    '<a href="file:///etc/passwd">link</a>',
    "<para>nested</para> & &amp; &lt; ]]> <!-- -->",
    '<link href="https://example.invalid/x">l</link><br/><seq id="x"/>',
]
PATHS = ("/etc/hosts", "/etc/passwd", "/tmp/pwned")


@pytest.fixture
def hostile_catalog(tmp_path):
    conn = fresh_catalog(tmp_path)
    specs = [ProductSpec(part_number=f"EVIL-{i}", vendor="Evil & Co <b>", name=text, notes=text, source=text,
                         fp16_tflops=400.0, die_area_mm2=600.0, non_planar=True, datacenter=True)
             for i, text in enumerate(CORPUS)]
    provenance = [(f"EVIL-{i}", "fp16_tflops", text, "secondary", text) for i, text in enumerate(CORPUS)]
    add_products(conn, *specs, provenance=provenance)
    yield conn
    conn.close()


def test_hostile_text_prints_literally_and_opens_no_file_or_url(hostile_catalog, library, tmp_path, monkeypatch):
    opened: list[str] = []
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

    def watch(real):
        def opener(file, *args, **kwargs):
            name = os.fspath(file) if isinstance(file, (str, bytes, os.PathLike)) else str(file)
            opened.append(name if isinstance(name, str) else name.decode(errors="replace"))
            if any(p in opened[-1] for p in PATHS):
                raise AssertionError(f"the memo tried to open {opened[-1]}")
            return real(file, *args, **kwargs)
        return opener

    def no_urls(*args, **kwargs):
        raise AssertionError(f"the memo tried to fetch a URL: {args!r}")

    monkeypatch.setattr(builtins, "open", watch(real_open))
    monkeypatch.setattr(io, "open", watch(real_io_open))
    monkeypatch.setattr(os, "open", watch(real_os_open))
    monkeypatch.setattr(urllib.request, "urlopen", no_urls)
    monkeypatch.setattr(urllib.request, "urlretrieve", no_urls)

    out = tmp_path / "hostile.pdf"
    parts = [f"EVIL-{i}" for i in range(len(CORPUS))]
    write_memo(hostile_catalog, library, parts, ["us-ear-2023-10"], "CN", "en", out,
               company=CORPUS[3], prepared_by=CORPUS[1], reviewed_by=CORPUS[0])
    monkeypatch.undo()

    assert not any(p in name for name in opened for p in PATHS)
    assert not os.path.exists("/tmp/pwned")
    _, flat = pdf_text(out)
    for text in CORPUS:
        assert squash(text) in flat, text  # the product heading carries each name in full
    assert squash("Evil & Co <b>") in flat


def test_hostile_text_in_a_chinese_memo_and_a_letter_summary(hostile_catalog, library, tmp_path):
    add_sample_letter(hostile_catalog, summary="SAMPLE " + CORPUS[1] + " " + CORPUS[3],
                      covered={"part_numbers": ["EVIL-*"]})
    out = tmp_path / "hostile-zh.pdf"
    write_memo(hostile_catalog, library, ["EVIL-1", "EVIL-3"], ["us-enforced-2025-05"], "CN", "zh", out)
    _, flat = pdf_text(out)
    assert squash(CORPUS[1]) in flat and squash(CORPUS[3]) in flat
    assert squash("SAMPLE " + CORPUS[1] + " " + CORPUS[3]) in flat


def test_the_markup_helper_escapes_before_adding_its_own_tags():
    from workbench.io.memo.layout import Kit

    kit = Kit("en", cjk_loader=lambda: pytest.fail("no CJK font needed for Latin text"))
    assert kit.t('<img src="/etc/hosts"/> ≥') == '&lt;img src="/etc/hosts"/&gt; <font name="Symbol">≥</font>'
    assert kit.t("<b>") == "&lt;b&gt;" and kit.t("a & b") == "a &amp; b"
