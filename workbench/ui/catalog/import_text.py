"""The import's problem and note lines in the user's language.

The io layer writes each line in English with its facts in fixed places ("duplicate part number
'X', first given at A8 ..."). Here each known shape is matched and rewritten from a translated
template (%1, %2 ... are the facts, kept as written); a line of an unknown shape stays English.
"""

from __future__ import annotations

import re

from workbench.ui.support.i18n import tr, tr_noop

_SHAPES: list[tuple[re.Pattern, str]] = [(re.compile(p), t) for p, t in [
    (r"^formula =(.*) has no saved result, so its value is unknown",
     tr_noop("Formula =%1 has no saved result, so its value is unknown (expected a value: recalculate and save the "
             "file in Excel, or paste values)")),
    (r"^duplicate part number '(.*)', first given at ([A-Z]+\d+)",
     tr_noop("Duplicate part number '%1', first given at %2 (expected each part number once)")),
    (r"^part number '(.*)' is the same as '(.*)' at ([A-Z]+\d+) apart from",
     tr_noop("Part number '%1' is the same as '%2' at %3 apart from case, spaces or look-alike characters (expected "
             "each part number once)")),
    (r"^part number '(.*)' matches the catalog's '(.*)' \(",
     tr_noop("Part number '%1' matches the catalog's '%2': update it, or add it as a new product?")),
    (r"^Excel error value (#[A-Z0-9/!?_]+)",
     tr_noop("Excel error value %1: the cell's value is unknown and is not read as empty (expected a value: fix the "
             "formula or type the figure)")),
    (r"^column '(.*)' is probably (\w+) \(marked sparse",
     tr_noop("Column '%1' holds sparse figures; TPP uses dense figures: map it to %2 only if the figures are dense, "
             "or ignore it")),
    (r"^column '(.*)' is probably (\w+) \(",
     tr_noop("Column '%1' is probably %2: map it? (choose %2 or 'ignore' in the field chooser)")),
    (r"^column '(.*)' looks like a template figure \(",
     tr_noop("Column '%1' looks like a template figure: choose its field, or 'ignore'")),
    (r"^column '(.*)' is in (.+?), which (\w+) cannot take \(expected ([^;]+);",
     tr_noop("Column '%1' is in %2, which %3 cannot take (expected %4): choose another field or ignore it")),
    (r"^column '(.*)' maps to (\w+), which another column already gives",
     tr_noop("Column '%1' maps to %2, which another column already gives (expected each field once: map or ignore "
             "one of them)")),
    (r"^column '(.*)' holds sparse figures; (\w+) comes from the dense column",
     tr_noop("Column '%1' holds sparse figures; %2 comes from the dense column (TPP uses dense figures)")),
    (r"^column '(.*)' is not in the template, ignored", tr_noop("Column '%1' is not in the template, ignored")),
    (r"^column '(.*)' ignored as you chose", tr_noop("Column '%1' ignored as you chose")),
    (r"^column '(.*)': values converted from (.+) to (.+) \(x(.+)\)$",
     tr_noop("Column '%1': values converted from %2 to %3 (x%4)")),
    (r"^(\w+): unit '(.*)' removed from '(.*)'$", tr_noop("%1: unit '%2' removed from '%3'")),
    (r"^(\w+): text number '(.*)' read as (.*)$", tr_noop("%1: text number '%2' read as %3")),
    (r"^(\w+): '(.*)' converted to (.*)$", tr_noop("%1: '%2' converted to %3")),
    (r"^'(.*)' is not a number \(expected a number in (.*)\)$", tr_noop("'%1' is not a number (expected a number in %2)")),
    (r"^hidden sheets not read: (.*)$", tr_noop("Hidden sheets not read: %1")),
    (r"^rows (\d+)-(\d+) above the header row (\d+) were not read$",
     tr_noop("Rows %1-%2 above the header row %3 were not read")),
    (r"^columns not in the template, ignored: (.*)$", tr_noop("Columns not in the template, ignored: %1")),
    (r"^merged cells outside the template's data, ignored$", tr_noop("Merged cells outside the template's data, ignored")),
]]
_PREFIX = re.compile(r"^(?P<where>[^:\s]+\.(?:xlsx|xlsm|csv)(?::[^:!\s][^:!]*)?(?:![A-Z]+\d+(?::[A-Z]+\d+)?)?): "
                     r"(?P<rest>.*)$",
                     re.S)


def localise(line: str) -> str:
    """``line`` in the current language and in the dialog's words (the file/sheet/cell prefix is kept
    as it is; "--map" advice for the command line becomes advice for the field chooser)."""
    m = _PREFIX.match(line)
    where, rest = (m["where"] + ": ", m["rest"]) if m else ("", line)
    for pattern, template in _SHAPES:
        found = pattern.match(rest)
        if found:
            text = tr(template)
            for i, value in reversed(list(enumerate(found.groups(), start=1))):
                text = text.replace(f"%{i}", value)
            return where + text
    return line
