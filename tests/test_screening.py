"""Party screening: loading the CSL, the matcher on Chinese and English names, the review queue
with decisions tied to an entry's content, deals held on save, and the Affiliates rule."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from deals_helpers import make_deal
from workbench.clock import FixedClock
from workbench.io.csl import CslError, read_csl
from workbench.screening.matcher import score_names
from workbench.screening.normalise import normalise
from workbench.services.catalog import open_catalog
from workbench.services.screening import REVIEW_THRESHOLD, ScreeningError, ScreeningService, screening_for_report

DATA = Path(__file__).parent / "data" / "screening"
CSV_FILE, JSON_FILE, LABELLED = DATA / "csl_sample.csv", DATA / "csl_sample.json", DATA / "labelled.csv"
DAY = date(2026, 12, 1)


@pytest.fixture
def service(tmp_path):
    conn = open_catalog(tmp_path / "catalog.sqlite3")
    yield ScreeningService(conn, FixedClock.on(DAY), db_label=tmp_path / "catalog.sqlite3")
    conn.close()


@pytest.fixture
def loaded(service):
    service.load(CSV_FILE)
    return service


def score(a: str, b: str) -> float:
    return score_names(normalise(a), normalise(b)).score


# --- normalising and scoring ------------------------------------------------------------------------

def test_traditional_chinese_reads_as_simplified_then_pinyin_without_spaces():
    assert [t.text for t in normalise("華為技術有限公司").tokens] == ["huawei", "@tech", "@co_ltd"]
    assert [t.text for t in normalise("Huawei Technologies Co., Ltd.").tokens] == ["huawei", "@tech", "@co_ltd"]


def test_ordinals_read_the_same_in_chinese_and_english():
    assert normalise("中國電子科技集團公司第十四研究所").numbers == {"14"}
    assert normalise("CETC 14所").numbers == {"14"}
    assert normalise("14th Research Institute").numbers == normalise("No. 14 Research Institute").numbers == {"14"}
    assert normalise("第三十八研究所").numbers == {"38"}


def test_numbers_must_agree():
    same = score("China Electronics Technology Group Corporation 14th Research Institute",
                 "China Electronics Technology Group Corporation 14th Research Institute")
    other = score("China Electronics Technology Group Corporation 38th Research Institute",
                  "China Electronics Technology Group Corporation 14th Research Institute")
    assert same == 1.0 and other < 0.3
    assert "numbers differ: 38 vs 14" in " ".join(score_names(
        normalise("CETC 38th Research Institute"), normalise("CETC 14th Research Institute")).reasons)


def test_generic_words_weigh_little_and_distinctive_ones_much():
    assert score("Beijing Xinghe Technology Co., Ltd.", "Beijing Tianhe Technology Co., Ltd.") < 0.5
    assert score("Huawei", "Huawei Technologies Co., Ltd.") > REVIEW_THRESHOLD
    assert score("Huawei Technologies Corporation", "Huawei Technologies Co., Ltd.") > 0.95


def test_confusable_letters_and_spacing_do_not_hide_a_name():
    assert score("Huаwei Technologies", "Huawei Technologies") == 1.0  # Cyrillic а
    assert score("Hua Wei Technologies", "Huawei Technologies") == 1.0
    assert score("ＨＵＡＷＥＩ", "Huawei") == 1.0


def test_every_score_says_why():
    result = score_names(normalise("Huawie Technologies Ltd"), normalise("Huawei Technologies Co., Ltd."))
    text = " | ".join(result.reasons)
    assert "'huawie' ~ 'huawei' (similar" in text and "technologies" in text


# --- loading the list -----------------------------------------------------------------------------

def test_csv_and_json_read_to_the_same_entries():
    a, b = read_csl(CSV_FILE), read_csl(JSON_FILE)
    assert [e.id for e in a.entries] == [e.id for e in b.entries]
    assert [e.content_hash for e in a.entries] == [e.content_hash for e in b.entries]
    assert a.counts() == {"Entity List (EL) - Bureau of Industry and Security": 26,
                          "Specially Designated Nationals (SDN) - Treasury Department": 2}
    huawei = a.entries[0]
    assert huawei.countries == ("CN",) and huawei.fields["alt_names"] == ["Huawei"]


def test_load_records_a_snapshot_and_keeps_earlier_ones(service):
    first = service.load(CSV_FILE).snapshot
    second = service.load(JSON_FILE).snapshot
    assert (first.list_date, first.entries, first.format) == (DAY, 28, "csv")
    assert second.id > first.id and len(service.snapshots()) == 2
    assert first.file_sha256 == read_csl(CSV_FILE).sha256


def test_a_bad_row_is_named_and_nothing_is_loaded(service, tmp_path):
    rows = CSV_FILE.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    rows[4] = rows[4].replace("el-cetc13,", ",", 1)  # row 5 loses its _id
    rows[7] = rows[7].replace("el-cetc58,", "el-huawei,", 1)  # row 8 repeats row 2's id
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CslError) as err:
        service.load(bad)
    text = str(err.value)
    assert "bad.csv: row 5: '_id' is empty" in text
    assert "bad.csv: row 8: id 'el-huawei' repeats row 2" in text and "nothing was loaded" in text
    assert service.snapshots() == []


def test_json_errors_name_the_path(tmp_path):
    doc = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    doc["results"][3]["name"] = ""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CslError, match=r"\$\.results\[3\]: 'name' is empty"):
        read_csl(bad)


# --- screening ------------------------------------------------------------------------------------

def test_traditional_name_finds_the_english_entry_with_reasons(loaded):
    result = loaded.screen("中國電子科技集團公司第十四研究所", country="CN")
    top = result.matches[0]
    assert top.entry_id == "el-cetc14" and top.score >= REVIEW_THRESHOLD
    assert any(r.startswith("read as simplified '中国电子科技集团公司第十四研究所'") for r in top.reasons)
    assert any("number '第十四' ~ '14th'" in r for r in top.reasons)
    assert any("country CN agrees" in r for r in top.reasons)
    assert "el-cetc38" not in [m.entry_id for m in result.matches]


def test_without_a_snapshot_screening_finds_nothing(service):
    assert service.screen("Huawei").matches == ()


def test_labelled_set_precision_and_recall(loaded, capsys):
    """Positives must find their entry at or above the review threshold; hard negatives must not
    reach it. Precision and recall are printed (run with -s to see them)."""
    tp = fp = fn = 0
    misses, false_hits = [], []
    with LABELLED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        found = [m.entry_id for m in loaded.screen(row["query"]).matches]
        if row["expect"]:
            if row["expect"] in found:
                tp += 1
            else:
                fn += 1
                misses.append(row["query"])
            fp += len([x for x in found if x != row["expect"]])
            false_hits += [f"{row['query']} -> {x}" for x in found if x != row["expect"]]
        else:
            fp += len(found)
            false_hits += [f"{row['query']} -> {x}" for x in found]
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    with capsys.disabled():
        print(f"\nscreening labelled set ({len(rows)} names): precision {precision:.2f}, recall {recall:.2f} "
              f"(tp {tp}, fp {fp}, fn {fn}); misses: {misses}; false hits: {false_hits}")
    assert precision >= 0.9 and recall >= 0.85


def test_cli_json_is_sorted_and_states_the_threshold(tmp_path, capsys):
    from workbench.cli import main

    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "c.sqlite3"))  # screening works in an existing (company) catalog
    assert main(["screening", "load", str(CSV_FILE), "--db", db]) == 0
    capsys.readouterr()
    assert main(["screen", "CETC 14所", "--db", db, "--format", "json"]) == 0
    out = capsys.readouterr()
    items = json.loads(out.out)
    assert items and items[0]["id"] == "el-cetc14" and set(items[0]) >= {"id", "name", "source", "score", "reasons",
                                                                          "entry"}
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert f"review threshold {REVIEW_THRESHOLD:.2f}" in out.err
    assert main(["screen", "Huawei", "--db", db]) == 0
    assert "review threshold" in capsys.readouterr().out
    assert main(["screening", "load", str(tmp_path / "missing.csv"), "--db", db]) == 2


# --- review queue, decisions, deals ------------------------------------------------------------------

def _changed_copy(tmp_path: Path) -> Path:
    """The sample list with Huawei's entry changed (a new address), as a later snapshot would be."""
    text = CSV_FILE.read_text(encoding="utf-8").replace("Bantian, Longgang District", "Bantian, Longgang Dist.")
    out = tmp_path / "csl_later.csv"
    out.write_text(text, encoding="utf-8")
    return out


def test_deal_with_listed_consignee_is_held_cleared_and_flagged_again(tmp_path, library):
    from workbench.services.deals import DealService

    path = tmp_path / "catalog.sqlite3"
    conn = open_catalog(path)
    try:
        screening = ScreeningService(conn, FixedClock.on(DAY), db_label=path)
        screening.load(CSV_FILE)
        deals = DealService(conn, library, db_label=path)
        saved, _ = deals.save(make_deal("D-9", consignee="華為技術有限公司", consignee_country="CN",
                                        destination="CN"), allow_over_limit=True)
        assert [i.match.entry_id for i in deals.held[saved.id]] == ["el-huawei"]
        assert [i.party for i in screening.review_queue()] == ["華為技術有限公司"]
        with pytest.raises(ScreeningError, match="needs a reason"):
            screening.decide("華為技術有限公司", "el-huawei", "cleared", "  ")
        screening.decide("華為技術有限公司", "el-huawei", "cleared", "different company: verified registry number")
        assert screening.deal_hold(saved) == [] and screening.review_queue() == []
        audit_actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY seq")]
        assert "deal.screen" in audit_actions and "screening.cleared" in audit_actions

        report = screening.load(_changed_copy(tmp_path))
        assert [(i.party, i.match.entry_id) for i in report.new_matches] == [("華為技術有限公司", "el-huawei")]
        assert "the list entry has changed since" in report.new_matches[0].previous
        assert [i.match.entry_id for i in screening.deal_hold(saved)] == ["el-huawei"]

        screening.decide("華為技術有限公司", "el-huawei", "confirmed", "same company")
        position = screening.licence_position(saved)
        assert position and position[0]["license_policy"] == "Presumption of denial."
        report_data = screening_for_report(conn, ["華為技術有限公司"], FixedClock.on(DAY))
        assert report_data["snapshot_date"] == DAY.isoformat()
        assert report_data["parties"][0]["matches"][0]["decision"] == "confirmed"
    finally:
        conn.close()


# --- ownership and the Affiliates rule ---------------------------------------------------------------

def test_two_levels_of_ownership_are_caught_with_the_path(loaded, tmp_path):
    loaded.decide("Huawei Technologies Co., Ltd.", "el-huawei", "confirmed", "listed entity itself")
    sheet = tmp_path / "owners.csv"
    sheet.write_text("owner,owned,percent,as_of,source\n"
                     "\"Huawei Technologies Co., Ltd.\",Alpha Holdings Ltd,60,2026-01-01,registry extract\n"
                     "Alpha Holdings Ltd,Beta Trading Sdn Bhd,30,2026-01-01,annual report\n"
                     "\"Huawei Technologies Co., Ltd.\",Beta Trading Sdn Bhd,20,2026-01-01,annual report\n"
                     "Someone Else,Beta Trading Sdn Bhd,50,2026-01-01,annual report\n", encoding="utf-8")
    assert loaded.import_links(sheet) == 4
    r = loaded.affiliates("Beta Trading Sdn Bhd", date(2026, 12, 1))
    assert r.caught and r.listed_share == 50 and r.inherited.entry_id == "el-huawei"
    assert any("Alpha Holdings Ltd" in " ".join(p) and "[listed]" in p[-1] for p in r.paths)
    # exactly at the edge: 49.9 % does not catch
    loaded.add_links([("Someone Else", "Gamma Ltd", 50.1, date(2026, 1, 1), ""),
                      ("Alpha Holdings Ltd", "Gamma Ltd", 49.9, date(2026, 1, 1), "")])
    assert not loaded.affiliates("Gamma Ltd", date(2026, 12, 1)).caught
    # and only on days the rule is in force
    off = loaded.affiliates("Beta Trading Sdn Bhd", date(2026, 6, 1))
    assert not off.caught and "not in force" in off.notes[0]


def test_ownership_import_names_the_bad_cell(loaded, tmp_path):
    sheet = tmp_path / "owners.csv"
    sheet.write_text("owner,owned,percent,as_of\nA Ltd,B Ltd,150,2026-01-01\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"owners.csv:.*C2: '150'"):
        loaded.import_links(sheet)
    assert loaded.links() == []


def test_cli_owners_and_affiliates(tmp_path, capsys):
    from workbench.cli import main

    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "c.sqlite3"))  # screening works in an existing (company) catalog
    assert main(["screening", "load", str(CSV_FILE), "--db", db]) == 0
    assert main(["screening", "confirm", "Huawei Technologies Co., Ltd.", "el-huawei", "--reason", "listed",
                 "--db", db]) == 0
    assert main(["screening", "owners", "add", "Huawei Technologies Co., Ltd.", "Alpha Ltd", "60",
                 "--as-of", "2026-01-01", "--db", db]) == 0
    assert main(["screening", "owners", "add", "Alpha Ltd", "Beta Ltd", "50", "--as-of", "2026-01-01",
                 "--db", db]) == 0
    assert main(["screening", "owners", "list", "--db", db]) == 0
    capsys.readouterr()
    assert main(["screening", "affiliates", "Beta Ltd", "--date", "2026-12-01", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "CAUGHT: inherits Huawei Technologies Co., Ltd. (el-huawei)" in out
    assert "path: Beta Ltd <- 50 % (2026-01-01) <- Alpha Ltd <- 60 % (2026-01-01) <- Huawei" in out
    assert main(["screening", "clear", "X", "no-such-entry", "--reason", "r", "--db", db]) == 2


def test_overlong_names_are_refused(service, tmp_path):
    with pytest.raises(ScreeningError, match="at most 1000"):
        service.screen("x" * 1001)
    rows = CSV_FILE.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace("CETC 14;", "CETC " + "1" * 1200 + ";", 1)
    bad = tmp_path / "long.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CslError, match=r"long.csv: row 3: a name is 1205 characters long"):
        read_csl(bad)


def test_a_confirmed_match_joins_the_deals_licence_position_and_a_clearance_leaves_it(tmp_path, library):
    """One answer: once the officer confirms a party as listed, the deal reads "licence required"
    with the entry's requirement and policy wherever the deal is determined, even for items that
    need no licence by themselves; clearing the match takes it out again."""
    from workbench.services.deals import DealService

    path = tmp_path / "catalog.sqlite3"
    conn = open_catalog(path)
    try:
        screening = ScreeningService(conn, FixedClock.on(DAY), db_label=path)
        screening.load(CSV_FILE)
        deals = DealService(conn, library, db_label=path)
        # An L20 to Malaysia needs no licence by itself under the regime enforced on the deal's date.
        saved, _ = deals.save(make_deal("D-10", day=date(2026, 3, 3), lines=(("NVIDIA-L20-48GB", 5, "9000.00"),),
                                        consignee="華為技術有限公司", consignee_country="MY"), allow_over_limit=True)
        regime = deals.enforced_on(saved.deal_date)
        before = deals.evaluate(saved, regime)
        assert before.license_required is False and before.parties == ()

        screening.decide("華為技術有限公司", "el-huawei", "confirmed", "same company: registry number matches")
        after = deals.evaluate(saved, regime)
        assert after.license_required is True
        assert [(p["party"], p["role"]) for p in after.parties] == [("華為技術有限公司", "consignee")]
        assert any("Presumption of denial." in r and "el-huawei" in r for r in after.reasons)

        screening.decide("華為技術有限公司", "el-huawei", "cleared", "registry shows a different company after all")
        assert deals.evaluate(saved, regime).license_required is False
    finally:
        conn.close()
