"""Pure computation run in a forked child while this process goes on with its own work.

Two steps of a large import are Python work that threads cannot overlap (a second thread only
slows the first: between steps each needs the GIL back; measured, no gain at any switch
interval): the import's audit entry (its canonical JSON, the digest of every new row for the
catalog's state) beside the insert of the rows, and the second half of a large sheet's security
pre-flight beside the first. A forked child can: it is a copy of the process as it is, so nothing
has to be sent to it, and it runs on the other core.

The child only computes. It touches no database, file it did not open itself, or widget, writes its
result (marshal) to a pipe and leaves with ``os._exit`` (no cleanup, no buffered output flushed
twice). Work that hashes gets the interpreter's own SHA-256, not OpenSSL's, whose internal locks
another thread may have held at the moment of the fork. Forking is used on Linux only (macOS
system libraries do not support running on after a fork without exec; Windows has no fork).

Whatever goes wrong (no fork here, the child fails or is killed, returns something malformed, or
takes longer than ``WAIT`` seconds) the parent computes the same thing itself: the answer is the
same either way, only slower.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import select
import signal
import sys
import time
import warnings
from typing import Callable, Optional

log = logging.getLogger("workbench.beside")

WAIT = 60.0  # seconds the parent waits for the child's answer, counted from when it asks for it


def _own_sha256():
    """The interpreter's built-in SHA-256 constructor (same digests as hashlib's), or None."""
    for name in ("_sha256", "_sha2"):  # 3.11 and earlier; 3.12 and later
        try:
            module = __import__(name)
        except ImportError:
            continue
        if hasattr(module, "sha256"):
            return module.sha256
    return None


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and _own_sha256() is not None


class Beside:
    """``work(sha256)`` started in a child (or not); :meth:`result` returns its value."""

    def __init__(self, work: Callable[[Callable], object], fork: bool):
        self._work = work
        self._pid: Optional[int] = None
        self._fd: Optional[int] = None
        self.forked = False
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        own = _own_sha256()
        read_end, write_end = os.pipe()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking a process with threads: the child here runs no
                # other thread's code and takes no lock another thread may hold (see the module).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError as exc:  # out of processes or memory: compute here instead
            os.close(read_end)
            os.close(write_end)
            log.info("fork failed (%s): computing in this process", exc)
            return
        if pid == 0:  # the child: compute, write, leave
            code = 1
            try:
                os.close(read_end)
                view = memoryview(marshal.dumps(self._work(own)))
                while view:
                    view = view[os.write(write_end, view):]
                code = 0
            except BaseException:  # noqa: BLE001 - the parent computes it again; nothing to report from here
                pass
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd, self.forked = pid, read_end, True

    def result(self) -> object:
        """The child's answer, or the same computed here when there is none."""
        if self._pid is not None:
            try:
                data = self._read(time.monotonic() + WAIT)
                if data is not None:  # the child closed the pipe: it has finished or is about to
                    pid, self._pid = self._pid, None
                    _, status = os.waitpid(pid, 0)
                    if os.waitstatus_to_exitcode(status) == 0:
                        return marshal.loads(data)
                log.info("the forked child gave no answer: computing in this process")
            except (OSError, EOFError, ValueError, TypeError) as exc:
                log.info("the child's answer could not be read (%s): computing in this process", exc)
            finally:
                self.close()
        return self._work(hashlib.sha256)

    def _read(self, deadline: float) -> Optional[bytes]:
        chunks = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._fd], [], [], left)[0]:
                log.info("the forked child took longer than %.0f s", WAIT)
                return None
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def close(self) -> None:
        """Stop and reap the child if it still runs (an error or cancel in the parent), close the pipe."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
