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



def fmt_num(value: object, digits: Optional[int] = None) -> str:
    """1,979 / 19.45 / 0.125 / 1.0e+26; None -> an em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        v = float(value)
        if digits is not None:
            return f"{v:,.{digits}f}"
        if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-3):
            return f"{v:.3g}"
        if v.is_integer():
            return f"{v:,.0f}"
        if abs(v) >= 1000:
            return f"{v:,.1f}"
        return f"{v:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def fmt_pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:+.1f}%"


OPS = {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", ">": ">", "<": "<", "is": "=", "in": "∈"}

PRECISION = {"fp64_tflops": "FP64", "fp32_tflops": "FP32", "tf32_tflops": "TF32", "fp16_tflops": "FP16",
             "bf16_tflops": "BF16", "fp8_tflops": "FP8", "int8_tops": "INT8", "fp4_tflops": "FP4", "int4_tops": "INT4"}


_THROUGHPUT = set(PRECISION) | {"tpp"}


def strings_for(lang: str):
    """The wording for a memo language: strings_zh.Chinese for "zh", else strings_en.English."""
    if lang == "zh":
        from workbench.io.memo.strings_zh import Chinese

        return Chinese()
    from workbench.io.memo.strings_en import English

    return English()
