"""The lines of the banner the desktop app shows above its tabs when something about the opened
catalog needs the officer's attention: the audit chain failed its start-up check, the catalog
is read-only (and why), it lives in a sync or network folder, or a bundled ruleset differs from
rulesets/MANIFEST.json. Nothing is shown for a healthy start.

English only, like the store messages it quotes (their wording comes from workbench.store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from workbench.store.recovery import read_only_banner


def banner_lines(db_path: Path, *, audit_problem: Optional[str] = None, read_only_reason: Optional[str] = None,
                 sync_warning: Optional[str] = None, modified: Iterable[str] = ()) -> list[str]:
    lines = []
    if audit_problem:
        lines.append(audit_problem + " (the catalog was changed outside the workbench: restore the last "
                     "verified backup with `workbench restore FILE`)")
    if read_only_reason:
        lines.append(read_only_banner(db_path, read_only_reason))
    if sync_warning:
        lines.append(sync_warning)
    modified = sorted(modified)
    if modified:
        lines.append("Modified rulesets (files differ from rulesets/MANIFEST.json): " + ", ".join(modified))
    return lines
