"""The desktop app shows the same licence position as the memo, the workbook and ``classify``: a
company catalog with its own H20 letter reads "licence required (letter REF)" in the catalog's
Licence column and on the product page, in English and Chinese."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from report_helpers import H20, add_products, add_sample_letter, fresh_catalog  # noqa: E402
from test_ui_support import close_gui, make_gui  # noqa: E402
from workbench.engine.spec import ProductSpec  # noqa: E402
from workbench.services import catalog_query as cq  # noqa: E402

REF = "ACME-BIS-2026-H20"


@pytest.mark.parametrize("lang, want", [("en", f"licence required (letter {REF})"),
                                        ("zh", f"需要许可证（告知函 {REF}）")])
def test_catalog_column_and_product_page_show_the_letter_position(tmp_path, qtbot, lang, want):
    conn = fresh_catalog(tmp_path, with_demo=False)
    add_products(conn, ProductSpec(part_number=H20, vendor="NVIDIA", name="H20", fp8_tflops=296.0, die_area_mm2=814.0,
                                   non_planar=True, datacenter=True, memory_bandwidth_gbs=4000.0,
                                   interconnect_bandwidth_gbs=900.0, has_hbm=True, transistors_billion=80.0,
                                   process_node_nm=4.0))
    add_sample_letter(conn, ref=REF, addressee="Acme Compute GmbH")
    conn.close()
    gui = make_gui(tmp_path, qtbot, lang=lang)
    try:
        model = gui.window.catalog.model
        qtbot.waitUntil(lambda: model.row_of(H20) >= 0 and model.cls is not None, timeout=30000)
        assert gui.session.destination == "CN"
        cell = model.index(model.row_of(H20), cq.COL_LICENCE).data()
        assert cell == want
        gui.session.select_product(H20)
        tree = gui.window.product.dets
        tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        current = next(t for t in tops if t.text(0) == gui.session.regime.id)
        assert current.toolTip(1) == want
    finally:
        close_gui(gui)
