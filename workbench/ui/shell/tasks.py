"""One helper for every long job: run a plain callable on QThreadPool, get the result or the
error back on the UI thread.

A job is ``fn(ctx)`` where ``ctx`` is a :class:`JobContext`: it calls ``ctx.progress(done, total,
text)`` now and then and checks ``ctx.cancelled`` (raising :class:`Cancelled` or returning early).
A long job also calls ``ctx.breathe()`` between small steps (see :meth:`JobContext.breathe`).
Jobs never touch widgets: they return data, and the UI thread applies it in a slot.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from workbench.errors import Cancelled  # noqa: F401  (re-exported: the one Cancelled)

log = logging.getLogger("workbench.ui.shell.tasks")


class UiGate:
    """Lets the UI thread ask the jobs to step aside while it paints.

    A paint of a large table calls into Python once per cell (the model), and each call waits for
    the GIL; a job holding it between its own steps stretches a 15 ms paint to 60 ms and more.
    The UI thread holds the gate when such a paint starts and releases it once the event loop is
    back (:class:`PaintHold`); :meth:`JobContext.breathe` sleeps while it is held, so the paint
    runs alone. A hold ends by itself after HOLD_S, so a paint that never returns to the event
    loop cannot stop the jobs for longer than that. The gate also tells how long the UI thread
    has been quiet (:meth:`quiet_s`: a prefetch waits for the officer to pause).
    """

    HOLD_S = 0.1  # a paint of the catalog table takes 10-20 ms on the 2-core development machine

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self._clock = clock
        self._open = threading.Event()
        self._open.set()
        self._until = 0.0  # a hold ends by itself then
        self._last = float("-inf")  # when the last hold started

    def hold(self) -> None:
        self._last = self._clock()
        self._until = self._last + self.HOLD_S
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def held(self) -> bool:
        return not self._open.is_set() and self._clock() < self._until

    def wait(self) -> None:
        """Block (without the GIL) until the hold is released or has run out."""
        remaining = self._until - self._clock()
        if remaining > 0.0:
            self._open.wait(remaining)

    def quiet_s(self) -> float:
        """Seconds since the last paint held the gate."""
        return self._clock() - self._last


class PaintHold(QObject):
    """Installed on a big view's viewport: each paint holds the jobs back (UiGate) until the event
    loop runs again (a zero timer posted at the paint fires after it)."""

    def __init__(self, gate: UiGate, viewport: QObject):
        super().__init__(viewport)
        self.gate = gate
        self._release = QTimer(self, singleShot=True, interval=0)
        self._release.timeout.connect(gate.release)
        viewport.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.gate.hold()
            self._release.start()
        return False


class JobContext:
    """What a job may use: a cancel flag, a thread-safe progress callback and breathe()."""

    # A job working in Python holds the GIL; the UI thread gets it back only at the interpreter's
    # switch interval, and a repaint needs it once per painted cell, so a busy worker stretches
    # every paint. Sleeping BREATHE_S after each WORK_S of work hands the GIL over outright at a
    # small cost to the job (about a fifth); the figures are bench_gui's, not a business rule.
    WORK_S = 0.004
    BREATHE_S = 0.001

    def __init__(self, handle: "TaskHandle", gate: Optional[UiGate] = None,
                 clock: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep):
        self._handle = handle
        self._event = threading.Event()
        self._gate = gate
        self._clock, self._sleep = clock, sleep
        self._since: Optional[float] = None  # when the job last let go of the GIL

    def breathe(self) -> None:
        """Called by a long job between small steps (one product, one regime, one chunk). While
        the UI thread paints a big view (UiGate), wait until it is done; otherwise, once WORK_S
        has passed since the last breath, sleep BREATHE_S. Cheap when neither (a clock read)."""
        now = self._clock()
        if self._since is None:
            self._since = now
        if self._gate is not None and self._gate.held():
            self._gate.wait()
        elif now - self._since >= self.WORK_S:
            self._sleep(self.BREATHE_S)
        else:
            return
        self._since = self._clock()

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

    def __init__(self, name: str, parent: Optional[QObject] = None, gate: Optional[UiGate] = None):
        super().__init__(parent)
        self.name = name
        self.context = JobContext(self, gate)
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
        self.gate = UiGate()  # the jobs' breathe() steps aside while a big view paints

    def hold_while_painting(self, viewport: QObject) -> PaintHold:
        """Make the jobs step aside while ``viewport`` paints (a table of the whole catalog)."""
        return PaintHold(self.gate, viewport)

    def start(self, name: str, fn: Callable[[JobContext], Any], *, on_done: Optional[Callable[[Any], None]] = None,
              on_failed: Optional[Callable[[BaseException, str], None]] = None,
              on_progress: Optional[Callable[[int, int, str], None]] = None,
              on_cancelled: Optional[Callable[[], None]] = None, owner: Optional[QObject] = None) -> TaskHandle:
        """Run ``fn(ctx)`` on the pool. Pass the callbacks here rather than connecting to the
        handle afterwards: a fast job may emit before a later connect() is made.

        ``owner``: the widget the callbacks update. The runner is the app's one runner and outlives
        any screen, so when the owner is destroyed its job is cancelled and its callbacks are
        never called."""
        handle = TaskHandle(name, self, self.gate)
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
