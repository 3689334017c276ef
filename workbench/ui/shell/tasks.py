"""One helper for every long job: run a plain callable on QThreadPool, get the result or the
error back on the UI thread.

A job is ``fn(ctx)`` where ``ctx`` is a :class:`JobContext`: it calls ``ctx.progress(done, total,
text)`` now and then and checks ``ctx.cancelled`` (raising :class:`Cancelled` or returning early).
Jobs never touch widgets: they return data, and the UI thread applies it in a slot.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from workbench.errors import Cancelled  # noqa: F401  (re-exported: the one Cancelled)

log = logging.getLogger("workbench.ui.shell.tasks")


class JobContext:
    """What a job may use: a cancel flag and a thread-safe progress callback."""

    def __init__(self, handle: "TaskHandle"):
        self._handle = handle
        self._event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._handle.progress.emit(int(done), int(total), text)


class TaskHandle(QObject):
    """The UI thread's end of one job.

    Signals: progress(done, total, text), finished(result), failed(exception, traceback text),
    cancelled(), done() (always last, whatever the outcome).
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, name: str, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.name = name
        self.context = JobContext(self)
        self.running = True

    def cancel(self) -> None:
        self.context._event.set()

    @property
    def is_cancelled(self) -> bool:
        return self.context.cancelled


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], handle: TaskHandle):
        super().__init__()
        self.setAutoDelete(True)
        self.fn, self.handle = fn, handle

    def run(self) -> None:  # worker thread: only emit signals (queued to the UI thread)
        handle = self.handle
        try:
            result = self.fn(handle.context)
        except Cancelled:
            handle.running = False
            handle.cancelled.emit()
        except BaseException as exc:  # reported to the UI thread, never swallowed
            log.error("job %s failed:\n%s", handle.name, traceback.format_exc())
            handle.running = False
            handle.failed.emit(exc, traceback.format_exc())
        else:
            handle.running = False
            if handle.context.cancelled:
                handle.cancelled.emit()
            else:
                handle.finished.emit(result)
        handle.done.emit()


def _while_alive(owner: QObject, slot: Callable) -> Callable:
    import shiboken6

    def call(*args):
        if shiboken6.isValid(owner):
            slot(*args)
    return call


class TaskRunner(QObject):
    """Starts jobs on a private QThreadPool and keeps their handles alive until they end."""

    def __init__(self, parent: Optional[QObject] = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[TaskHandle] = set()

    def start(self, name: str, fn: Callable[[JobContext], Any], *, on_done: Optional[Callable[[Any], None]] = None,
              on_failed: Optional[Callable[[BaseException, str], None]] = None,
              on_progress: Optional[Callable[[int, int, str], None]] = None,
              on_cancelled: Optional[Callable[[], None]] = None, owner: Optional[QObject] = None) -> TaskHandle:
        """Run ``fn(ctx)`` on the pool. Pass the callbacks here rather than connecting to the
        handle afterwards: a fast job may emit before a later connect() is made.

        ``owner``: the widget the callbacks update. The runner is the app's one runner and outlives
        any screen, so when the owner is destroyed its job is cancelled and its callbacks are
        never called."""
        handle = TaskHandle(name, self)
        self._live.add(handle)
        if owner is not None:
            owner.destroyed.connect(_while_alive(handle, lambda *_: handle.cancel()))
        for signal, slot in ((handle.finished, on_done), (handle.failed, on_failed), (handle.progress, on_progress),
                             (handle.cancelled, on_cancelled)):
            if slot is not None:
                signal.connect(slot if owner is None else _while_alive(owner, slot))
        handle.done.connect(lambda h=handle: self._forget(h))
        self.pool.start(_Runnable(fn, handle))
        return handle

    @Slot()
    def _forget(self, handle: TaskHandle) -> None:
        self._live.discard(handle)

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def cancel_all(self) -> None:
        for handle in list(self._live):
            handle.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
