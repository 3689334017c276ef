"""Named column-mapping profiles in the user data folder: a mapping saved once is offered again
for a file with the same headers. One JSON file; written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from workbench.io.mapping import choice_key

FILE_NAME = "import-profiles.json"


def _path(folder: Path) -> Path:
    return Path(folder) / FILE_NAME


def headers_key(headers: list[str]) -> list[str]:
    return sorted({choice_key(h) for h in headers if h})


def load_profiles(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads(_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_profile(folder: Path, name: str, headers: list[str], choices: dict[str, Optional[str]]) -> None:
    from workbench.io.atomic import atomic_write

    profiles = load_profiles(folder)
    profiles[name] = {"headers": headers_key(headers), "choices": choices}
    Path(folder).mkdir(parents=True, exist_ok=True)
    with atomic_write(_path(folder)) as fh:
        fh.write(json.dumps(profiles, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def profile_for(folder: Path, headers: list[str]) -> Optional[tuple[str, dict]]:
    """(name, choices) of a saved profile made for exactly these headers, if any."""
    key = headers_key(headers)
    for name, p in sorted(load_profiles(folder).items()):
        if isinstance(p, dict) and p.get("headers") == key and isinstance(p.get("choices"), dict):
            return name, p["choices"]
    return None
