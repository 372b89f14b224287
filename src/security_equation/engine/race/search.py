"""The least addition along a build path at which a side's requirements are met (or first
fail), for many probes at once (docs/model.md "Arms race").

A :class:`Probe` moves one side (``mover``) along its :class:`~.path.BuildPath` from a
one-member state and asks about one side's (``judge``) requirements: the least ``u`` at
which they are met (``want="met"``: the side's least addition) or at which they first fail
(``want="short"``: how much the other side must add before the judge reacts). Both are
monotone along a path. :func:`least` evaluates a geometric ladder of every probe in one
exchange call, then refines each bracket in batched calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from security_equation.engine.arrays import ScenarioArrays
from security_equation.engine.race.metrics import arriving
from security_equation.engine.race.path import BuildPath
from security_equation.engine.race.requirements import gaps, tolerance

#: Geometric ladder: 0 and fractions 2^-(LADDER-1) … 1 of the most the mover can add.
LADDER = 18
#: Interior points per bracket in each refinement call (the bracket shrinks 8×).
REFINE_POINTS = 7
REFINE_ROUNDS = 8


@dataclass
class Probe:
    """One question for :func:`least` (see the module docstring). ``state`` has one member."""

    state: ScenarioArrays
    mover: int
    path: BuildPath
    judge: int
    want: str = "met"  # "met" | "short"
    tolerance: float = field(default=0.5)


def set_rows(arrays: ScenarioArrays, k: int, rows: slice, values: dict[str, np.ndarray]) -> None:
    """Write a side's system arrays (from :meth:`BuildPath.apply`) into rows of a batch."""
    for key, v in values.items():
        arrays.sides[k].systems[key][rows] = v


def moved(state: ScenarioArrays, k: int, path: BuildPath, u: float) -> ScenarioArrays:
    """A copy of one-member ``state`` with side ``k`` moved by ``u`` along ``path`` (its
    stored-warhead reserve drawn down as well)."""
    out = state.copy()
    set_rows(out, k, slice(0, 1), path.apply(np.array([u])))
    out.sides[k].scalars["upload_reserve"][0] = path.reserve_after(np.array([u]))[0]
    return out


def _stack(states: Sequence[ScenarioArrays], counts: Sequence[int]) -> ScenarioArrays:
    """One batch holding ``counts[i]`` copies of one-member ``states[i]`` in order."""
    index = np.repeat(np.arange(len(states)), counts)

    def cat(get):
        return np.concatenate([get(s) for s in states], axis=0)[index]

    first = states[0]
    sides = []
    for k, side in enumerate(first.sides):
        sides.append(
            replace(
                side,
                systems={n: cat(lambda s, n=n, k=k: s.sides[k].systems[n]) for n in side.systems},
                kill_given=cat(lambda s, k=k: s.sides[k].kill_given),
                layers={n: cat(lambda s, n=n, k=k: s.sides[k].layers[n]) for n in side.layers},
                scalars={n: cat(lambda s, n=n, k=k: s.sides[k].scalars[n]) for n in side.scalars},
            )
        )
    settings = {n: cat(lambda s, n=n: s.settings[n]) for n in first.settings}
    return replace(first, sides=tuple(sides), settings=settings, slots={})


def _answers(probes: Sequence[Probe], points: Sequence[np.ndarray]) -> list[np.ndarray]:
    """For each probe, at each of its points: is the answer yes (met, or short)?"""
    counts = [p.size for p in points]
    batch = _stack([probe.state for probe in probes], counts)
    at = 0
    for probe, pts in zip(probes, points, strict=True):
        set_rows(batch, probe.mover, slice(at, at + pts.size), probe.path.apply(pts))
        at += pts.size
    least = arriving(batch, {probe.judge for probe in probes})
    out, at = [], 0
    for probe, pts in zip(probes, points, strict=True):
        rows = slice(at, at + pts.size)
        sub = batch.take(rows)
        g = gaps(sub, probe.judge, least[probe.judge][rows])
        if probe.want == "met":
            out.append(~g.short(0.0))
        else:
            out.append(g.short(tolerance(sub, probe.judge, probe.tolerance)))
        at += pts.size
    return out


def least(probes: Sequence[Probe], *, resolution: float = 0.25) -> list[tuple[float, bool]]:
    """For each probe, ``(u, found)``: the least ``u`` in ``[0, path.u_max]`` with a yes,
    to within ``resolution`` warheads (the upper end of the final bracket); ``found``
    False when even ``u_max`` gives no (then ``u = u_max``)."""
    if not probes:
        return []
    ladders = [
        np.concatenate([[0.0], p.path.u_max * 2.0 ** -np.arange(LADDER - 1, -1, -1, dtype=float)])
        for p in probes
    ]
    answers = _answers(probes, ladders)
    result: list[tuple[float, bool] | None] = [None] * len(probes)
    brackets: dict[int, list[float]] = {}
    for n, (ladder, yes) in enumerate(zip(ladders, answers, strict=True)):
        if not yes.any():
            result[n] = (probes[n].path.u_max, False)
        elif yes[0]:
            result[n] = (0.0, True)
        else:
            first = int(np.argmax(yes))
            brackets[n] = [float(ladder[first - 1]), float(ladder[first])]
    for _ in range(REFINE_ROUNDS):
        open_ = {n: b for n, b in brackets.items() if b[1] - b[0] > resolution}
        if not open_:
            break
        keys = list(open_)
        points = [np.linspace(*open_[n], REFINE_POINTS + 2)[1:-1] for n in keys]
        for n, pts, yes in zip(keys, points, _answers([probes[n] for n in keys], points), strict=True):
            lo, hi = brackets[n]
            if yes.any():
                first = int(np.argmax(yes))
                hi = float(pts[first])
                lo = float(pts[first - 1]) if first > 0 else lo
            else:
                lo = float(pts[-1])
            brackets[n] = [lo, hi]
    for n, (_, hi) in brackets.items():
        result[n] = (hi, True)
    return result  # type: ignore[return-value]
