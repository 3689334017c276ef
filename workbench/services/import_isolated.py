"""Parsing an import file in a child process with a memory limit, so that a native abort or a
runaway allocation in the xlsx reader ends the child, never the window that asked.

The child gets the path and the column choices and sends back the ParsedProducts (or the
ImportFailed). POSIX: RLIMIT_AS caps the child's address space; elsewhere the child still
isolates a crash. Cancel terminates the child.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Callable, Optional

from workbench.services.import_products import ImportFailed

MEMORY_LIMIT = 4 << 30  # bytes of address space for the child (a parse of the largest allowed sheet fits)


def _child(conn, path: str, sheet: Optional[str], choices: Optional[dict], limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not POSIX, or the limit cannot be lowered: isolation only
        pass
    try:
        from workbench.services.import_products import read_products

        conn.send(("ok", read_products(Path(path), sheet, choices=choices)))
    except ImportFailed as exc:
        conn.send(("failed", (exc.problems, exc.notes, exc.columns)))
    except MemoryError:
        conn.send(("failed", ([f"{Path(path).name}: reading it needs more than {limit >> 20:,} MiB of memory "
                               "(expected a smaller or simpler workbook)"], [], [])))
    finally:
        conn.close()


def read_products_isolated(path: Path, sheet: Optional[str] = None, choices: Optional[dict] = None, *,
                           limit: int = MEMORY_LIMIT, check: Optional[Callable[[], None]] = None):
    """read_products in a child process. Raises ImportFailed (also for a child that died)."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, str(path), sheet, choices, limit), daemon=True)
    proc.start()
    child.close()
    try:
        while not parent.poll(0.1):
            if check is not None:
                check()  # raises Cancelled: the finally below ends the child
            if not proc.is_alive() and not parent.poll(0):
                raise ImportFailed([f"{Path(path).name}: the file reader stopped (exit code {proc.exitcode}); the "
                                    "file could not be read safely (expected a workbook saved by a spreadsheet "
                                    "program)"])
        try:
            kind, payload = parent.recv()
        except EOFError:
            raise ImportFailed([f"{Path(path).name}: the file reader stopped (exit code {proc.exitcode}) before "
                                "answering (expected a workbook saved by a spreadsheet program)"]) from None
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        parent.close()
    if kind == "failed":
        problems, notes, columns = payload
        raise ImportFailed(problems, notes, columns)
    return payload
