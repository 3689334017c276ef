"""Which files of the rules folder are regimes.

Every ``*.yaml`` file in rulesets/ travels in a signed rule bundle, but not every one is a regime:
dated reference data (named-entity lists, the in-force dates of rules such as the Affiliates rule)
lives in files ending ``.data.yaml``, which the regime loader and the regime library skip. No
imports: the app's start asks this before it loads the engine.
"""

DATA_SUFFIX = ".data.yaml"


def is_regime_file(name: str) -> bool:
    """True for a regime ruleset (``us-ear-2023-10.yaml``), False for data (``*.data.yaml``)."""
    return name.endswith((".yaml", ".yml")) and not name.endswith(DATA_SUFFIX)
