"""Screening as officers use it: load a list snapshot, screen a name, hold deals whose parties
may be listed, clear or confirm possible matches (audited, tied to the entry's content), re-screen
every stored party on a new snapshot, and check ownership under the Affiliates rule.

Qt-free; the CLI and the Screening tab share it. Nothing is cleared automatically: a score at or
above :data:`REVIEW_THRESHOLD` is a possible match until the officer decides it, and a decision
holds only while the list entry's content hash is the one decided on.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.engine.identity import identity_key
from workbench.errors import UserError
from workbench.screening.matcher import adjust_for_place, score_names
from workbench.screening.normalise import NormName, from_stored, normalise, to_stored
from workbench.screening.ownership import AffiliateResult, Link, Listing, check as affiliates_check
from workbench.store import screening as store
from workbench.store.audit import current_actor
from workbench.store.connection import write_transaction

REVIEW_THRESHOLD = 0.80
MAX_QUERY_CHARS = 1_000
CANDIDATES = 100  # names fetched from the full-text index per screened name, best-ranked first


class ScreeningError(UserError):
    """Bad screening input: no snapshot loaded, an unknown entry, an empty reason."""


@dataclass(frozen=True)
class Match:
    entry_id: str
    name: str  # the entry's name
    matched_name: str  # which of its names scored best
    source: str
    score: float
    reasons: tuple[str, ...]
    content_hash: str
    entry: dict[str, Any]

    def to_json(self) -> dict:
        return {"id": self.entry_id, "name": self.name, "matched_name": self.matched_name, "source": self.source,
                "score": self.score, "reasons": list(self.reasons), "content_hash": self.content_hash,
                "entry": self.entry}


@dataclass(frozen=True)
class ScreenResult:
    query: str
    snapshot: Optional[store.Snapshot]
    threshold: float
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class QueueItem:
    """A possible match awaiting the officer's decision."""

    party: str
    party_key: str
    roles: tuple[str, ...]  # e.g. "deal D-1 consignee", "owner of X"
    match: Match
    previous: Optional[str] = None  # a lapsed decision on an earlier content of the entry


@dataclass(frozen=True)
class LoadReport:
    snapshot: store.Snapshot
    new_matches: tuple[QueueItem, ...] = field(default=())
    previous: Optional[store.Snapshot] = None


def fts_query(name: NormName) -> str:
    """The full-text query for a name: its terms (:meth:`NormName.query_terms`), including the
    first and last four letters of its longer words, so a typo in either half still finds the entry."""
    return " OR ".join(f'"{t}"' for t in name.query_terms())


def _reading(name: str) -> tuple[str, ...]:
    """How a Chinese name was read: its simplified form (when it changed) and its pinyin."""
    from workbench.screening.normalise import pinyin_forms, to_simplified

    spaced, _joined = pinyin_forms(name)
    if not spaced:
        return ()
    simple = to_simplified(name)
    first = f"read as simplified '{simple}', " if simple != name else ""
    return (f"{first}pinyin '{spaced}'",)


def party_key(name: str) -> str:
    return identity_key(name)


class ScreeningService:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = SYSTEM_CLOCK, db_label: object = "database",
                 rule_in_force: Optional[Callable[[date], bool]] = None, changes=None):
        self.conn, self.clock, self.db_label = conn, clock, db_label
        self.changes = changes  # a workbench.services.changes.ChangePublisher told of every write, or None
        if rule_in_force is None:  # the rule's dates as the bundled rules data gives them
            from workbench.services.named_lists import affiliates_rule_in_force as rule_in_force
        self.rule_in_force = rule_in_force
        self._norms: dict[int, NormName] = {}  # list names as normalised at load, by name row id
        self._queue: Optional[tuple[tuple, tuple[QueueItem, ...]]] = None  # (inputs fingerprint, queue)

    # --- snapshots ---------------------------------------------------------------------------------
    def snapshot(self) -> Optional[store.Snapshot]:
        return store.latest_snapshot(self.conn)

    def snapshots(self) -> list[store.Snapshot]:
        return store.snapshots(self.conn)

    def load(self, path: str | Path, actor: Optional[str] = None) -> LoadReport:
        """Read a CSL file and store it as a new snapshot (all or nothing), then re-screen every
        stored party and report the possible matches that are new since the previous snapshot."""
        from workbench.io.csl import read_csl

        parsed = read_csl(path)
        entries, names = [], []
        for e in parsed.entries:
            entries.append({"entry_id": e.id, "source": e.source, "name": e.name, "content_hash": e.content_hash,
                            "countries": e.countries, "fields": e.fields})
            rows = []
            for n in e.names:
                norm = normalise(n)
                rows.append({"name": n, "search_text": " ".join(norm.search_terms() + norm.concept_terms()),
                             "tokens": to_stored(norm)})
            names.append(rows)
        previous = self.snapshot()
        now = self.clock.now()
        with write_transaction(self.conn, self.db_label):
            snap_id = store.insert_snapshot(
                self.conn, list_date=self.clock.today(), loaded_utc=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                file_name=Path(parsed.path).name, sha256=parsed.sha256, fmt=parsed.format, counts=parsed.counts(),
                actor=actor or current_actor(),
                entries=entries, names=[[{**r, "tokens": json.dumps(r["tokens"], ensure_ascii=False)} for r in ns]
                                        for ns in names])
        snap = store.get_snapshot(self.conn, snap_id)
        new = tuple(self.rescreen(previous.id, snap.id)) if previous else tuple(self.review_queue())
        self._announce()
        return LoadReport(snap, new, previous)

    def _announce(self, *keys: str) -> None:
        """Tell the app's screens (deal holds, the review queue) that screening data changed."""
        if self.changes is not None:
            self.changes.publish("screening", keys)

    # --- screening ---------------------------------------------------------------------------------
    def screen(self, name: str, country: Optional[str] = None, address: Optional[str] = None,
               threshold: float = REVIEW_THRESHOLD, snapshot_id: Optional[int] = None) -> ScreenResult:
        snap = store.get_snapshot(self.conn, snapshot_id) if snapshot_id else self.snapshot()
        if not name or not name.strip():
            raise ScreeningError("the name to screen is empty (expected a party name)")
        if len(name) > MAX_QUERY_CHARS:
            raise ScreeningError(f"the name to screen is {len(name)} characters long (expected at most "
                                 f"{MAX_QUERY_CHARS})")
        if snap is None:
            return ScreenResult(name, None, threshold, ())
        return ScreenResult(name, snap, threshold, tuple(self._matches(name, snap.id, country, address, threshold)))

    def _matches(self, name: str, snapshot_id: int, country: Optional[str], address: Optional[str],
                 threshold: float) -> list[Match]:
        q = normalise(name)
        lead = _reading(name)
        best: dict[int, tuple[float, NormName]] = {}
        for row in store.candidates(self.conn, snapshot_id, fts_query(q), CANDIDATES):
            norm = self._norms.get(row.id)
            if norm is None:
                norm = self._norms[row.id] = from_stored(row.name, json.loads(row.tokens))
            s = score_names(q, norm, explain=False).score
            if row.entry_rowid not in best or best[row.entry_rowid][0] < s:
                best[row.entry_rowid] = (s, norm)
        near = {}
        for rowid, (s, norm) in best.items():
            # a country or address moves a score by at most +0.06: nothing further below can reach the threshold
            if s >= threshold - 0.06:
                full = score_names(q, norm)
                near[rowid] = (full.score, full.reasons, norm.original)
        out = []
        for rowid, e in store.entries_by_rowid(self.conn, near).items():
            score, reasons, matched = near[rowid]
            from workbench.screening.matcher import Score

            adjusted = adjust_for_place(Score(score, reasons), country, e.countries, address,
                                        e.fields.get("addresses") or ())
            if adjusted.score >= threshold:
                which = (f"matched the list name '{matched}'",) if matched != e.name else ()
                out.append(Match(e.entry_id, e.name, matched, e.source, adjusted.score,
                                 lead + which + adjusted.reasons,
                                 e.content_hash, e.fields))
        out.sort(key=lambda m: (-m.score, m.name, m.entry_id))
        return out

    # --- stored parties, decisions and the review queue ----------------------------------------------
    def stored_parties(self) -> dict[str, tuple[str, list[str]]]:
        """party key -> (name, roles) for every party the catalog holds: each live deal's consignee and
        end user, and every party named in the ownership links."""
        parties: dict[str, tuple[str, list[str]]] = {}

        def add(name: str, role: str) -> None:
            key = party_key(name)
            parties.setdefault(key, (name, []))[1].append(role)

        try:
            rows = self.conn.execute("SELECT reference, consignee_name, end_user_name FROM deals "
                                     "WHERE status <> 'cancelled' ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            rows = []
        for ref, consignee, end_user in rows:
            add(consignee, f"deal {ref} consignee")
            add(end_user, f"deal {ref} end user")
        for link in store.links(self.conn):
            add(link.owner, f"owner ({link.percent:g} %) of {link.owned}")
            add(link.owned, f"owned {link.percent:g} % by {link.owner}")
        return parties

    def decision_for(self, key: str, match: Match) -> Optional[store.Decision]:
        """The latest decision on this party and entry, if it was made on the entry's current content."""
        found = [d for d in store.decisions(self.conn, key) if d.entry_id == match.entry_id]
        current = [d for d in found if d.content_hash == match.content_hash]
        return current[-1] if current else None

    def _open(self, name: str, key: str, roles: Sequence[str], matches: Iterable[Match]) -> list[QueueItem]:
        items = []
        decided = store.decisions(self.conn, key)
        for m in matches:
            mine = [d for d in decided if d.entry_id == m.entry_id]
            if any(d.content_hash == m.content_hash for d in mine):
                continue
            lapsed = mine[-1] if mine else None
            note = (f"{lapsed.decision} on {lapsed.decided_on} by {lapsed.actor}; the list entry has changed since"
                    if lapsed else None)
            items.append(QueueItem(name, key, tuple(roles), m, note))
        return items

    def _fingerprint(self, snapshot_id: int) -> tuple:
        """What the review queue depends on: the snapshot, the decisions, the deals and the links."""
        try:
            deals = tuple(self.conn.execute("SELECT count(*), max(updated_utc) FROM deals").fetchone())
        except sqlite3.OperationalError:
            deals = ()
        return (snapshot_id, deals,
                tuple(self.conn.execute("SELECT count(*), max(id) FROM screening_decisions").fetchone()),
                tuple(self.conn.execute("SELECT count(*), max(id) FROM ownership_links").fetchone()))

    def review_queue(self, snapshot_id: Optional[int] = None) -> list[QueueItem]:
        """Open possible matches of every stored party (kept until a snapshot, decision, deal or link changes)."""
        snap = store.get_snapshot(self.conn, snapshot_id) if snapshot_id else self.snapshot()
        if snap is None:
            return []
        fp = self._fingerprint(snap.id)
        if self._queue is not None and self._queue[0] == fp:
            return list(self._queue[1])
        items = []
        for key, (name, roles) in self.stored_parties().items():
            items += self._open(name, key, roles, self._matches(name, snap.id, None, None, REVIEW_THRESHOLD))
        items.sort(key=lambda i: (-i.match.score, i.party))
        self._queue = (fp, tuple(items))
        return items

    def rescreen(self, old_id: int, new_id: int) -> list[QueueItem]:
        """Possible matches of stored parties under snapshot ``new_id`` that are new: an entry not
        matched under ``old_id``, or matched with another content (an entry that changed)."""
        out = []
        for key, (name, roles) in self.stored_parties().items():
            before = {(m.entry_id, m.content_hash) for m in self._matches(name, old_id, None, None, REVIEW_THRESHOLD)}
            now = [m for m in self._matches(name, new_id, None, None, REVIEW_THRESHOLD)
                   if (m.entry_id, m.content_hash) not in before]
            out += self._open(name, key, roles, now)
        out.sort(key=lambda i: (-i.match.score, i.party))
        return out

    def decide(self, party: str, entry_id: str, decision: str, reason: str, *, deal_id: Optional[int] = None,
               actor: Optional[str] = None) -> store.Decision:
        """Clear or confirm a possible match of ``party`` with list entry ``entry_id`` of the latest
        snapshot. The decision is tied to the entry's content hash."""
        if decision not in ("cleared", "confirmed"):
            raise ScreeningError(f"decision '{decision}' (expected cleared or confirmed)")
        if not reason or not reason.strip():
            raise ScreeningError("a decision needs a reason (expected the officer's grounds, in words)")
        snap = self.snapshot()
        if snap is None:
            raise ScreeningError("no screening list loaded (expected: workbench screening load FILE)")
        e = store.entry(self.conn, snap.id, entry_id)
        if e is None:
            raise ScreeningError(f"no entry '{entry_id}' in the list snapshot of {snap.list_date} "
                                 "(expected an id shown by workbench screen)")
        now = self.clock.now()
        with write_transaction(self.conn, self.db_label):
            made = store.add_decision(
                self.conn, party_key=party_key(party), party_name=party, entry_id=entry_id,
                content_hash=e.content_hash, decision=decision, reason=reason.strip(), snapshot_id=snap.id,
                deal_id=deal_id, actor=actor or current_actor(), ts_utc=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                decided_on=self.clock.today())
        self._announce(party)
        return made

    def confirmed(self) -> dict[str, Listing]:
        """party key -> the listing the officer confirmed for it (on the entry's current content)."""
        snap = self.snapshot()
        out: dict[str, Listing] = {}
        if snap is None:
            return out
        for d in store.decisions(self.conn):
            e = store.entry(self.conn, snap.id, d.entry_id)
            valid = e is not None and e.content_hash == d.content_hash
            if d.decision == "confirmed" and valid:
                out[d.party_key] = Listing(d.party_key, d.party_name, d.entry_id,
                                           e.fields.get("license_requirement", ""), e.fields.get("license_policy", ""))
            elif d.party_key in out and out[d.party_key].entry_id == d.entry_id and valid:
                out.pop(d.party_key)  # a later clearance of the same match
        return out

    # --- deals -------------------------------------------------------------------------------------
    def deal_parties(self, deal) -> list[tuple[str, str]]:
        """(name, role) for a deal's consignee, end user and their owners in the ownership links."""
        parties = [(deal.consignee.name, "consignee"), (deal.end_user.name, "end user")]
        owners: dict[str, list[store.OwnershipLink]] = {}
        for link in store.links(self.conn):
            owners.setdefault(party_key(link.owned), []).append(link)
        seen = {party_key(n) for n, _ in parties}
        todo = list(parties)
        while todo:
            name, role = todo.pop()
            for link in owners.get(party_key(name), []):
                if party_key(link.owner) not in seen:
                    seen.add(party_key(link.owner))
                    item = (link.owner, f"owner ({link.percent:g} %) of {name}")
                    parties.append(item)
                    todo.append(item)
        return parties

    def deal_hold(self, deal) -> list[QueueItem]:
        """The deal's open possible matches: a non-empty list means the deal is held for review."""
        snap = self.snapshot()
        if snap is None:
            return []
        items = []
        for name, role in self.deal_parties(deal):
            items += self._open(name, party_key(name), [f"deal {deal.reference} {role}"],
                                self._matches(name, snap.id, None, None, REVIEW_THRESHOLD))
        return items

    def licence_position(self, deal, confirmed: Optional[dict[str, Listing]] = None) -> list[dict]:
        """What confirmed matches and the Affiliates rule add to the deal's licence position.
        ``confirmed`` (from :meth:`confirmed`) may be passed in when many deals are read at once."""
        confirmed = self.confirmed() if confirmed is None else confirmed
        links = None
        out = []
        for name, role in self.deal_parties(deal):
            key = party_key(name)
            if key in confirmed:
                c = confirmed[key]
                out.append({"party": name, "role": role, "basis": f"listed ({c.entry_id})",
                            "license_requirement": c.license_requirement, "license_policy": c.license_policy})
                continue
            if links is None:
                links = [Link(party_key(l.owner), party_key(l.owned), l.percent, l.as_of, l.source, l.owner, l.owned)
                         for l in store.links(self.conn)]
            if not links or not confirmed:
                continue
            r = affiliates_check(key, links, confirmed, deal.deal_date, self.rule_in_force)
            if r.caught and r.inherited:
                out.append({"party": name, "role": role, "basis": "Affiliates rule: " + " | ".join(
                    " <- ".join(p) for p in r.paths), "license_requirement": r.inherited.license_requirement,
                    "license_policy": r.inherited.license_policy})
        return out

    def on_deal_saved(self, deal, actor: Optional[str] = None) -> list[QueueItem]:
        """Screen a just-saved deal's parties; the result is audited and returned (held if non-empty)."""
        from workbench.store import audit

        held = self.deal_hold(deal)
        snap = self.snapshot()
        if snap is not None:
            with write_transaction(self.conn, self.db_label):
                audit.append(self.conn, [audit.Change("deal.screen", f"deal:{deal.id}", None, {
                    "snapshot_id": snap.id, "list_date": snap.list_date.isoformat(), "held": bool(held),
                    "matches": [{"party": i.party, "entry_id": i.match.entry_id, "score": i.match.score,
                                 "content_hash": i.match.content_hash} for i in held]})],
                    actor=actor or current_actor(), ts=self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        return held

    # --- ownership ---------------------------------------------------------------------------------
    def links(self) -> list[store.OwnershipLink]:
        return store.links(self.conn)

    def add_links(self, rows: Sequence[tuple[str, str, float, date, str]], actor: Optional[str] = None,
                  origin: Optional[str] = None) -> int:
        """Add ownership links (owner, owned, percent, as-of date, source); all or nothing, audited."""
        checked = []
        for i, (owner, owned, pct, as_of, source) in enumerate(rows, 1):
            where = f"{origin}: row {i}" if origin else f"link {i}"
            if not owner.strip() or not owned.strip():
                raise ScreeningError(f"{where}: owner and owned must both be named")
            if party_key(owner) == party_key(owned):
                raise ScreeningError(f"{where}: '{owner}' cannot own itself")
            if not (0 < float(pct) <= 100):
                raise ScreeningError(f"{where}: percent {pct} (expected more than 0 and at most 100)")
            checked.append((owner.strip(), owned.strip(), party_key(owner), party_key(owned), float(pct), as_of,
                            source or ""))
        try:
            with write_transaction(self.conn, self.db_label):
                added = store.add_links(self.conn, checked, actor=actor or current_actor(),
                                        ts_utc=self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"), origin=origin)
        except sqlite3.IntegrityError as exc:
            raise ScreeningError(f"{origin or 'ownership links'}: {exc} (a link with the same owner, owned and "
                                 "as-of date exists)") from None
        self._announce()
        return added

    def import_links(self, path: str | Path, actor: Optional[str] = None) -> int:
        from workbench.io.ownership import read_links

        return self.add_links(read_links(Path(path)), actor=actor, origin=str(path))

    def delete_link(self, link_id: int, actor: Optional[str] = None) -> None:
        with write_transaction(self.conn, self.db_label):
            store.delete_link(self.conn, link_id, actor=actor or current_actor(),
                              ts_utc=self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        self._announce()

    def affiliates(self, party: str, day: Optional[date] = None) -> AffiliateResult:
        """The Affiliates-rule check of ``party`` on ``day`` (default: today on the injected clock)."""
        day = day or self.clock.today()
        ls = [Link(party_key(l.owner), party_key(l.owned), l.percent, l.as_of, l.source, l.owner, l.owned)
              for l in store.links(self.conn)]
        return affiliates_check(party_key(party), ls, self.confirmed(), day, self.rule_in_force)


def screen_saved_deals(conn: sqlite3.Connection, deals: Sequence, *, actor: Optional[str] = None,
                       db_label: object = "database", clock: Clock = SYSTEM_CLOCK) -> dict:
    """Screen just-saved deals (the deals service calls this after each save): deal id -> open
    possible matches. Returns {} at once when no list snapshot is loaded."""
    try:
        if store.latest_snapshot(conn) is None:
            return {}
    except sqlite3.OperationalError:  # a catalog without the screening tables
        return {}
    service = ScreeningService(conn, clock, db_label)
    held = {}
    for deal in deals:
        if deal.status == "cancelled":
            continue
        items = service.on_deal_saved(deal, actor)
        if items:
            held[deal.id] = items
    return held


# --- for the memo and the workbook -------------------------------------------------------------------

def screening_for_report(conn: sqlite3.Connection, party_names: Iterable[str],
                         clock: Clock = SYSTEM_CLOCK) -> dict:
    """What a memo or workbook shows about screening: the snapshot date and, per party, its possible
    matches with the officer's decision on each (None = awaiting review)."""
    service = ScreeningService(conn, clock)
    snap = service.snapshot()
    parties = []
    for name in dict.fromkeys(party_names):
        result = service.screen(name) if snap else None
        rows = []
        for m in (result.matches if result else ()):
            d = service.decision_for(party_key(name), m)
            rows.append({"id": m.entry_id, "name": m.name, "source": m.source, "score": m.score,
                         "decision": d.decision if d else None, "reason": d.reason if d else None})
        parties.append({"party": name, "matches": rows})
    return {"snapshot_date": snap.list_date.isoformat() if snap else None,
            "snapshot_sha256": snap.file_sha256 if snap else None, "threshold": REVIEW_THRESHOLD,
            "parties": parties}
