"""Look-alike identifiers must not dodge rules: ``NVIDIA‐H20-LITE`` written with U+2010 escaped the
letter pattern ``NVIDIA-H20-*`` and got "no licence required"; a zero-width space in a consignee
name opened a second LPP ledger, so the limit was dodged; escape sequences in part numbers were
echoed raw to the terminal. Part numbers, party names, letter patterns and ledger keys now compare
on workbench.engine.identity.identity_key."""

from __future__ import annotations

from datetime import date

import pytest

from deals_helpers import H100, make_deal
from tests.conftest import spec
from tests.test_letters_engine import make_letter
from workbench.cli.common import terminal_safe, text_table
from workbench.engine.conditions import MET, NOT_MET
from workbench.engine.deals import Party
from workbench.engine.identity import identity_key
from workbench.engine.letters.coverage import CompiledLetter, coverage


def listed(part: str, pattern: str = "NVIDIA-H20-*") -> str:
    letter = make_letter(covered={"part_numbers": [pattern]})
    return coverage(CompiledLetter.build(letter), spec(part_number=part)).result


@pytest.mark.parametrize("part", [
    "NVIDIA-H20-LITE",
    "NVIDIA\u2010H20-LITE",  # HYPHEN
    "NVIDIA\u2011H20\u2212LITE",  # NON-BREAKING HYPHEN, MINUS SIGN
    "NVIDIA-H20\u200b-LITE",  # ZERO WIDTH SPACE
    "ＮＶＩＤＩＡ－Ｈ２０－ＬＩＴＥ",  # full width
    "NVIDIA-\u041d20-LITE",  # CYRILLIC CAPITAL EN in a Latin part number
    "NVIDI\u0391-H20-LITE",  # GREEK CAPITAL ALPHA
    "nvidia-h20-lite",
])
def test_look_alike_part_numbers_are_caught_by_the_letter_pattern(part):
    assert listed(part) == MET


def test_a_different_part_number_is_not_caught():
    assert listed("NVIDIA-H200-SXM") == NOT_MET
    assert listed("NVIDIA-H2O-LITE") == NOT_MET  # the letter O is not the digit 0 (same script: no skeleton)


def test_a_look_alike_pattern_in_the_letter_binds_the_ascii_part_number():
    assert listed("NVIDIA-H20-LITE", pattern="NVIDIA\u2010H20-*") == MET


def test_the_trace_says_the_pattern_listed_the_product():
    letter = make_letter(covered={"part_numbers": ["NVIDIA-H20-*"]})
    cov = coverage(CompiledLetter.build(letter), spec(part_number="NVIDIA\u2010H20-LITE"))
    assert cov.matched == ("part number NVIDIA\u2010H20-LITE is listed in the letter (pattern nvidia-h20-*)",)


def test_a_zero_width_space_in_a_consignee_name_does_not_open_a_second_ledger():
    plain = Party(name="Consignee Sdn Bhd", country="MY")
    for trick in ("Consignee\u200b Sdn Bhd", "Consignee Sdn\u00a0Bhd", "CONSIGNEE  SDN BHD", "Consignee Sdn Bh\u0501"):
        assert Party(name=trick, country="MY").key == plain.key, trick
    assert Party(name="Consignee Sdn Bhd", country="SG").key != plain.key


def test_one_lpp_ledger_for_look_alike_consignees(library):
    from workbench.engine.ledgers.contributions import contributions
    from workbench.services.deals import DealService
    from catalog_helpers import fresh_catalog
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        conn = fresh_catalog(Path(folder))
        service = DealService(conn, library)
        a = make_deal("A", date(2025, 3, 3), ((H100, 10, "1.00"),), authorization="LPP", consignee="Acme Co")
        b = make_deal("B", date(2025, 3, 4), ((H100, 10, "1.00"),), authorization="LPP", consignee="Acme\u200b Co")
        service.save_many([a, b])
        regime = library.get("us-ai-diffusion-2025-01")
        keys = {c.key for d in service.deals() for c in contributions(service.evaluate(d, regime.id),
                                                                       service.context(regime.id)) if c.key[0] == "lpp"}
        conn.close()
    assert len(keys) == 1


def test_identity_key_skeleton_applies_to_mixed_scripts_only():
    assert identity_key("NVIDIA-\u041d20") == identity_key("NVIDIA-H20") == "nvidia-h20"
    assert identity_key("\u0410\u0421\u041c\u0415") == "acme"  # all-Cyrillic look-alike of ACME: every letter confusable
    assert identity_key("ООО Ромашка") == "ооо ромашка"  # a real Russian name keeps its letters
    assert identity_key("华为技术有限公司") == "华为技术有限公司"
    assert identity_key("H100") != identity_key("HIOO")


def test_control_characters_are_escaped_for_the_terminal():
    assert terminal_safe("GPU\x1b[31mRED\x07") == "GPU\\x1b[31mRED\\x07"
    assert terminal_safe("A\u202eB\tC\nD") == "A\\u202eB\\tC\\nD"
    assert terminal_safe("普通 text — fine") == "普通 text — fine"
    table = text_table(["part"], [["X\x1b]0;owned\x07"]])
    assert "\x1b" not in table and "\\x1b]0;owned\\x07" in table


def test_classify_table_escapes_a_part_number_with_an_escape_sequence(tmp_path, capsys):
    from workbench.cli import main

    path = tmp_path / "p.csv"
    path.write_text("part_number,fp8_tflops\n\"EVIL\x1b[2J\",100\n", encoding="utf-8")
    assert main(["classify", str(path), "--regime", "us-ear-2023-10"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "EVIL\\x1b[2J" in out


def test_on_a_terminal_every_line_escapes_user_text(tmp_path):
    """A real run on a terminal (a pseudo-terminal here): the error line shows the escape, not runs it."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run([sys.executable, "-m", "workbench", "letters", "show", "EVIL\x1b[2J\x07",
                           "--db", _company(tmp_path)], stdout=follower, stderr=follower, env=env, timeout=120)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert done.returncode == 2
    assert b"\x1b" not in out and b"\x07" not in out and b"EVIL\\x1b[2J\\x07" in out


def test_a_pipe_gets_the_exact_text(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "workbench", "letters", "show", "EVIL\x1b",
                           "--db", _company(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "EVIL\x1b" in done.stderr


def test_a_look_alike_exporter_name_does_not_escape_its_letter(countries, regime):
    from workbench.engine import determine
    from workbench.engine.letters import BINDS, apply_letters

    s = spec(part_number="NVIDIA-H20", fp8_tflops=296.0, die_area_mm2=814.0, memory_bandwidth_gbs=4000.0,
             interconnect_bandwidth_gbs=900.0)
    det = determine(s, regime("us-enforced-2025-05"), countries, "CN", None, date(2025, 6, 1))
    letter = make_letter()  # addressed to "Example Semiconductor Inc."
    for name in ("Example\u200b Semiconductor Inc.", "Ex\u0430mple Semiconductor Inc.", "EXAMPLE  SEMICONDUCTOR INC."):
        assert apply_letters(det, s, [letter], countries, exporter=name).binding[0].result == BINDS, name
    assert apply_letters(det, s, [letter], countries, exporter="Other Subsidiary Ltd").license_required is False


def test_a_deal_line_with_a_look_alike_part_number_is_refused_with_the_catalog_spelling(tmp_path, library):
    from datetime import datetime

    from test_deals_xlsx_cli import lpp_row, write_xlsx
    from workbench.io.deals_xlsx import parse_deals

    look_alike = H100.replace("-", "\u2010", 1)
    path = write_xlsx(tmp_path / "d.xlsx", [lpp_row("D-1", datetime(2025, 3, 3), 10, part=look_alike)])
    (line,) = [str(e) for e in parse_deals(path, library.countries, {H100}).errors]
    assert line == (f"d.xlsx:Deals!M2: part number '{look_alike}' is not in the catalog (expected a catalog part "
                    f"number; the catalog has '{H100}', which looks the same: type it as the catalog does)")


def _company(tmp_path) -> str:
    """An empty company catalog (reading commands refuse a missing one)."""
    from workbench.services.catalog import create_catalog

    path = tmp_path / "c.db"
    return str(path if path.exists() else create_catalog(path))
