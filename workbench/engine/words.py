"""The engine's fixed vocabulary as plain data: result words, operator symbols, short metric names
and how a value reads. No model here (standard library only), so the catalog column can be worded
before the engine's pydantic models are imported; ``engine.conditions`` and ``engine.determine``
re-export these names, defined once here.
"""

from __future__ import annotations

MET, NOT_MET, INDETERMINATE = "met", "not met", "indeterminate"
INDETERMINATE_CLASS = "indeterminate"

# The one table of operator symbols (the UI, the memo and the CLI read it through workbench.wording).
OP_SYMBOLS = {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", ">": ">", "<": "<", "is": "=", "in": "∈"}
# The one table of short metric names in English (the engine's sentences, the catalog, the map).
METRIC_SHORT = {"tpp": "TPP", "performance_density": "PD", "interconnect_bandwidth_gbs": "interconnect",
                "memory_bandwidth_gbs": "DRAM bandwidth", "hbm_bandwidth_density_gbs_mm2": "HBM density",
                "transistors_billion": "transistors (bn)", "process_node_nm": "node (nm)",
                "training_ops": "training ops", "die_area_mm2": "die area"}


def format_value(value: object) -> str:
    """How a value reads in a trace or sentence: 15,832; 5.92; 1e+26; yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
            return f"{value:.3g}"
        if value.is_integer() or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    if isinstance(value, list):
        return "{" + ", ".join(map(str, value)) + "}"
    return str(value)
