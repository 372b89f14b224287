"""Distributions, reproducible streams and Monte Carlo (uncertainty.sampling)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from security_equation.analysis.executors import LocalExecutor
from security_equation.analysis.metrics import metric_names
from security_equation.analysis.montecarlo import monte_carlo, summarize
from security_equation.analysis.sampling import draw, draw_at, inverse_cdf, quantile_bounds, uniforms
from security_equation.io.errors import InputError
from security_equation.schema.scenario import Distribution

N = 200_000


def sample(dist: Distribution, n: int = N, seed: int = 7) -> np.ndarray:
    return draw([("x", dist)], seed, 0, n)[:, 0]


def test_uniform_mean_variance_and_support():
    x = sample(Distribution(dist="uniform", low=2.0, high=6.0))
    assert x.min() >= 2.0 and x.max() <= 6.0
    assert x.mean() == pytest.approx(4.0, abs=0.01)
    assert x.var() == pytest.approx(16 / 12, rel=0.01)


def test_uniform_truncated_to_bounds_is_uniform_on_the_intersection():
    x = sample(Distribution(dist="uniform", low=0.0, high=10.0, bounds=(2.0, 5.0)))
    assert x.min() >= 2.0 and x.max() <= 5.0
    assert x.mean() == pytest.approx(3.5, abs=0.01)


def test_triangular_mode_and_cdf():
    dist = Distribution(dist="triangular", low=0.0, mode=2.0, high=10.0)
    x = sample(dist)
    assert x.mean() == pytest.approx(4.0, abs=0.02)  # (low + mode + high) / 3
    assert np.mean(x <= 2.0) == pytest.approx(0.2, abs=0.005)  # F(mode) = (mode-low)/(high-low)
    counts, edges = np.histogram(x, bins=20, range=(0, 10))
    assert edges[counts.argmax()] in (1.5, 2.0)  # the density peaks at the mode


def test_normal_untruncated_moments():
    x = sample(Distribution(dist="normal", mean=3.0, sd=0.5))
    assert x.mean() == pytest.approx(3.0, abs=0.005)
    assert x.std() == pytest.approx(0.5, rel=0.01)


def test_normal_truncated_stays_in_bounds_and_matches_truncnorm():
    dist = Distribution(dist="normal", mean=0.5, sd=0.3, bounds=(0.2, 0.9))
    x = sample(dist)
    assert x.min() >= 0.2 and x.max() <= 0.9
    a, b = (0.2 - 0.5) / 0.3, (0.9 - 0.5) / 0.3
    assert x.mean() == pytest.approx(stats.truncnorm.mean(a, b, loc=0.5, scale=0.3), abs=0.002)
    # Exact truncation: the ends are reached, not clipped into a spike.
    assert np.mean(x == 0.2) == 0 and np.mean(x == 0.9) == 0


def test_lognormal_median_and_log_sd():
    x = sample(Distribution(dist="lognormal", median=200.0, sigma=0.5))
    assert np.median(x) == pytest.approx(200.0, rel=0.01)
    assert np.log(x).std() == pytest.approx(0.5, rel=0.01)


def test_lognormal_truncated_median():
    x = sample(Distribution(dist="lognormal", median=200.0, sigma=0.5, bounds=(100.0, 300.0)))
    assert x.min() >= 100.0 and x.max() <= 300.0
    a, b = (np.log(100) - np.log(200)) / 0.5, (np.log(300) - np.log(200)) / 0.5
    expected = np.exp(stats.truncnorm.median(a, b, loc=np.log(200), scale=0.5))
    assert np.median(x) == pytest.approx(expected, rel=0.01)


def test_inverse_cdf_ends():
    tri = Distribution(dist="triangular", low=1.0, mode=2.0, high=5.0)
    assert inverse_cdf(tri, [0.0, 1.0]).tolist() == [1.0, 5.0]
    normal = Distribution(dist="normal", mean=0.0, sd=1.0)
    assert np.all(np.isfinite(inverse_cdf(normal, [0.0, 1.0])))
    assert quantile_bounds(normal) == (0.01, 0.99)
    assert quantile_bounds(tri) == (0.0, 1.0)
    assert quantile_bounds(Distribution(dist="lognormal", median=1.0, sigma=1.0)) == (0.0, 0.99)


def test_streams_do_not_depend_on_chunking():
    full = uniforms(42, 3, 0, 1000)
    assert np.array_equal(full[123:200], uniforms(42, 3, 123, 200))
    pieces = np.concatenate([uniforms(42, 3, s, min(s + 7, 1000)) for s in range(0, 1000, 7)])
    assert np.array_equal(full, pieces)
    # A parameter's stream depends only on the seed and its position.
    assert np.array_equal(uniforms(42, 2, 0, 50), uniforms(42, 3, 0, 50)[:, :2])
    assert not np.array_equal(uniforms(42, 1, 0, 50), uniforms(43, 1, 0, 50))


def test_draw_at_arbitrary_indices():
    params = [
        ("a", Distribution(dist="uniform", low=0, high=1)),
        ("b", Distribution(dist="lognormal", median=2, sigma=0.3)),
    ]
    table = draw(params, 5, 0, 30)
    idx = np.array([28, 29, 0, 1, 2, 17, 17, 5])
    assert np.array_equal(draw_at(params, 5, idx), table[idx])


def test_monte_carlo_dataset(uncertain):
    ds = monte_carlo(uncertain, 300, seed=11)
    assert ds.sizes["sample"] == 300
    for name in metric_names(("us", "russia")):
        assert ds[name].dims == ("sample",)
        assert ds[name].attrs["role"] == "metric"
    kp = ds["us.defences.gmd.kill_probability"]
    assert kp.attrs["role"] == "parameter"
    assert float(kp.min()) >= 0.1 and float(kp.max()) <= 0.9
    alert = ds["russia.systems.icbm_mobile.alert_fraction.day_to_day"].values
    assert alert.min() >= 0.1 and alert.max() <= 0.5
    assert ds.attrs["seed"] == 11 and ds.attrs["samples"] == 300
    # The parameter actually moves the result.
    assert float(ds["russia.surviving_warheads"].std()) > 1.0


def test_monte_carlo_same_seed_same_numbers_any_chunking_and_workers(uncertain):
    a = monte_carlo(uncertain, 9000, seed=3, chunk_size=7)
    b = monte_carlo(uncertain, 9000, seed=3, chunk_size=1000, executor=LocalExecutor(2))
    c = monte_carlo(uncertain, 9000, seed=3, chunk_size=100_000)
    for name in a.data_vars:
        assert np.array_equal(a[name].values, b[name].values), name
        assert np.array_equal(a[name].values, c[name].values), name
    d = monte_carlo(uncertain, 9000, seed=4)
    assert not np.array_equal(a["fsi"].values, d["fsi"].values)


def test_summarize_quantiles(uncertain):
    ds = monte_carlo(uncertain, 500, seed=1)
    table = summarize(ds)
    assert list(table.columns) == ["median", "p05", "p95", "mean"]
    assert set(table.index) == set(metric_names(("us", "russia")))
    assert (table["p05"] <= table["median"]).all() and (table["median"] <= table["p95"]).all()
    assert table.loc["fsi", "median"] == pytest.approx(float(np.median(ds["fsi"].values)))


def test_monte_carlo_without_uncertainty_is_an_input_error(nominal):
    with pytest.raises(InputError, match="no uncertain parameters"):
        monte_carlo(nominal, 10)


def test_run_samples_json(uncertain, capsys):
    from security_equation.cli.analysis import run_samples
    from security_equation.cli.options import OutputFormat

    run_samples(uncertain, 200, 5, OutputFormat.json)
    data = json.loads(capsys.readouterr().out)
    assert data["samples"] == 200 and data["seed"] == 5
    assert set(data["parameters"]) == set(uncertain.uncertainty)
    fsi = data["metrics"]["fsi"]
    assert fsi["p05"] <= fsi["median"] <= fsi["p95"]
    assert 0.0 <= fsi["nominal"] <= 1.0


def test_run_samples_table(uncertain, capsys):
    from security_equation.cli.analysis import run_samples
    from security_equation.cli.options import OutputFormat

    run_samples(uncertain, 100, 5, OutputFormat.table)
    out = capsys.readouterr().out
    assert "median" in out and "nominal" in out and "fsi" in out
