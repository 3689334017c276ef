"""What party screening costs, against a bare rapidfuzz scan of the same names in the same run.

Writes a synthetic Consolidated Screening List of N entries (default 60,000, about the size of
the real list; a third with alternative names) to a temporary folder and loads it into a fresh
catalog: load time, database size and memory. Then:

- one name against the list, 1,000 times (list names with typos, reordered words, other legal
  forms, and names not on the list): p50 and p95 per name, target p95 <= 50 ms; baseline: one
  ``rapidfuzz.process.extractOne`` (token_sort_ratio) over every list name;
- re-screening P stored parties (default 5,000) against the list, target <= 60 s; baseline: the
  bare scan of a sample of the parties, scaled to P (a full bare scan would take minutes).

Usage: python bench/bench_screening.py [N] [P]
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.clock import FixedClock  # noqa: E402
from workbench.io.csl import CSV_HEADER  # noqa: E402
from workbench.services.catalog import open_catalog  # noqa: E402
from workbench.services.screening import REVIEW_THRESHOLD, ScreeningService  # noqa: E402

SYLLABLES = ("hua wei zhong xing tian he xin hai guang jing nan bei dong xi feng long yun teng fei da kang shi "
             "rui ke ji an bao cheng hong sheng yu ming li chuang zhi neng tong wang hao jia de hui mei").split()
PLACES = "Beijing Shanghai Shenzhen Tianjin Nanjing Hangzhou Wuxi Chengdu Hefei Xian Wuhan Suzhou".split()
GENERIC = ["Technology", "Information Technology", "Electronics", "Semiconductor", "Trading", "Industry",
           "Microelectronics", "Intelligent Technology", "Digital Technology", "Communication"]
FORMS = ["Co., Ltd.", "Company Limited", "Corporation", "Limited", "LLC", "Inc.", "Group Co., Ltd."]
FIRST = "Ivan Sergei Alexei Mohammad Ali Reza Hassan Viktor Dmitri Oleg Yuri Ahmad Karim Nikolai Pavel".split()
LAST = "Petrov Ivanov Sokolov Hosseini Rezaei Karimi Smirnov Volkov Ahmadi Moradi Kuznetsov Popov".split()
EL, SDN = "Entity List (EL) - Bureau of Industry and Security", "Specially Designated Nationals (SDN) - Treasury"


ONSETS = "b c d f g h j k l m n p r s t v w z br ch cr dr gr kr pr sh st tr zh".split()
VOWELS = "a e i o u ai ao ei ia io ou ua".split()
CODAS = ["", "", "n", "ng", "r", "s", "l", "k", "x"]


def word(rng: random.Random) -> str:
    """A made-up name word: two or three syllables of onset, vowel and coda (like list names,
    most words are rare; a few, the places and generic words, are everywhere)."""
    if rng.random() < 0.3:
        return "".join(rng.sample(SYLLABLES, 2)).capitalize()  # pinyin-like
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                   for _ in range(rng.choice((2, 3)))).capitalize()


def synthetic_entries(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.55:
            name = f"{rng.choice(PLACES)} {word(rng)} {rng.choice(GENERIC)} {rng.choice(FORMS)}"
        elif kind < 0.7:
            name = f"China {word(rng)} Group Corporation {rng.randint(1, 99)}th Research Institute"
        elif kind < 0.9:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.choice(['', 'a'])} {word(rng)}"
        else:
            name = f"{word(rng)} {word(rng)} {rng.choice(['Shipping', 'Trading', 'Petroleum'])} {rng.choice(FORMS)}"
        alt = f"{word(rng)} {rng.choice(GENERIC)}" if rng.random() < 0.33 else ""
        row = dict.fromkeys(CSV_HEADER, "")
        row.update(_id=f"syn-{i}", source=EL if kind < 0.7 else SDN, name=name, alt_names=alt, type="Entity",
                   addresses=f"{rng.randint(1, 999)} Road, {rng.choice(PLACES)}, CN",
                   license_requirement="For all items subject to the EAR.", license_policy="Presumption of denial.")
        rows.append(row)
    return rows


def perturb(name: str, rng: random.Random) -> str:
    words = name.split()
    choice = rng.random()
    if choice < 0.3 and len(words) > 2:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif choice < 0.5:
        rng.shuffle(words)
    elif choice < 0.7:
        words = [w for w in words if w not in ("Co.,", "Ltd.", "Limited", "Corporation", "LLC", "Inc.")] + ["Ltd"]
    return " ".join(words)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main(n: int = 60_000, parties: int = 5_000) -> None:
    from rapidfuzz import fuzz, process

    rng = random.Random(11)
    rows = synthetic_entries(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "csl.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, CSV_HEADER)
            w.writeheader()
            w.writerows(rows)
        db = Path(tmp) / "catalog.sqlite3"
        conn = open_catalog(db, with_demo=False)
        service = ScreeningService(conn, FixedClock.on(date(2026, 12, 1)), db_label=db)
        before = rss_mb()
        start = time.perf_counter()
        snap = service.load(path).snapshot
        load_s = time.perf_counter() - start
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size_mb = db.stat().st_size / 1e6
        print(f"snapshot of {snap.entries:,} entries ({path.stat().st_size / 1e6:.1f} MB CSV): load {load_s:.1f} s, "
              f"catalog {size_mb:.1f} MB, memory +{rss_mb() - before:.0f} MB during the load (RSS {rss_mb():.0f} MB)")

        names = [r["name"] for r in rows] + [r["alt_names"] for r in rows if r["alt_names"]]
        queries = [perturb(rng.choice(rows)["name"], rng) if i % 4 else f"{rng.choice(PLACES)} {word(rng)} Holdings"
                   for i in range(1000)]
        service.screen(queries[0])  # warm caches (the first FTS query reads the index pages)
        ours, base = [], []
        for q in queries:
            t = time.perf_counter()
            service.screen(q)
            ours.append(time.perf_counter() - t)
        for q in queries[:200]:
            t = time.perf_counter()
            process.extractOne(q, names, scorer=fuzz.token_sort_ratio)
            base.append(time.perf_counter() - t)
        p95 = statistics.quantiles(ours, n=20)[-1] * 1000
        b95 = statistics.quantiles(base, n=20)[-1] * 1000
        print(f"one name vs {len(names):,} list names: p50 {statistics.median(ours) * 1000:.1f} ms, p95 {p95:.1f} ms "
              f"(target <= 50 ms) | bare rapidfuzz scan p50 {statistics.median(base) * 1000:.1f} ms, p95 {b95:.1f} ms "
              f"| ratio p95 {p95 / b95:.2f} x the bare scan")

        party_names = [perturb(rng.choice(rows)["name"], rng) if i % 10 == 0 else
                       f"{rng.choice(PLACES)} {word(rng)} {rng.choice(GENERIC)} {rng.choice(FORMS)}"
                       for i in range(parties)]
        t = time.perf_counter()
        hits = sum(1 for p in party_names if service._matches(p, snap.id, None, None, REVIEW_THRESHOLD))
        rescreen_s = time.perf_counter() - t
        sample = party_names[:250]
        t = time.perf_counter()
        for p in sample:
            process.extractOne(p, names, scorer=fuzz.token_sort_ratio, score_cutoff=80)
        bare_s = (time.perf_counter() - t) * parties / len(sample)
        print(f"re-screening {parties:,} parties: {rescreen_s:.1f} s (target <= 60 s), {hits:,} with a possible match "
              f"| bare rapidfuzz scan {bare_s:.1f} s (measured on {len(sample)}, scaled) | ratio "
              f"{rescreen_s / bare_s:.2f} x the bare scan")
        conn.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
