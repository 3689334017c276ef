"""One writer per catalog (target 23): a lock ``<db>.lock`` that names its holder (host, pid, user, time).

Why our own lock and not QLockFile: the store (and the CLI, which also writes) must not import Qt.
The rules are QLockFile's: taking the lock is one atomic create; a lock whose holder is on *this*
host and whose pid no longer exists is stale (the app was killed) and is taken over; a lock from
another host is never broken automatically, since we cannot tell whether that process lives. The
second instance is told who holds the lock and opens the catalog read-only. SQLite's own locking
(BEGIN IMMEDIATE plus the busy timeout) stays the second line of defence.

Command-line writers (import, deals, letters, restore) take the same lock for the length of the
command with :func:`writer_lock`: they wait briefly for it (WORKBENCH_LOCK_WAIT seconds, default
3) and then refuse, naming the holder, so a CLI import never lands under an open desktop app
whose undo would then overwrite it, nor in a catalog a restore is replacing.

The lock is a *directory* (``os.mkdir`` is atomic on every local file system and on Windows) with
one empty entry whose name carries the holder, e.g. ``host=lap1,pid=4711,user=ann,since=...``:
taking and reading it never opens a file (the store never opens files itself, see
tests/test_store_connection.py). An empty lock directory is a holder killed between the two
``mkdir`` calls; it is treated as stale once it is older than STALE_EMPTY_SECONDS.
"""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import quote, unquote

from workbench.errors import StorageError

STALE_EMPTY_SECONDS = 10.0
DEFAULT_WAIT_SECONDS = 3.0
WAIT_ENV = "WORKBENCH_LOCK_WAIT"


@dataclass(frozen=True)
class LockInfo:
    host: str
    pid: int
    user: str
    since_utc: str

    def describe(self) -> str:
        return f"{self.user} on {self.host} (pid {self.pid}, since {self.since_utc})"

    def entry(self) -> str:
        return ",".join(f"{k}={quote(str(v), safe='')}" for k, v in
                        (("host", self.host), ("pid", self.pid), ("user", self.user), ("since", self.since_utc)))

    @classmethod
    def from_entry(cls, name: str) -> Optional["LockInfo"]:
        try:
            fields = dict(part.split("=", 1) for part in name.split(","))
            return cls(unquote(fields["host"]), int(fields["pid"]), unquote(fields["user"]), unquote(fields["since"]))
        except (ValueError, KeyError):
            return None


class CatalogLocked(StorageError):
    def __init__(self, path: Path, holder: LockInfo):
        self.path, self.holder = path, holder
        super().__init__(f"{path}: already open by {holder.describe()}")


class WriterBusy(CatalogLocked):
    """Another workbench (the desktop app, another command) is writing to the catalog."""

    def __init__(self, db_path: Path, holder: LockInfo, waited: float):
        self.path, self.holder = Path(db_path), holder
        StorageError.__init__(self, f"{db_path}: in use by {holder.describe()}; waited {waited:g} s and changed "
                                    "nothing (expected: close that workbench or let it finish, then try again)")


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


def current_holder_info() -> LockInfo:
    from workbench.store.audit import current_actor

    return LockInfo(socket.gethostname(), os.getpid(), current_actor(),
                    datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def read_lock(path: Path) -> Optional[LockInfo]:
    """The holder named in the lock; LockInfo with pid 0 for an empty or unreadable lock; None if absent."""
    try:
        entries = os.listdir(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return LockInfo("", 0, "?", "?")  # not ours: something else at that name
    for name in entries:
        info = LockInfo.from_entry(name)
        if info is not None:
            return info
    return LockInfo("", 0, "?", "?")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


def is_stale(path: Path, info: LockInfo) -> bool:
    if info.pid == 0:
        try:
            return time.time() - os.stat(path).st_mtime > STALE_EMPTY_SECONDS
        except FileNotFoundError:
            return True
    return info.host == socket.gethostname() and not _alive(info.pid)


def _remove(path: Path) -> None:
    try:
        for name in os.listdir(path):
            os.rmdir(path / name)
        os.rmdir(path)
    except FileNotFoundError:
        pass


class CatalogLock:
    """``with CatalogLock(db):`` or ``acquire()``/``release()``; raises CatalogLocked naming the holder."""

    def __init__(self, db_path: Path):
        self.path = lock_path(Path(db_path))
        self.held = False
        self.recovered_from: Optional[LockInfo] = None  # the stale holder taken over, if any

    def acquire(self) -> None:
        for _ in range(3):  # create; or remove a stale lock and try again
            try:
                os.mkdir(self.path)
            except FileExistsError:
                holder = read_lock(self.path)
                if holder is None:
                    continue
                if holder.pid == os.getpid() and holder.host == socket.gethostname():
                    raise CatalogLocked(self.path, holder)  # a second open in this very process
                if not is_stale(self.path, holder):
                    raise CatalogLocked(self.path, holder)
                self.recovered_from = holder
                _remove(self.path)
                continue
            os.mkdir(self.path / current_holder_info().entry())
            self.held = True
            return
        raise CatalogLocked(self.path, read_lock(self.path) or LockInfo("?", 0, "?", "?"))

    def release(self) -> None:
        if not self.held:
            return
        holder = read_lock(self.path)
        if holder is not None and holder.pid == os.getpid() and holder.host == socket.gethostname():
            _remove(self.path)
        self.held = False

    def __enter__(self) -> "CatalogLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


@contextmanager
def writer_lock(db_path: Path, wait: Optional[float] = None) -> Iterator[CatalogLock]:
    """``with writer_lock(db):`` holds the catalog's one-writer lock for the block.

    Waits up to ``wait`` seconds (default WORKBENCH_LOCK_WAIT, else 3) while another workbench
    holds it, then raises WriterBusy naming the holder (a StorageError: exit 3). A folder that
    refuses the lock (read-only, no permission) raises StorageError too: nothing is written.
    """
    db_path = Path(db_path)
    waited, limit = 0.0, _wait_seconds() if wait is None else wait
    lock = CatalogLock(db_path)
    started = time.monotonic()
    while True:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
            break
        except CatalogLocked as exc:
            waited = time.monotonic() - started
            if waited >= limit:
                raise WriterBusy(db_path, exc.holder, round(limit, 1)) from None
            time.sleep(min(0.1, limit - waited))
        except OSError as exc:
            raise StorageError(f"{db_path}: cannot take the writer lock {lock.path} ({exc.strerror or exc}); nothing "
                               "was changed (expected a folder this user may write)") from None
    try:
        yield lock
    finally:
        lock.release()
