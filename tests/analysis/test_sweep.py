"""Axis parsing and validation, lazy chunks, chunk-independent results."""

from __future__ import annotations

import numpy as np
import pytest

from security_equation.analysis.metrics import metrics
from security_equation.analysis.plans import (
    EVAL_BLOCK,
    MAX_POINTS,
    Axis,
    build_plan,
    chunk_arrays,
    chunk_ranges,
    parse_axes,
    parse_axis,
    run_chunk,
    whole_number_field,
)
from security_equation.analysis.sweep import run_sweep
from security_equation.io.errors import InputError
from security_equation.model.compile import compile_scenario


def test_parse_axis_inclusive_linspace():
    axis = parse_axis("russia.systems.icbm_mobile.launchers=0:400:5")
    assert axis == Axis("russia.systems.icbm_mobile.launchers", 0.0, 400.0, 5)
    assert axis.values.tolist() == [0, 100, 200, 300, 400]
    assert parse_axis("us.value.w80=300:300:1").values.tolist() == [300.0]
    assert parse_axis(" us.value.w80 = 1e2 : 2e2 : 2 ").values.tolist() == [100.0, 200.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("us.value.w80", "expected PATH=START:STOP:NUM"),
        ("=0:1:2", "expected PATH=START:STOP:NUM"),
        ("us.value.w80=0:1", "expected START:STOP:NUM"),
        ("us.value.w80=a:1:2", "START must be a number"),
        ("us.value.w80=0:inf:2", "STOP must be finite"),
        ("us.value.w80=0:1:2.5", "NUM must be a whole number"),
        ("us.value.w80=0:1:0", "NUM must be >= 1"),
        ("us..w80=0:1:2", "is not a dotted path"),
    ],
)
def test_parse_axis_syntax_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_axis(text)


def test_parse_axes_checks_fields_and_reports_every_problem(nominal):
    with pytest.raises(InputError) as info:
        parse_axes(
            [
                "russia.systems.icbm_mobil.launchers=0:400:3",
                "us.systems.trident_ii.reliability=0:2:3",
                "us.posture.alert=0:1:2",
                "us.value.w80=-1:100:3",
                "us.value.w80=1:100:3",
                "foo",
            ],
            nominal,
        )
    text = str(info.value)
    assert len(info.value.problems) == 6
    assert (
        "--axis russia.systems.icbm_mobil.launchers: no such numeric field"
        " (did you mean russia.systems.icbm_mobile.launchers"
    ) in text
    assert "--axis us.systems.trident_ii.reliability: 2 is outside the field's range: must be <= 1" in text
    assert "--axis us.posture.alert: not a numeric field" in text
    assert "must be > 0, got -1" in text
    assert "swept twice" in text
    assert "got 'foo'" in text


def test_parse_axes_accepts_settings_defences_and_nested_fields(nominal):
    axes = parse_axes(
        [
            "settings.cost_enemy_weight=0:1:3",
            "us.defences.air.penetration_probability=0.5:1:2",
            "russia.systems.slbm.alert_fraction.day_to_day=0:0.5:2",
        ],
        nominal,
    )
    assert [a.num for a in axes] == [3, 2, 2]


# --------------------------------------------------------------------------- whole-number fields
@pytest.mark.parametrize(
    ("path", "whole"),
    [
        ("us.systems.minuteman_iii.launchers", True),
        ("russia.systems.slbm.non_deployed_launchers", True),
        ("us.defences.gmd.interceptors", True),
        ("us.defences.gmd.shots_per_warhead", True),
        ("russia.posture.max_warheads_per_target", True),
        ("us.systems.minuteman_iii.cep_m", False),
        ("us.defences.gmd.kill_probability", False),
        ("us.value.w80", False),
        ("settings.cost_enemy_weight", False),
    ],
)
def test_whole_number_fields_come_from_the_schema(nominal, path, whole):
    from security_equation.io import paths

    data = nominal.model_dump(mode="python", exclude={"uncertainty", "applied_overrides"})
    parts = paths.canonical(path)
    assert whole_number_field(data, parts, paths.get(data, parts)) is whole


def test_axis_with_fractional_points_on_a_whole_number_field_is_refused(nominal):
    with pytest.raises(InputError) as info:
        parse_axes(
            [
                "us.systems.minuteman_iii.launchers=300:400:4",
                "us.defences.gmd.interceptors=0.5:44:3",
                "us.systems.minuteman_iii.cep_m=100:200:4",  # not whole-number: fine
            ],
            nominal,
        )
    launchers, interceptors = info.value.problems
    assert str(launchers) == (
        "--axis us.systems.minuteman_iii.launchers: must be a whole number, got 333.333"
        " (300:400:4 steps by 33.3333): choose NUM so that the step (STOP − START)/(NUM − 1)"
        " is whole, e.g. 300:400:3 or 300:400:5"
    )
    assert str(interceptors) == (
        "--axis us.defences.gmd.interceptors: must be a whole number, got 0.5 in 0.5:44:3:"
        " choose a whole START and STOP"
    )


def test_whole_grids_on_whole_number_fields_pass(nominal):
    axes = parse_axes(
        [
            "us.systems.minuteman_iii.launchers=300:400:5",
            "russia.systems.icbm_mobile.launchers=400:0:41",
            "us.posture.max_warheads_per_target=2:2:1",
            "us.defences.gmd.shots_per_warhead=1:4:4",
        ],
        nominal,
    )
    assert axes[0].values.tolist() == [300, 325, 350, 375, 400]
    assert axes[1].values.tolist() == list(range(400, -1, -10))


def test_same_message_as_set_for_a_fractional_value(nominal, seceq):
    code, _, err = seceq("run", "--set", "us.systems.minuteman_iii.launchers=300.5")
    assert code == 2 and "must be a whole number, got 300.5" in err
    code, _, err = seceq("sweep", "--axis", "us.systems.minuteman_iii.launchers=300:400:4", "--workers", "1")
    assert code == 2 and "Traceback" not in err
    assert "--axis us.systems.minuteman_iii.launchers: must be a whole number, got 333.333" in err
    # run_sweep (the web API's path too) checks the same way.
    with pytest.raises(InputError, match="must be a whole number, got 333.333"):
        run_sweep(nominal, [Axis("us.systems.minuteman_iii.launchers", 300.0, 400.0, 4)])


def test_chunk_ranges_align_to_blocks():
    assert chunk_ranges(0, 10_000, 7) == [(0, 4096), (4096, 8192), (8192, 10_000)]
    assert chunk_ranges(0, 10_000, 5000) == [(0, 8192), (8192, 10_000)]
    # A gap that starts inside a block first runs to the next boundary.
    assert chunk_ranges(100, 9000, 4096) == [(100, 4096), (4096, 8192), (8192, 9000)]
    with pytest.raises(InputError):
        chunk_ranges(0, 10, 0)


def test_chunks_are_built_lazily_from_the_flat_index(nominal):
    # A 10-million-point plan costs nothing until a chunk is evaluated.
    axes = parse_axes(
        ["russia.systems.icbm_mobile.launchers=0:999:1000", "us.defences.gmd.interceptors=0:9999:10000"],
        nominal,
    )
    plan = build_plan(nominal, axes)
    assert plan.size == 10_000_000 and plan.base.batch == 1
    arrays = chunk_arrays(plan, 9_999_990, 10_000_000)
    assert arrays.batch == 10
    assert np.allclose(arrays.get("russia.systems.icbm_mobile.launchers"), 999.0)
    assert np.allclose(arrays.get("us.defences.gmd.interceptors"), np.arange(9990, 10000))


def test_size_cap(nominal):
    axes = [Axis("us.value.w80", 1, 2, 10_000), Axis("russia.value.w80", 1, 2, 10_000)]
    with pytest.raises(InputError, match=f"limit is {MAX_POINTS:,}"):
        build_plan(nominal, axes)


def test_point_values_follow_c_order_with_samples_fastest(uncertain):
    axes = parse_axes(["us.value.w80=100:300:3", "russia.value.w80=100:200:2"], uncertain)
    plan = build_plan(uncertain, axes, samples=4, seed=1)
    assert plan.shape == (3, 2, 4) and plan.size == 24
    arrays = chunk_arrays(plan, 0, 24)
    us = arrays.get("us.value.w80").reshape(3, 2, 4)
    ru = arrays.get("russia.value.w80").reshape(3, 2, 4)
    assert np.array_equal(us[:, 0, 0], [100, 200, 300])
    assert np.array_equal(ru[0, :, 0], [100, 200])
    alert = arrays.get("russia.systems.icbm_mobile.alert_fraction.day_to_day").reshape(3, 2, 4)
    # Common random numbers: the same draws at every grid point.
    assert np.array_equal(alert[0, 0], alert[2, 1])
    assert len(set(alert[0, 0].tolist())) == 4


def test_axis_overrides_a_sampled_field(uncertain):
    axes = parse_axes(["russia.systems.icbm_mobile.alert_fraction.day_to_day=0.2:0.4:2"], uncertain)
    plan = build_plan(uncertain, axes, samples=3, seed=1)
    got = chunk_arrays(plan, 0, 6).get("russia.systems.icbm_mobile.alert_fraction.day_to_day")
    assert got.tolist() == [0.2] * 3 + [0.4] * 3


def test_run_chunk_is_the_same_for_any_split(uncertain):
    axes = parse_axes(
        ["russia.systems.icbm_mobile.launchers=0:400:21", "us.defences.gmd.interceptors=0:1000:11"], uncertain
    )
    plan = build_plan(uncertain, axes, samples=20, seed=5)
    assert plan.size > EVAL_BLOCK
    whole = run_chunk(plan, (0, plan.size))
    bounds = [0, 7, 1000, 4095, 4096, 4100, plan.size - 3, plan.size]
    parts = [run_chunk(plan, (a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]
    for name, values in whole.items():
        assert np.array_equal(values, np.concatenate([p[name] for p in parts])), name


def test_run_chunk_matches_a_direct_batch(nominal):
    axes = parse_axes(["us.value.w80=100:500:5"], nominal)
    plan = build_plan(nominal, axes)
    arrays = compile_scenario(nominal, batch=5)
    arrays.set("us.value.w80", np.linspace(100, 500, 5))
    direct = metrics(arrays)
    got = run_chunk(plan, (0, 5))
    for name in direct:
        assert np.array_equal(got[name], direct[name]), name
