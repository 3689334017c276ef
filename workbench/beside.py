"""Pure computation run in a forked child while this process goes on with its own work.

Two steps of a large import are Python work that threads cannot overlap (a second thread only
slows the first: between steps each needs the GIL back; measured, no gain at any switch
interval): the import's audit entry (its canonical JSON, the digest of every new row for the
catalog's state) beside the insert of the rows, and the second half of a large sheet's security
pre-flight beside the first. A forked child can: it is a copy of the process as it is, so nothing
has to be sent to it, and it runs on the other core.

The child only computes. It touches no database, file it did not open itself, or widget, writes its
result (marshal) to an in-memory file (a pipe where there is none), says on a pipe that it is done
and leaves with ``os._exit`` (no cleanup, no buffered output flushed twice). Work that hashes gets the interpreter's own SHA-256, not OpenSSL's, whose internal locks
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
import mmap
import os
import select
import signal
import struct
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


_DONE = b"\x01"  # written to the pipe once the answer is complete in the in-memory file
_dying: list[int] = []  # children that have answered and are exiting


def _reap_dying() -> None:
    """Reap the children that have answered and have exited since (never waits)."""
    for pid in list(_dying):
        try:
            gone = os.waitpid(pid, os.WNOHANG)[0] == pid
        except ChildProcessError:
            gone = True
        if gone:
            try:
                _dying.remove(pid)
            except ValueError:  # another thread reaped it meanwhile
                pass


def _memory_file() -> Optional[int]:
    """A new anonymous file in memory (Linux memfd), or None where there is none."""
    try:
        return os.memfd_create("workbench-beside", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and _own_sha256() is not None


class Beside:
    """``work(sha256)`` started in a child (or not); :meth:`result` returns its value."""

    def __init__(self, work: Callable[[Callable], object], fork: bool):
        self._work = work
        self._pid: Optional[int] = None
        self._fd: Optional[int] = None
        self._answer: Optional[int] = None  # the in-memory file the child writes its answer to
        self._answered = False
        self.forked = False
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        _reap_dying()
        own = _own_sha256()
        read_end, write_end = os.pipe()
        # The answer goes into an in-memory file the child writes at its own pace, read here in one
        # go; through the pipe, 11 MiB (a 50,000-row import's entry) took 0.04-0.06 s of hand-overs,
        # each waiting on the other side. The pipe then only tells that the child has finished.
        answer = _memory_file()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking a process with threads: the child here runs no
                # other thread's code and takes no lock another thread may hold (see the module).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError as exc:  # out of processes or memory: compute here instead
            for fd in (read_end, write_end, answer):
                if fd is not None:
                    os.close(fd)
            log.info("fork failed (%s): computing in this process", exc)
            return
        if pid == 0:  # the child: compute, write, leave
            code = 1
            try:
                os.close(read_end)
                view = memoryview(marshal.dumps(self._work(own)))
                while view:
                    view = view[os.write(write_end if answer is None else answer, view):]
                if answer is not None:
                    os.write(write_end, _DONE)
                # The parent reads the end of the pipe now: not when this process is torn down,
                # which takes as long as the parent's memory is large (tens of milliseconds).
                os.close(write_end)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent computes it again; nothing to report from here
                pass
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd, self._answer, self.forked = pid, read_end, answer, True

    def result(self) -> object:
        """The child's answer, or the same computed here when there is none."""
        if self._pid is not None:
            try:
                data = self._read(time.monotonic() + WAIT, None if self._answer is None else _DONE)
                if data is not None and (self._answer is None or data == _DONE):
                    if self._answer is None:
                        value = marshal.loads(data)  # a cut-off answer raises here
                    else:
                        with mmap.mmap(self._answer, 0, access=mmap.ACCESS_READ) as view:
                            value = marshal.loads(view)
                    self._answered = True
                    self.close()
                    return value
                log.info("the forked child gave no answer: computing in this process")
            except (OSError, EOFError, ValueError, TypeError) as exc:
                log.info("the child's answer could not be read (%s): computing in this process", exc)
            self.close()
        return self._work(hashlib.sha256)

    def _read(self, deadline: float, done: Optional[bytes] = None) -> Optional[bytes]:
        """What the child writes to the pipe until it closes it, or just ``done`` once that has come
        (another thread's child, forked meanwhile, may hold a copy of the pipe's end open)."""
        chunks = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._fd], [], [], left)[0]:
                log.info("the forked child took longer than %.0f s", WAIT)
                return None
            chunk = os.read(self._fd, 1 << 20)
            if not chunk or (done is not None and b"".join(chunks) + chunk == done):
                return b"".join(chunks) + chunk
            chunks.append(chunk)

    def close(self) -> None:
        """Stop and reap the child if it still runs (an error or cancel in the parent), close the pipe.
        A child that has answered is left to finish exiting, and reaped later without waiting."""
        if self._pid is not None and self._answered:
            _dying.append(self._pid)
            self._pid = None
            _reap_dying()
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
        for name in ("_fd", "_answer"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                os.close(fd)


class Ends:
    """Chunks 0 .. n-1 of one job, shared out between this process and a forked child from both ends.

    The child takes chunks from the front once its own other work is done, this process from the
    back once its own is, each noting in memory the two share how far it has got, until they
    meet. So whichever side turns out slower (the machine's load decides that, not the code), the
    other never waits for it by much more than one chunk. A side may read the other's note late:
    then both compute the chunk where they meet, and :meth:`merge` keeps one. Without a child
    (no fork, or it failed) :meth:`front` runs here after :meth:`back` and takes what is left.
    """

    def __init__(self, n: int):
        self.n = n
        self._shared = mmap.mmap(-1, 16)  # [chunks the front side has taken, lowest chunk the back side took]
        struct.pack_into("<qq", self._shared, 0, 0, n)

    def front(self, compute: Callable[[int], object]) -> list:
        """compute(0), compute(1), ... until the back side's chunks are reached (in the child)."""
        out: list = []
        while len(out) < struct.unpack_from("<q", self._shared, 8)[0]:
            struct.pack_into("<q", self._shared, 0, len(out) + 1)
            out.append(compute(len(out)))
        return out

    def back(self, compute: Callable[[int], object]) -> dict[int, object]:
        """compute(n - 1), compute(n - 2), ... until the front side's chunks are reached (here)."""
        out: dict[int, object] = {}
        low = self.n
        while low - 1 >= struct.unpack_from("<q", self._shared, 0)[0]:
            low -= 1
            struct.pack_into("<q", self._shared, 8, low)
            out[low] = compute(low)
        return out

    def merge(self, front: list, back: dict[int, object], compute: Callable[[int], object]) -> list:
        """Every chunk's result in order: the front side's, else the back side's, else computed here."""
        return [front[i] if i < len(front) else back[i] if i in back else compute(i) for i in range(self.n)]

    def close(self) -> None:
        self._shared.close()
