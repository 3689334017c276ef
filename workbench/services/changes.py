"""One change notice for the whole app: every service that writes announces what it changed here,
and whoever shows that data subscribes once, instead of each screen polling or holding a
listener list of its own service.

Qt-free: the desktop app's Session subscribes and turns each notice into one Qt signal (so a
notice published on a worker thread reaches the screens on the UI thread); the command line
needs no subscriber.

A notice is ``(topic, keys)``: the topic names what kind of data changed (one of TOPICS), the
keys which items (part numbers, letter references, deal ids as text); no keys means "any of it
may have changed" (a whole import, a new screening list, new rules).
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable

CATALOG = "catalog"  # products and their figures (an edit, an undo, an import)
LETTERS = "letters"  # is-informed letters (added, closed, withdrawn)
DEALS = "deals"  # deals and the ledger figures officers enter
SCREENING = "screening"  # the screening list, decisions and affiliate links
RULES = "rules"  # the rules in use (a signed rule update adopted)
TOPICS = (CATALOG, LETTERS, DEALS, SCREENING, RULES)

Subscriber = Callable[[str, tuple[str, ...]], None]
log = logging.getLogger("workbench.services.changes")


class ChangePublisher:
    """``publish(topic, keys)`` calls every subscriber, in the order they subscribed, on the
    publishing thread. A subscriber that raises is logged and the others still hear the notice:
    the write it announces is committed already."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Add ``callback(topic, keys)``; returns the function that removes it again."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)
        return unsubscribe

    def publish(self, topic: str, keys: Iterable[object] = ()) -> None:
        if topic not in TOPICS:
            raise ValueError(f"unknown change topic {topic!r} (expected one of {', '.join(TOPICS)})")
        keys = tuple(str(k) for k in keys)
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(topic, keys)
            except Exception:  # noqa: BLE001 - one broken screen must not hide the change from the others
                log.exception("change subscriber failed on %s %s", topic, keys)
