"""Properties (hypothesis): determinism and monotonicity of the engine over random specs."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine import ProductSpec, determine
from workbench.engine.spec import THROUGHPUT_BIT_LENGTH

figures = st.one_of(st.none(), st.floats(min_value=0, max_value=20000, allow_nan=False, allow_infinity=False))
flags = st.one_of(st.none(), st.booleans())

specs = st.builds(
    ProductSpec,
    part_number=st.just("P"),
    product_type=st.sampled_from(["ic", "board", "server", "hbm"]),
    datacenter=flags,
    non_planar=flags,
    fp16_tflops=figures,
    fp8_tflops=figures,
    int8_tops=figures,
    fp4_tflops=figures,
    die_area_mm2=st.one_of(st.none(), st.floats(min_value=1, max_value=3000)),
    interconnect_bandwidth_gbs=figures,
    memory_bandwidth_gbs=figures,
    process_node_nm=st.one_of(st.none(), st.floats(min_value=2, max_value=40)),
    transistors_billion=st.one_of(st.none(), st.floats(min_value=0, max_value=300)),
    has_hbm=flags,
    hbm_bandwidth_density_gbs_mm2=st.one_of(st.none(), st.floats(min_value=0, max_value=10)),
)
destinations = st.sampled_from([None, "CN", "MO", "AE", "VN", "DE", "MY", "US"])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# The day the engine reads regimes on when a test gives no date (never the wall clock).
TODAY = date(2026, 12, 1)


@SETTINGS
@given(s=specs, dest=destinations, hq=st.sampled_from([None, "CN", "US"]))
def test_same_input_same_determination(library, s, dest, hq):
    for loaded in library.regimes:
        a = determine(s, loaded, library.countries, dest, hq, today=TODAY)
        b = determine(ProductSpec(**s.model_dump()), loaded, library.countries, dest, hq, today=TODAY)
        assert a == b


@SETTINGS
@given(s=specs, field=st.sampled_from(list(THROUGHPUT_BIT_LENGTH)), factor=st.floats(min_value=1.0, max_value=50.0))
def test_raising_throughput_never_decontrols(library, s, field, factor):
    current = getattr(s, field) or 1.0
    raised = s.model_copy(update={field: current * factor})
    for loaded in library.regimes:
        before = determine(s, loaded, library.countries, today=TODAY)
        after = determine(raised, loaded, library.countries, today=TODAY)
        if before.controlled:
            assert after.controlled is not False, (loaded.id, before.paragraph, after.paragraph)
