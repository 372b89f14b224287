"""Sweep grids over dotted paths, evaluated lazily in chunks.

An axis is ``PATH=START:STOP:NUM`` (inclusive ``numpy.linspace``). A sweep is the full
grid of its axes, optionally times ``samples`` Monte Carlo draws at every grid point
(the same draws at every point: common random numbers, so differences between grid
points are not sampling noise). Points are numbered in C order with the sample index
fastest; a chunk is a range ``[start, stop)`` of that flat index and builds its own
values with ``numpy.unravel_index``, so no array of the whole grid is ever built.

Where a path is both swept and uncertain, the axis value wins at every point.

A field the schema types as a whole number (launchers, interceptors,
``shots_per_warhead``, ``max_warheads_per_target``, …: found by asking the schema, see
``whole_number_field``) takes only axes whose every point is whole, as ``--set`` takes
only whole numbers there; an axis such as ``300:400:4`` (step 33.3) is refused.

Reproducibility: a point's sampled values depend only on the seed and its sample index
(see ``analysis.sampling``), and the engine always evaluates it within the same fixed
block of ``EVAL_BLOCK`` points, so the same sweep gives bit-identical numbers whatever
the chunk size, the number of workers or the backend (local processes or Dask).
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from security_equation.analysis.metrics import metric_names, metrics
from security_equation.analysis.sampling import draw_at
from security_equation.engine.arrays import ScenarioArrays
from security_equation.io import paths
from security_equation.io.errors import InputError, Problem
from security_equation.io.loading import SCENARIO_ERRORS
from security_equation.io.validation import describe_error
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import Distribution, Scenario

#: Points per engine call. The engine's optimiser may differ in the last digits depending
#: on which other scenarios share its batch, so every point is always evaluated in the
#: same block ``[k·B, (k+1)·B)`` of the flat index: results are then bit-identical for any
#: chunk size, worker count or backend. 4096 is where the vectorized engine reaches full
#: speed.
EVAL_BLOCK = 4096
#: Largest number of points (grid × samples) a sweep may have: the results alone take
#: about 8 bytes × 14 metrics per point in memory and on disk.
MAX_POINTS = 20_000_000
#: Default number of points per chunk (a chunk is the unit of work, progress and resume;
#: it is rounded up to whole blocks of ``EVAL_BLOCK``).
DEFAULT_CHUNK_SIZE = 16_384


@dataclass(frozen=True)
class Axis:
    """One swept field: ``num`` values from ``start`` to ``stop`` inclusive."""

    path: str
    start: float
    stop: float
    num: int

    @property
    def values(self) -> np.ndarray:
        return np.linspace(self.start, self.stop, self.num)

    @property
    def spec(self) -> str:
        return f"{self.path}={self.start:g}:{self.stop:g}:{self.num}"


def _number(text: str, what: str, option: str, raw: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError.single(f"{what} must be a number, got '{text}' in '{raw}'", path=option) from None
    if not math.isfinite(value):
        raise InputError.single(f"{what} must be finite, got '{text}'", path=option)
    return value


def parse_axis(text: str, option: str = "--axis") -> Axis:
    """``PATH=START:STOP:NUM`` → Axis (syntax only; see ``check_axes`` for the path)."""
    path, sep, spec = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise InputError.single(f"expected PATH=START:STOP:NUM, got '{text}'", path=option)
    where = f"{option} {path}"
    try:
        paths.split(path)
    except ValueError as exc:
        raise InputError.single(str(exc), path=where) from None
    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError.single(
            f"expected START:STOP:NUM after '=', got '{spec}' (e.g. {path}=0:400:41)", path=where
        )
    start = _number(parts[0].strip(), "START", where, text)
    stop = _number(parts[1].strip(), "STOP", where, text)
    try:
        num = int(parts[2].strip())
    except ValueError:
        raise InputError.single(f"NUM must be a whole number, got '{parts[2].strip()}'", path=where) from None
    if num < 1:
        raise InputError.single(f"NUM must be >= 1, got {num}", path=where)
    return Axis(path, start, stop, num)


def _probe(data: dict, parts: tuple[str, ...], value: float) -> list[str]:
    """Messages of the schema checks the scenario fails with ``value`` at ``parts``."""
    probe = copy.deepcopy(data)
    current = paths.get(probe, parts)
    paths.set_in(probe, parts, round(value) if isinstance(current, int) else float(value))
    try:
        Scenario.model_validate(probe)
    except ValidationError as exc:
        return [describe_error(err, probe, SCENARIO_ERRORS) for err in exc.errors(include_url=False)]
    return []


#: Pydantic's error types for a non-whole number given to an ``int`` field.
_INT_ERRORS = frozenset({"int_type", "int_from_float"})


def whole_number_field(data: dict, parts: tuple[str, ...], current: float) -> bool:
    """Whether the scenario schema takes only whole numbers at ``parts``: the scenario
    ``data`` (valid) is validated once with a fractional value there, and the field is
    whole-number if pydantic refuses it as not an integer at that location (its ``loc``
    may hold union tags between the path's keys)."""
    probe = copy.deepcopy(data)
    paths.set_in(probe, parts, float(current) + 0.5)
    try:
        Scenario.model_validate(probe)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = iter(str(k) for k in err["loc"])
            if err["type"] in _INT_ERRORS and all(part in loc for part in parts):
                return True
    return False


def _whole_steps(start: int, stop: int, num: int) -> list[int]:
    """The NUMs nearest ``num`` (at most one below and one above) that make a whole step
    from ``start`` to ``stop``."""
    span = abs(stop - start)
    if span == 0:
        return []
    divisors = set()
    for d in range(1, math.isqrt(span) + 1):
        if span % d == 0:
            divisors.update((d, span // d))
    nums = sorted(d + 1 for d in divisors)
    below = [n for n in nums if n < num]
    above = [n for n in nums if n > num]
    return [*below[-1:], *above[:1]]


def _is_whole(values: np.ndarray) -> np.ndarray:
    return np.abs(values - np.round(values)) <= 1e-9 * np.maximum(1.0, np.abs(values))


def whole_number_problem(axis: Axis, where: str) -> Problem | None:
    """Why ``axis`` does not fit a whole-number field (``None`` if every point is whole),
    in the words ``--set`` uses ("must be a whole number, got …"), with NUMs that fit."""
    values = axis.values
    whole = _is_whole(values)
    if whole.all():
        return None
    bad = float(values[np.argmin(whole)])
    grid = f"{axis.start:g}:{axis.stop:g}:{axis.num}"
    if not _is_whole(np.array([axis.start, axis.stop])).all():
        return Problem(f"must be a whole number, got {bad:g} in {grid}: choose a whole START and STOP", where)
    start, stop = round(axis.start), round(axis.stop)
    step = (axis.stop - axis.start) / (axis.num - 1)
    fits = _whole_steps(start, stop, axis.num)
    hint = " or ".join(f"{start}:{stop}:{n}" for n in fits)
    return Problem(
        f"must be a whole number, got {bad:g} ({grid} steps by {step:g}): choose NUM so that "
        "the step (STOP − START)/(NUM − 1) is whole" + (f", e.g. {hint}" if hint else ""),
        where,
    )


def check_axes(
    axes: Sequence[Axis], scenario: Scenario, arrays: ScenarioArrays, option: str = "--axis"
) -> None:
    """Every axis must address a numeric field of the scenario and stay within its limits;
    on a whole-number field, every point must be whole."""
    problems: list[Problem] = []
    data = scenario.model_dump(mode="python", exclude={"uncertainty", "applied_overrides"})
    seen: set[str] = set()
    for axis in axes:
        where = f"{option} {axis.path}"
        if axis.path in seen:
            problems.append(Problem("the same field is swept twice", where))
            continue
        seen.add(axis.path)
        try:
            parts = paths.canonical(axis.path)
        except ValueError as exc:
            problems.append(Problem(str(exc), where))
            continue
        try:
            current = paths.get(data, parts)
        except KeyError:
            current = None
        numeric = isinstance(current, int | float) and not isinstance(current, bool)
        if axis.path in arrays.slots and not numeric:
            shown = "not set in this scenario" if current is None else f"its value is {current!r}"
            problems.append(Problem(f"not a numeric field here ({shown})", where))
            continue
        if axis.path not in arrays.slots:
            hint = difflib.get_close_matches(axis.path, list(arrays.slots), n=3, cutoff=0.6)
            extra = (
                f" (did you mean {' or '.join(hint)}?)"
                if hint
                else (f" (e.g. {', '.join(sorted(arrays.slots)[:3])}, …)")
            )
            problems.append(Problem(f"no such numeric field{extra}", where))
            continue
        if whole_number_field(data, parts, current):
            problem = whole_number_problem(axis, where)
            if problem is not None:
                problems.append(problem)
                continue
        for end in dict.fromkeys((axis.start, axis.stop)):
            for message in _probe(data, parts, end):
                problems.append(Problem(f"{end:g} is outside the field's range: {message}", where))
    if problems:
        raise InputError(problems)


def parse_axes(
    texts: Sequence[str | Axis],
    scenario: Scenario,
    arrays: ScenarioArrays | None = None,
    option: str = "--axis",
) -> tuple[Axis, ...]:
    """Parse and check every ``--axis`` (text or ``Axis``), reporting all problems at once."""
    problems: list[Problem] = []
    axes = []
    for text in texts:
        try:
            axes.append(text if isinstance(text, Axis) else parse_axis(text, option))
        except InputError as exc:
            problems.extend(exc.problems)
    try:
        check_axes(axes, scenario, arrays if arrays is not None else compile_scenario(scenario), option)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return tuple(axes)


# --------------------------------------------------------------------------- plans and chunks
@dataclass(frozen=True)
class Plan:
    """Everything a chunk needs: picklable, small (the scenario as a batch of one)."""

    base: ScenarioArrays
    axes: tuple[Axis, ...]
    params: tuple[tuple[str, Distribution], ...]
    samples: int  # 0: no sampling, nominal values
    seed: int

    @property
    def grid_shape(self) -> tuple[int, ...]:
        return tuple(a.num for a in self.axes)

    @property
    def per_point(self) -> int:
        return max(self.samples, 1)

    @property
    def size(self) -> int:
        return math.prod(self.grid_shape) * self.per_point

    @property
    def shape(self) -> tuple[int, ...]:
        return (*self.grid_shape, *((self.samples,) if self.samples else ()))

    @property
    def metric_names(self) -> tuple[str, ...]:
        return metric_names(self.base.side_names)


def build_plan(scenario: Scenario, axes: Sequence[Axis] = (), samples: int = 0, seed: int = 0) -> Plan:
    if samples < 0:
        raise InputError.single(f"must be >= 0, got {samples}", path="--samples")
    if seed < 0:
        raise InputError.single(f"must be >= 0, got {seed}", path="--seed")
    params = tuple(scenario.uncertainty.items()) if samples else ()
    plan = Plan(compile_scenario(scenario), tuple(axes), params, int(samples), int(seed))
    if plan.size > MAX_POINTS:
        raise InputError.single(
            f"the sweep has {plan.size:,} points (grid {' × '.join(map(str, plan.shape))});"
            f" the limit is {MAX_POINTS:,}",
            path="--axis",
        )
    return plan


def effective_chunk_size(chunk_size: int) -> int:
    """``chunk_size`` rounded up to whole evaluation blocks."""
    if chunk_size < 1:
        raise InputError.single(f"must be >= 1, got {chunk_size}", path="--chunk-size")
    return -(-chunk_size // EVAL_BLOCK) * EVAL_BLOCK


def chunk_ranges(start: int, stop: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[start, stop)`` split into ranges of at most ``chunk_size`` (rounded up to whole
    evaluation blocks) whose inner boundaries fall on block boundaries."""
    size = effective_chunk_size(chunk_size)
    out = []
    position = start
    while position < stop:
        end = min((position // size + 1) * size, stop)
        out.append((position, end))
        position = end
    return out


def chunk_arrays(plan: Plan, start: int, stop: int) -> ScenarioArrays:
    """The batch of points ``start … stop-1`` (sampled values first, then axis values)."""
    index = np.arange(start, stop, dtype=np.int64)
    arrays = plan.base.repeat(stop - start)
    if plan.samples:
        grid_index, sample_index = np.divmod(index, plan.samples)
        if plan.params:
            values = draw_at(plan.params, plan.seed, sample_index)
            for j, (path, _) in enumerate(plan.params):
                arrays.set(path, values[:, j])
    else:
        grid_index = index
    if plan.axes:
        for axis, position in zip(plan.axes, np.unravel_index(grid_index, plan.grid_shape), strict=True):
            arrays.set(axis.path, axis.values[position])
    return arrays


def run_chunk(plan: Plan, chunk: tuple[int, int]) -> dict[str, np.ndarray]:
    """Metrics of points ``chunk[0] … chunk[1]-1`` of the plan (top level: picklable).

    The engine always runs on whole evaluation blocks ``[k·B, (k+1)·B)`` (the ones
    covering the chunk), so a point's numbers never depend on how the sweep was chunked.
    """
    start, stop = chunk
    first = start // EVAL_BLOCK * EVAL_BLOCK
    last = min(-(-stop // EVAL_BLOCK) * EVAL_BLOCK, plan.size)
    parts = [
        metrics(chunk_arrays(plan, b, min(b + EVAL_BLOCK, last))) for b in range(first, last, EVAL_BLOCK)
    ]
    if len(parts) == 1 and first == start and last == stop:
        return parts[0]
    return {name: np.concatenate([p[name] for p in parts])[start - first : stop - first] for name in parts[0]}
