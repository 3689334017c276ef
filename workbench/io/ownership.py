"""Read ownership links from an xlsx or CSV sheet: columns ``owner, owned, percent, as_of, source``
(header in any order, case-insensitive; ``source`` may be empty). Every problem names its cell;
nothing is returned if there is one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from workbench.errors import UserError
from workbench.io.tables import cell_name, has_content, read_table

COLUMNS = ("owner", "owned", "percent", "as_of", "source")


class OwnershipFileError(UserError, ValueError):
    pass


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def read_links(path: Path) -> list[tuple[str, str, float, date, str]]:
    table = read_table(path, is_header=lambda row: {str(c).strip().lower() for c in row if c} >= set(COLUMNS[:4]))
    header = [str(c).strip().lower() if c is not None else "" for c in table.header]
    missing = [c for c in COLUMNS[:4] if c not in header]
    if missing:
        raise OwnershipFileError(f"{table.file}:{table.sheet}!row {table.header_row}: missing column(s) "
                                 f"{', '.join(missing)} (expected {', '.join(COLUMNS)})")
    col = {c: header.index(c) for c in COLUMNS if c in header}
    out, problems = [], []
    for row_no, cells in table.rows:
        if not has_content(cells):
            continue

        def get(name: str) -> object:
            i = col.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        where = lambda name: f"{table.file}:{table.sheet}!{cell_name(row_no, col[name])}"  # noqa: E731
        owner, owned = str(get("owner") or "").strip(), str(get("owned") or "").strip()
        if not owner:
            problems.append(f"{where('owner')}: empty (expected the owner's name)")
            continue
        if not owned:
            problems.append(f"{where('owned')}: empty (expected the owned party's name)")
            continue
        try:
            pct = float(str(get("percent")).strip().rstrip("%"))
            if not (0 < pct <= 100):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{where('percent')}: '{get('percent')}' (expected a percentage above 0, at most 100)")
            continue
        try:
            as_of = _date(get("as_of"))
        except (TypeError, ValueError):
            problems.append(f"{where('as_of')}: '{get('as_of')}' (expected a date YYYY-MM-DD)")
            continue
        out.append((owner, owned, pct, as_of, str(get("source") or "").strip()))
    if problems:
        raise OwnershipFileError("\n".join(problems) + f"\n{path}: nothing was imported")
    if not out:
        raise OwnershipFileError(f"{path}: no ownership rows under the header")
    return out
