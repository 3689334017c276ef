"""Letter files: reading letter JSON (strictly validated) and copying attachments in under their SHA-256."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from workbench.engine.letters import Letter
from workbench.engine.letters.model import status_problem
from workbench.io.json_safety import JsonProblem, check_json_text
from workbench.errors import UserError
from workbench.paths import resources_dir
from workbench.store.letters import Attachment

ATTACHMENT_MAX_BYTES = 100 * 1024 * 1024
SAMPLE_FILE = "sample-h20-letter-2025-04.json"


class LetterInputError(UserError, ValueError):
    """A letter file or edit that cannot be accepted; one readable line per problem."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):  # check_json_text names the path first; this is the last guard
        raise ValueError(f"a key is given twice in one object: {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


# Reserved or common look-alikes of ISO 3166-1 alpha-2 codes, with the code meant.
_CODE_HINTS = {"UK": "GB", "EL": "GR", "EU": None}


def _country_problems(letter: Letter, where: str) -> list[str]:
    """Country codes the country table does not know, each with its JSON path (a UK letter would
    never bind GB)."""
    from workbench.services.regimes import bundled_library

    countries = bundled_library().countries
    found = []
    places = [("destinations", letter.destinations), ("end_user_hq", letter.end_user_hq)]
    for name, place in places:
        for key in ("countries", "countries_none"):
            for i, code in enumerate(getattr(place, key) if place is not None else ()):
                found.append((f"{name}.{key}[{i}]", code))
    found += [(f"applications[{i}].destination", a.destination) for i, a in enumerate(letter.applications)
              if a.destination is not None]
    problems = []
    for path, code in found:
        if code not in countries:
            hint = _CODE_HINTS.get(code)
            problems.append(f"{where}: {path}: unknown country code '{code}' (expected an ISO 3166-1 alpha-2 code "
                            f"of the country table{f'; did you mean {hint}?' if hint else ''})")
    return problems


def parse_letter_json(text: str, source: str = "letter") -> list[Letter]:
    """A JSON object (one letter) or array (several); errors name the file and the key path."""
    try:
        check_json_text(text)
    except JsonProblem as exc:
        raise LetterInputError(f"{source}: {exc}") from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise LetterInputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:
        raise LetterInputError(f"{source}: not read ({exc})") from None
    items = data if isinstance(data, list) else [data]
    letters, problems = [], []
    for i, item in enumerate(items):
        where = f"{source}[{i}]" if isinstance(data, list) else source
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a JSON object describing a letter")
            continue
        try:
            letter = Letter.model_validate_json(json.dumps(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(letter)"
                problems.append(f"{where}: {loc}: {err['msg']} (got {json.dumps(err.get('input'), default=str)[:80]})")
            continue
        problems += _country_problems(letter, where)
        status = status_problem(letter.status, letter.applications)
        if status:
            problems.append(f"{where}: status: '{letter.status}' refused: {status}")
        letters.append(letter)
    refs = [x.ref for x in letters]
    problems += [f"{source}: reference {r} appears twice" for r in sorted({r for r in refs if refs.count(r) > 1})]
    if problems:
        raise LetterInputError("\n".join(problems))
    return letters


def load_letter_file(path: Path) -> list[Letter]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterInputError(f"{path}: cannot read ({exc})") from None
    return parse_letter_json(text, str(path))


def sample_letter() -> Letter:
    return load_letter_file(resources_dir() / "demo" / "letters" / SAMPLE_FILE)[0]


# --- attachment files -----------------------------------------------------------------------------

def sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def copy_in(source: Path, folder: Path) -> tuple[str, str, int]:
    """Copy ``source`` into ``folder`` named by its SHA-256: temp file, fsync, atomic rename.

    The hash is taken over the bytes written, in the same pass, so it always describes the copy.
    Returns (stored_name, sha256, size).
    """
    source = Path(source)
    if not source.is_file():
        raise LetterInputError(f"{source}: not a file (expected the scanned letter, e.g. a PDF)")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(c for c in source.suffix.lower()[:10] if c.isalnum() or c == ".")
    h, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                size += len(block)
                if size > ATTACHMENT_MAX_BYTES:
                    raise LetterInputError(f"{source}: larger than {ATTACHMENT_MAX_BYTES >> 20} MB")
                h.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        final = folder / (digest + suffix)
        if final.is_file() and sha256_file(final)[0] == digest:
            os.unlink(tmp)  # the same content is already stored
        else:
            os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest + suffix, digest, size


@dataclass(frozen=True)
class AttachmentCheck:
    attachment: Attachment
    ok: bool
    actual_sha256: Optional[str]
    problem: Optional[str]
