"""The ledger book: contributions kept by deal, so an add, edit or cancel changes only that deal's entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Optional

from workbench.engine.deals import DealDetermination
from workbench.engine.ledgers.contributions import Contribution, LedgerContext, LedgerEntry, LedgerKey, contributions


class LedgerBook:
    """Contributions by ledger and by deal; updated one deal at a time."""

    def __init__(self) -> None:
        self._entries: dict[LedgerKey, dict[int, LedgerEntry]] = {}
        self._keys_of: dict[int, tuple[LedgerKey, ...]] = {}

    def put(self, deal_id: int, items: Iterable[Contribution]) -> None:
        """Replace everything ``deal_id`` contributed with ``items`` (none: the deal stops counting)."""
        self.remove(deal_id)
        keys = []
        for c in items:
            bucket = self._entries.setdefault(c.key, {})
            if deal_id in bucket:  # two lines of one deal in the same ledger: one entry, summed
                old = bucket[deal_id]
                notes = "; ".join(n for n in (old.note, c.entry.note) if n)
                bucket[deal_id] = LedgerEntry(deal_id, old.reference, old.deal_date, old.amount + c.entry.amount, notes)
            else:
                bucket[deal_id] = c.entry
                keys.append(c.key)
        if keys:
            self._keys_of[deal_id] = tuple(keys)

    def remove(self, deal_id: int) -> None:
        for key in self._keys_of.pop(deal_id, ()):
            bucket = self._entries[key]
            del bucket[deal_id]
            if not bucket:
                del self._entries[key]

    def used(self, key: LedgerKey, excluding: Optional[int] = None) -> Decimal:
        return sum((e.amount for d, e in self._entries.get(key, {}).items() if d != excluding), Decimal(0))

    def entries(self, key: LedgerKey) -> tuple[LedgerEntry, ...]:
        return tuple(sorted(self._entries.get(key, {}).values(), key=lambda e: (e.deal_date, e.deal_id)))

    def keys(self) -> list[LedgerKey]:
        return sorted(self._entries)

    def totals(self) -> dict[LedgerKey, Decimal]:
        return {k: self.used(k) for k in self._entries}

    @classmethod
    def from_scratch(cls, evaluated: Iterable[DealDetermination], ctx: LedgerContext) -> "LedgerBook":
        book = cls()
        for dd in evaluated:
            if dd.deal.counted and dd.deal.id is not None:
                book.put(dd.deal.id, contributions(dd, ctx))
        return book
