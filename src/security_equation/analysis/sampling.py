"""Drawing the uncertain parameters of a scenario: reproducible streams, truncated
distributions.

Drawing
-------
Every uncertain parameter gets its own stream of uniforms: ``SeedSequence(seed)`` is
spawned into one child per parameter, in the order of ``scenario.uncertainty`` (the
order the fields appear in the scenario). Sample ``i`` of a parameter is the ``i``-th
uniform of its stream (PCG64 can jump ahead, so a chunk ``[start, stop)`` draws exactly
the uniforms ``start … stop-1`` without drawing the ones before). The same seed therefore
gives the same numbers for every chunk size, worker count and backend.

Uniforms become values through the inverse CDF of the distribution *truncated to its
bounds* (``bounds: [lo, hi]``): ``u`` is mapped onto ``[F(lo), F(hi)]`` before ``F⁻¹``
(``scipy.stats.truncnorm`` for normal and, on the log scale, lognormal). Truncation is
thus exact and needs no rejection loop. Lognormal takes ``median`` and ``sigma`` (of
``ln x``).

Integer fields (launchers, interceptors, …) are drawn as real numbers and stay
fractional: the engine is continuous, so 180.4 launchers means an expected force of
180.4, and rounding would only add noise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from security_equation.io.errors import InputError
from security_equation.schema.scenario import Distribution, Scenario

#: Uniforms are kept this far inside (0, 1) at an unbounded end, which never maps to ±inf.
_U_EPS = 2.0**-53

Parameters = tuple[tuple[str, Distribution], ...]


# --------------------------------------------------------------------------- distributions
def _truncated_normal(mean: float, sd: float, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    if lo == -np.inf and hi == np.inf:
        return stats.norm.ppf(u, loc=mean, scale=sd)
    a, b = (lo - mean) / sd, (hi - mean) / sd
    return stats.truncnorm.ppf(u, a, b, loc=mean, scale=sd)


def inverse_cdf(dist: Distribution, u) -> np.ndarray:
    """Values of ``dist`` truncated to its ``bounds`` at probabilities ``u`` ∈ [0, 1].

    ``u = 0`` and ``u = 1`` give the ends of the support where it is finite; they are
    nudged inside (0, 1) where an end is infinite.
    """
    lo, hi = dist.support()
    u = np.clip(
        np.asarray(u, dtype=float),
        0.0 if np.isfinite(lo) else _U_EPS,
        1.0 if np.isfinite(hi) else 1.0 - _U_EPS,
    )
    if dist.dist == "uniform":
        # A uniform truncated to bounds is uniform on the intersection.
        x = lo + u * (hi - lo)
    elif dist.dist == "triangular":
        f_lo, f_hi = _triangular_cdf(dist, lo), _triangular_cdf(dist, hi)
        x = _triangular_ppf(dist, f_lo + u * (f_hi - f_lo))
    elif dist.dist == "normal":
        x = _truncated_normal(dist.mean, dist.sd, lo, hi, u)
    elif dist.dist == "lognormal":
        log_lo = np.log(lo) if lo > 0 else -np.inf
        log_hi = np.log(hi) if np.isfinite(hi) else np.inf
        x = np.exp(_truncated_normal(np.log(dist.median), dist.sigma, log_lo, log_hi, u))
    else:  # pragma: no cover - the schema allows no other kind
        raise ValueError(f"unknown distribution {dist.dist!r}")
    return np.clip(x, lo, hi)


def _triangular_cdf(dist: Distribution, x: float) -> float:
    """The triangular distribution's CDF at ``x`` (closed form; as ``scipy.stats.triang``)."""
    a, c, b = dist.low, dist.mode, dist.high
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


def _triangular_ppf(dist: Distribution, p: np.ndarray) -> np.ndarray:
    """The triangular distribution's quantiles at ``p`` ∈ [0, 1] (closed form, vectorized;
    ``scipy.stats.triang.ppf`` builds a frozen distribution per call, a tenth of a Monte
    Carlo run's time)."""
    a, c, b = dist.low, dist.mode, dist.high
    width = b - a
    split = (c - a) / width
    p = np.asarray(p, dtype=float)
    left = a + np.sqrt(np.clip(p, 0.0, split) * width * (c - a))
    right = b - np.sqrt(np.clip(1.0 - p, 0.0, 1.0 - split) * width * (b - c))
    return np.where(p <= split, left, right)


def quantile_bounds(dist: Distribution, lower: float = 0.01, upper: float = 0.99) -> tuple[float, float]:
    """Probability range used where a finite range is needed (sensitivity analysis):
    the whole support (0, 1) where it is finite, else the 1–99 % quantiles."""
    lo, hi = dist.support()
    return (0.0 if np.isfinite(lo) else lower, 1.0 if np.isfinite(hi) else upper)


# --------------------------------------------------------------------------- streams
def uniforms(seed: int, n_params: int, start: int, stop: int) -> np.ndarray:
    """Uniforms of samples ``start … stop-1``: shape ``(stop - start, n_params)``.

    Column ``j`` comes from the ``j``-th child of ``SeedSequence(seed)``; the stream is
    advanced to ``start`` without drawing, so any split into chunks gives the same numbers.
    """
    if start < 0 or stop < start:
        raise ValueError(f"bad sample range [{start}, {stop})")
    out = np.empty((stop - start, n_params))
    for j, child in enumerate(np.random.SeedSequence(seed).spawn(n_params)):
        bits = np.random.PCG64(child)
        bits.advance(start)  # one 64-bit output per double
        out[:, j] = np.random.Generator(bits).random(stop - start)
    return out


def draw(params: Sequence[tuple[str, Distribution]], seed: int, start: int, stop: int) -> np.ndarray:
    """Parameter values of samples ``start … stop-1``: shape ``(stop - start, len(params))``."""
    u = uniforms(seed, len(params), start, stop)
    values = np.empty_like(u)
    for j, (_, dist) in enumerate(params):
        values[:, j] = inverse_cdf(dist, u[:, j])
    return values


def draw_at(params: Sequence[tuple[str, Distribution]], seed: int, indices) -> np.ndarray:
    """Parameter values of arbitrary sample indices (drawn run by contiguous run)."""
    indices = np.asarray(indices, dtype=np.int64)
    if indices.size == 0:
        return np.empty((0, len(params)))
    unique = np.unique(indices)
    breaks = np.flatnonzero(np.diff(unique) != 1) + 1
    table = np.concatenate(
        [draw(params, seed, int(run[0]), int(run[-1]) + 1) for run in np.split(unique, breaks)]
    )
    return table[np.searchsorted(unique, indices)]


def parameters(scenario: Scenario) -> Parameters:
    """The scenario's uncertain parameters in sampling order."""
    return tuple(scenario.uncertainty.items())


def require_uncertainty(scenario: Scenario, option: str = "--samples") -> Parameters:
    params = parameters(scenario)
    if not params:
        raise InputError.single(
            "the scenario has no uncertain parameters: give a distribution for a numeric field,"
            " e.g. --set 'russia.systems.icbm_mobile.alert_fraction.day_to_day="
            "{dist: uniform, low: 0.1, high: 0.5}'",
            path=option,
        )
    return params
