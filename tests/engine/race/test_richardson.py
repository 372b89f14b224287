"""Richardson's reference model (L. F. Richardson, Arms and Insecurity, 1960; docs/model.md
"Arms race"), checked against the worked case in shared/reference/validation.md."""

from __future__ import annotations

import json

import numpy as np
import pytest

from security_equation.engine.race import richardson
from security_equation.model.race import richardson_dict


def test_richardson_worked_case():
    """validation.md: dx/dt = 2y − 5x + 5, dy/dt = 2x − 3y + 5 is stable with equilibrium
    (25/11, 35/11) and m·n = 15 > a·b = 4."""
    model = richardson(a=2, b=2, m=5, n=3, g=5, h=5)
    x, y = model.equilibrium
    assert x == pytest.approx(25 / 11, abs=1e-12) and y == pytest.approx(35 / 11, abs=1e-12)
    assert round(float(x), 4) == 2.2727 and round(float(y), 4) == 3.1818
    assert bool(model.stable)
    assert float(model.m * model.n) == 15 and float(model.a * model.b) == 4
    assert float(model.determinant) == 11
    np.testing.assert_allclose(sorted(model.eigenvalues.real), [-4 - np.sqrt(5), -4 + np.sqrt(5)])
    np.testing.assert_allclose(model.eigenvalues.imag, 0)
    np.testing.assert_allclose(model.derivative(x, y), [0, 0], atol=1e-12)


def test_richardson_trajectory_closed_form_matches_solve_ivp_and_converges():
    model = richardson(2, 2, 5, 3, 5, 5)
    t = np.linspace(0, 12, 25)
    x, y = model.integrate(0.0, 0.0, t)
    xi, yi = model.integrate(0.0, 0.0, t, method="ivp")
    np.testing.assert_allclose(x, xi, atol=1e-7)
    np.testing.assert_allclose(y, yi, atol=1e-7)
    assert x[-1] == pytest.approx(25 / 11, abs=1e-6) and y[-1] == pytest.approx(35 / 11, abs=1e-6)
    # From any start, including above the equilibrium.
    x, y = model.integrate(10.0, 0.0, [30.0])
    assert x[-1] == pytest.approx(25 / 11, abs=1e-6) and y[-1] == pytest.approx(35 / 11, abs=1e-6)


def test_richardson_unstable_case_runs_away_and_models_batch():
    model = richardson(a=[2, 5], b=[2, 4], m=[5, 2], n=[3, 3], g=1, h=1)
    np.testing.assert_array_equal(model.stable, [True, False])  # 15 > 4; 6 < 20
    x, y = model.integrate(0.0, 0.0, [0.0, 5.0])
    assert x.shape == (2, 2)
    assert x[1, -1] > 1e3 and y[1, -1] > 1e3  # the arms race
    assert model.eigenvalues[1].real.max() > 0
    with pytest.raises(ValueError, match="'method'"):
        model.integrate(0, 0, [1.0], method="euler")


def test_richardson_parallel_reaction_lines_have_no_equilibrium():
    model = richardson(a=2, b=3, m=2, n=3)
    assert not bool(model.stable)
    assert np.isnan(model.equilibrium[0])
    x, y = model.integrate(1.0, 1.0, [0.0, 1.0])  # still integrable
    assert np.all(np.isfinite(x))
    data = richardson_dict(model)
    json.dumps(data, allow_nan=False)
    assert data["equilibrium"] == {"x": None, "y": None}
    assert data["stable"] is False and data["m_n"] == 6.0 and data["a_b"] == 6.0


def test_a_batch_of_models_gives_lists_in_json():
    data = richardson_dict(richardson(a=[2, 5], b=2, m=5, n=3))
    assert data["a"] == [2.0, 5.0] and data["stable"] == [True, True]
    assert len(data["eigenvalues"]["real"]) == 2 and len(data["eigenvalues"]["real"][0]) == 2
