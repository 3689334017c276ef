"""Is this Python safe to parse untrusted workbook XML? Checked before every xlsx pre-flight.

reliability.md target 9: assert ``openpyxl.DEFUSEDXML`` and an Expat version floor. openpyxl
parses with defusedxml only when defusedxml imports *and* ``OPENPYXL_DEFUSEDXML`` is unset or
"True" (openpyxl/xml/__init__.py); that rule is mirrored here so the check costs no openpyxl
import (a test compares it with openpyxl's own flag). Expat gained billion-laughs amplification
limits in 2.4.0 and 2.4.1 fixed their first bypasses, so older builds are refused. Python's docs
advise Expat >= 2.7.2 against large-token and other attacks; older builds (2.5.0 in Python 3.11.7)
are accepted with an advisory, because the pre-flight refuses any DTD before Expat sees a part,
parses with defusedxml, and bounds every part it parses.
"""

from __future__ import annotations

import importlib.util
import os
import pyexpat

from workbench.errors import StorageError

REFUSED_BELOW = (2, 4, 1)
ADVISED = (2, 7, 2)


class UnsafeXmlParser(StorageError, RuntimeError):
    """This Python cannot be trusted with untrusted XML; the message says why and what to do."""


def _version(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


def openpyxl_uses_defusedxml() -> bool:
    """openpyxl.DEFUSEDXML, computed the way openpyxl computes it at import."""
    return os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True" and \
        importlib.util.find_spec("defusedxml") is not None


def problems(expat: tuple[int, int, int] = pyexpat.version_info) -> list[str]:
    found = []
    if importlib.util.find_spec("defusedxml") is None:
        found.append("the defusedxml package is missing (expected it installed with the workbench)")
    elif not openpyxl_uses_defusedxml():
        found.append("OPENPYXL_DEFUSEDXML is set to something other than 'True', which makes openpyxl parse "
                     "XML without defusedxml (expected it unset)")
    if tuple(expat) < REFUSED_BELOW:
        found.append(f"this Python's Expat XML parser is {_version(expat)}, older than {_version(REFUSED_BELOW)}, "
                     "without protection against entity-expansion bombs (expected a newer Python)")
    return found


def advice(expat: tuple[int, int, int] = pyexpat.version_info) -> list[str]:
    if tuple(expat) < ADVISED:
        return [f"Expat {_version(expat)} is older than {_version(ADVISED)}, which Python's documentation "
                "advises for untrusted XML; DTDs are refused before parsing and parts are size-capped, "
                "but a newer Python is better"]
    return []


def require_safe_xml() -> None:
    found = problems()
    if found:
        raise UnsafeXmlParser("xlsx files are not read on this installation: " + "; ".join(found))
