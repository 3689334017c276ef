"""Helpers shared by the memo and workbook tests (not a test module)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.engine.spec import ProductSpec
from workbench.paths import resources_dir
from workbench.services.catalog import open_catalog
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, write_products

H100 = "NVIDIA-H100-SXM5-80GB"
H20 = "NVIDIA-H20-HGX-96GB"


def fresh_catalog(tmp_path: Path, name: str = "catalog.db", with_demo: bool = True):
    return open_catalog(tmp_path / name, with_demo=with_demo)


def add_products(conn, *specs: ProductSpec, provenance=()) -> None:
    """Write products (and provenance rows) straight through the store, as an import would."""
    with write_transaction(conn):
        write_products(conn, ProductWrite(added=[s.model_dump() for s in specs], provenance=list(provenance)))


def add_sample_letter(conn, **changes) -> str:
    """The bundled sample is-informed letter (H20-style), optionally changed; returns its ref."""
    from workbench.engine.letters import Letter
    from workbench.store.letters import get_letter, insert_letter, update_letter

    folder = resources_dir() / "demo" / "letters"
    data = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
    data.update(changes)
    letter = Letter.model_validate_json(json.dumps(data))
    with write_transaction(conn):
        existing = get_letter(conn, letter.ref)
        if existing is None:
            insert_letter(conn, letter)
        else:  # a demo catalog already holds the sample letter: apply the changes to it
            update_letter(conn, existing, letter, "letter.edit")
    return letter.ref


def pdf_text(path: Path) -> tuple[list[str], str]:
    """(text of each page, all text with every whitespace removed) via pypdf."""
    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
    return pages, re.sub(r"\s+", "", "".join(pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
