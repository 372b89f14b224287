"""Plausible ranges of numeric scenario fields: the one table (docs/model.md, "Plausible ranges").

A value outside its range is not an error: the schema's own limits decide what is valid.
The loader (``io.loading.validate``) warns, naming file, line and dotted path, so that
absurd but possible inputs (``interceptors: 1e9``) are flagged rather than silently run.
Each bound has a one-line reason: a source id of ``data/sources.csv`` where it quotes a
figure, else ``assumption: …``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from security_equation.schema.base import walk_models
from security_equation.schema.scenario import MissileDefence, Requirement, Reserve, System, Value

#: The world's stockpile, January 2025: about 12,000 warheads (SIPRI-25).
_WORLD = "more than the world's stockpile of about 12,000 warheads (SIPRI-25)"


@dataclass(frozen=True)
class Plausible:
    """The plausible range of one field: ``low <= value <= high`` (None: no bound)."""

    low: float | None
    high: float | None
    reason: str
    #: Whether the range applies to this model instance (None: always).
    applies: Callable[[Any], bool] | None = None

    def describe(self) -> str:
        """``≤ 10,000`` or ``1 to 10,000``."""
        if self.low is None:
            return f"≤ {self.high:,g}"
        if self.high is None:
            return f"≥ {self.low:,g}"
        return f"{self.low:,g} to {self.high:,g}"

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _nuclear(system: System) -> bool:
    return system.nuclear


#: (model, field) -> plausible range. The only table of them.
RANGES: dict[tuple[type[BaseModel], str], Plausible] = {
    (System, "launchers"): Plausible(
        None, 10_000, "far more than either side has ever deployed of one system (assumption)"
    ),
    (System, "non_deployed_launchers"): Plausible(
        None, 10_000, "far more than either side has ever stored of one system (assumption)"
    ),
    (System, "warheads_per_launcher"): Plausible(
        None,
        20,
        "no missile carries more than about 14 warheads (assumption) and a heavy bomber about 20"
        " weapons (ACA2)",
    ),
    (System, "max_warheads_per_launcher"): Plausible(
        None, 24, "a heavy bomber's full load is 16-20 weapons (ACA2); 24 leaves room (assumption)"
    ),
    (System, "upload_warheads_available"): Plausible(None, 20_000, _WORLD),
    (System, "yield_kt"): Plausible(
        None, 25_000, "the largest weapons ever deployed yielded about 25 Mt (assumption: B41 bomb)"
    ),
    (System, "cep_m"): Plausible(
        1,
        10_000,
        "a nuclear delivery system misses by metres to a few kilometres, not millimetres or"
        " tens of kilometres (assumption)",
        _nuclear,
    ),
    (System, "hardness_psi"): Plausible(
        None, 100_000, "ten times the hardest silo estimates in the open literature (assumption)"
    ),
    (MissileDefence, "interceptors"): Plausible(
        None,
        10_000,
        "over a hundred times the largest homeland defences: 64 GBIs planned (MD2; MD3),"
        " 68 interceptors around Moscow (ABM2)",
    ),
    (MissileDefence, "shots_per_warhead"): Plausible(
        None, 10, "defences plan salvos of two to four interceptors per warhead (assumption)"
    ),
    (MissileDefence, "decoys_per_warhead"): Plausible(
        None, 100, "a missile's payload limits decoys to tens per warhead (assumption)"
    ),
    (Value, "w80"): Plausible(
        None,
        10_000,
        "close to the world's whole stockpile of about 12,000 warheads (SIPRI-25); w80 is"
        " usually a few hundred (assumption)",
    ),
    (Reserve, "warheads"): Plausible(None, 20_000, _WORLD),
    (Requirement, "arriving_warheads"): Plausible(None, 20_000, _WORLD),
}


def outside(
    model: BaseModel, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], float, Plausible]]:
    """Every numeric field of ``model`` (a scenario or part of one), at any depth, whose
    value lies outside its plausible range: (key path, value, range)."""
    for path, part in walk_models(model, prefix):
        for name in type(part).model_fields:
            value = getattr(part, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            rule = RANGES.get((type(part), name))
            if rule is not None and (rule.applies is None or rule.applies(part)) and not rule.contains(value):
                yield (*path, name), value, rule
